"""A batch shard's media written beside its simulation, past the page cache.

A local batch writes gigabytes of media that nothing reads soon. Through the page cache
each byte is copied into a fresh cache page, and on a virtual machine a fresh page is a
fault to the host: writing 13.4 GB cost two processes 22-35 s of system CPU there.
:class:`DirectFolder` writes each file from a thread of its own, so the simulation
computes the next recordings while the disk writes: the first :data:`CACHED_BYTES`
(1 GiB) a process writes through the page cache (a small batch is written and read
back at memory speed), the rest with ``O_DIRECT`` (the device reads the bytes from our
own page-aligned buffer; the same 13.4 GB: 2-8 s of system CPU).
Where the file system refuses ``O_DIRECT`` (tmpfs, or a platform without it) the files
are written through the page cache as before. Either way a file's bytes are exactly its
data; nothing but the file system's cache differs.
"""

from __future__ import annotations

import errno
import mmap
import os
import queue
import threading
from pathlib import Path

from recsim.outputs.target import FolderTarget, Parts, _write_all, failing_as

__all__ = ["DirectFolder"]

#: Alignment of an ``O_DIRECT`` buffer, length and offset (the largest logical block
#: size of common devices).
ALIGN = 4096
#: Files queued at most (each holds its samples until written: ~2 MB a one-minute dual WAV).
QUEUE_FILES = 4
#: Bytes a process writes through the page cache before it writes past it: a batch
#: smaller than this per worker is written and read back at memory speed, as before.
CACHED_BYTES = 1 << 30
_O_DIRECT = getattr(os, "O_DIRECT", 0)
#: Media bytes this process has written through any DirectFolder.
_written = 0


class DirectFolder(FolderTarget):
    """A scratch folder (a shard's staging folder) whose files a background thread
    writes, past the process's first :data:`CACHED_BYTES` with ``O_DIRECT`` (see the
    module); :meth:`close` waits for them.

    Parameters
    ----------
    root : str or Path
        The folder (it must exist).

    Notes
    -----
    :meth:`write` returns once the file is queued; its data (bytes, or parts such as
    :func:`recsim.outputs.media.encode_parts`' view of the samples) must not change
    until :meth:`close`. The first failure is raised by the next :meth:`write` or by
    :meth:`close` (an :class:`~recsim.errors.OutputError` naming the file).
    """

    def __init__(self, root: str | Path) -> None:
        super().__init__(root, scratch=True)
        self._queue: queue.Queue[tuple[str, bytes | Parts] | None] = queue.Queue(QUEUE_FILES)
        self._failed: tuple[str, BaseException] | None = None
        self._abandoned = False
        self._direct = _O_DIRECT != 0
        self._buffer: mmap.mmap | None = None
        self._thread = threading.Thread(target=self._drain, name="recsim-media-writer", daemon=True)
        self._thread.start()

    def write(self, name: str, data: bytes | Parts) -> None:
        """Queue ``root/name`` (written whole by the thread).

        Raises
        ------
        OutputError
            An earlier file could not be written.
        """
        self._raise()
        self._queue.put((self._at(name), data))

    def close(self) -> None:
        """Wait until every queued file is written.

        Raises
        ------
        OutputError
            A file could not be written (the disk is full, ...).
        """
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None
        if not self._abandoned:
            self._raise()

    def abandon(self) -> None:
        """Stop writing: files still queued are dropped, the thread ends (the shard
        failed; its staging folder is removed with whatever is in it)."""
        self._abandoned = True
        self.close()

    def _raise(self) -> None:
        if self._failed is not None:
            path, exc = self._failed
            with failing_as(path, "write"):
                raise exc

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            path, data = item
            if self._failed is None and not self._abandoned:
                try:
                    self._write(path, data)
                except BaseException as exc:  # kept for the shard (OSError: one line naming the file); the
                    self._failed = (path, exc)  # thread lives on, so a queued write never waits forever

    def _write(self, path: str, data: bytes | Parts) -> None:
        global _written
        parts = [memoryview(p).cast("B") for p in ((data,) if isinstance(data, bytes) else data)]
        n = sum(len(p) for p in parts)
        _written += n
        if self._direct and _written > CACHED_BYTES:
            try:
                return self._write_direct(path, parts, n)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                self._direct = False  # this file system refuses O_DIRECT: the page cache from now on
        with open(path, "wb") as f:
            _write_all(f, tuple(parts))

    def _write_direct(self, path: str, parts: list[memoryview], n: int) -> None:
        padded = -(-n // ALIGN) * ALIGN
        if self._buffer is None or len(self._buffer) < padded:
            if self._buffer is not None:
                self._buffer.close()
            self._buffer = mmap.mmap(-1, padded)  # page-aligned
        buf = memoryview(self._buffer)
        try:
            at = 0
            for p in parts:
                buf[at : at + len(p)] = p
                at += len(p)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_DIRECT, 0o644)
            try:
                done = 0
                while done < padded:
                    done += os.write(fd, buf[done:padded])
                os.ftruncate(fd, n)  # the padding of the last block goes
            finally:
                os.close(fd)
        finally:
            buf.release()
