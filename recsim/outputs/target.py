"""Where outputs go: one atomic write, and the target a writer writes into.

Every file recsim writes (``recsim run``, batch shards, the emulator's store) appears
whole: it is written under a temporary name ending in ``.part`` in the same folder and
renamed (``os.replace``), so a reader never sees half a file and an interrupted run
leaves at most ``*.part`` files, which the next run of the same folder removes.

A writer never opens files itself: it hands ``(name, bytes)`` to a :class:`Target`.
:class:`FolderTarget` is a local folder; :class:`~recsim.outputs.remote.FsspecTarget`
is any fsspec URL (``s3://``, ``gs://``, ``abfs://``, ``memory://``), where an object
is written whole by one put (or one multipart upload completed at close). The run folder
rules (:mod:`recsim.runfolder`), batch shards and the merge use only this interface, so
one code path serves a local folder and object storage (issue 14).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

from recsim.errors import OutputError

__all__ = ["PART_SUFFIX", "FolderTarget", "Parts", "Target", "atomic_write", "failing_as", "is_url"]

#: Suffix of a file being written (removed by the next run of the folder).
PART_SUFFIX = ".part"
#: A file's bytes in parts written in order (a WAV: :func:`recsim.outputs.media.encode_parts`).
Parts = tuple[bytes | memoryview, ...]


def _write_all(f: IO[bytes], data: bytes | Parts) -> None:
    """Write ``data`` (bytes, or parts in order) to the binary file ``f``."""
    for part in (data,) if isinstance(data, bytes) else data:
        f.write(part)


def atomic_write(path: str | Path, data: bytes | Parts) -> None:
    """Write ``data`` to ``path`` whole: a ``.part`` file beside it, then a rename.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    data : bytes or Parts
        The whole content (parts: written one after the other, not joined first).

    Raises
    ------
    OutputError
        The folder is not writable, the disk is full, or ``path`` is a folder; the
        temporary file is removed and ``path`` is unchanged.
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}{PART_SUFFIX}")
    with failing_as(path, "write"):
        try:
            with open(tmp, "wb") as f:
                _write_all(f, data)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise


_RO = "the file system is read-only or the folder is not writable"
_NO_DIR = "a part of the path is a file, or the folder does not exist"
_REASONS = {errno.ENOSPC: "the disk is full", errno.EROFS: _RO, errno.EACCES: _RO, errno.EPERM: _RO,
            errno.EISDIR: "it is a folder", errno.ENOTDIR: _NO_DIR, errno.ENOENT: _NO_DIR}


def is_url(out: object) -> bool:
    """Whether ``out`` names an fsspec URL (``scheme://...``) rather than a local path."""
    return isinstance(out, str) and "://" in out


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno is not None:
        return _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
    return f"{type(exc).__name__}: {str(exc)[:160]}"


@contextmanager
def failing_as(where: object, what: str,
               kinds: type[BaseException] | tuple[type[BaseException], ...] = OSError) -> Iterator[None]:
    """Turn an error of ``kinds`` raised in the block into one line of
    :class:`OutputError`: ``"{where}: cannot {what} ({reason})"`` (the one wording of
    every target's failures, local or remote).

    Raises
    ------
    OutputError
        The block raised one of ``kinds``.
    """
    try:
        yield
    except kinds as exc:
        raise OutputError(f"{where}: cannot {what} ({_why(exc)})") from None


class Target(Protocol):
    """Where a run's outputs go: named files (``/``-separated paths), each appearing whole:
    :class:`FolderTarget` (a local folder), :class:`~recsim.outputs.remote.FsspecTarget`.

    Attributes
    ----------
    url : str
        The target as the user gave it (for messages).
    renames : bool
        A rename is cheap and atomic (a local folder: shards stage media, then rename).
    """

    url: str
    renames: bool

    def write(self, name: str, data: bytes | Parts) -> None:
        """Write the file ``name`` whole (``data``: bytes, or parts in order).

        Raises
        ------
        OutputError
            The file cannot be written; it is unchanged.
        """
        ...

    def open_write(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        """A binary file to stream ``name`` into; it appears whole when the block ends
        without error, and not at all otherwise.

        Raises
        ------
        OutputError
            The file cannot be written.
        """
        ...

    def read(self, name: str) -> bytes | None:
        """The bytes of ``name``, or None when it does not exist.

        Raises
        ------
        OutputError
            It exists but cannot be read.
        """
        ...

    def open_read(self, name: str) -> IO[bytes]:
        """A buffered binary file reading ``name`` (the caller closes it).

        Raises
        ------
        OutputError
            It does not exist or cannot be read.
        """
        ...

    def listing(self, sub: str = "") -> dict[str, int | None]:
        """The entries of the folder ``sub``: name to size in bytes, None for a folder;
        empty when ``sub`` does not exist."""
        ...

    def kind(self) -> str:
        """``"missing"``, ``"folder"`` or ``"file"``: what the target's root is."""
        ...

    def makedirs(self, sub: str = "") -> None:
        """Create the folder ``sub`` (a no-op on object storage).

        Raises
        ------
        OutputError
            A file is in the way or the folder cannot be created.
        """
        ...

    def move(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst`` (OutputError when it cannot: see the targets)."""
        ...

    def remove(self, names: list[str]) -> None:
        """Remove files (missing ones are fine).

        Raises
        ------
        OutputError
            A file cannot be removed.
        """
        ...

    def remove_tree(self, sub: str) -> None:
        """Remove the folder ``sub`` and everything in it (missing is fine)."""
        ...

    def child(self, sub: str, *, scratch: bool = False) -> Target:
        """The target of the folder ``sub`` inside this one; ``scratch``: a temporary
        folder whose files need not appear whole (see :class:`FolderTarget`)."""
        ...


class FolderTarget:
    """A local folder as a :class:`Target`: each file by :func:`atomic_write`.

    Parameters
    ----------
    root : str or Path
        The folder (it and the sub-folders of the names must exist before writing).
    scratch : bool
        A scratch folder (a shard's staging folder, renamed into place or removed):
        :meth:`write` then writes in place, without a ``.part`` file.
    """

    renames = True

    def __init__(self, root: str | Path, *, scratch: bool = False) -> None:
        self.root = Path(root)
        self.url = str(self.root)
        self.scratch = scratch

    def _at(self, name: str) -> str:  # root/name as a string: a Path costs ~2 us a join
        return os.path.join(self.url, name)

    def write(self, name: str, data: bytes | Parts) -> None:
        """Write ``root/name`` whole (:func:`atomic_write`; in place in a scratch folder);
        each part goes from its own memory to the file (no joined copy).

        Raises
        ------
        OutputError
            Not writable, full, or the name is a folder.
        """
        path = self._at(name)
        if not self.scratch:
            return atomic_write(path, data)
        with failing_as(path, "write"), open(path, "wb") as f:
            _write_all(f, data)

    @contextmanager
    def open_write(self, name: str) -> Iterator[IO[bytes]]:
        """Stream into ``root/name.PID.part``, renamed to ``root/name`` at the end.

        Raises
        ------
        OutputError
            Not writable, full, or the name is a folder.
        """
        path = self.root / name
        tmp = path.with_name(f"{path.name}.{os.getpid()}{PART_SUFFIX}")
        with failing_as(path, "write"):
            try:
                with open(tmp, "wb") as f:
                    yield f
                os.replace(tmp, path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise

    def read(self, name: str) -> bytes | None:
        """The bytes of ``root/name`` (None when missing).

        Raises
        ------
        OutputError
            It exists but cannot be read.
        """
        with failing_as(self.root / name, "read"):
            try:
                return (self.root / name).read_bytes()
            except FileNotFoundError:
                return None

    def open_read(self, name: str) -> IO[bytes]:
        """``open(root/name, "rb")``.

        Raises
        ------
        OutputError
            Missing or unreadable.
        """
        with failing_as(self.root / name, "read"):
            return open(self.root / name, "rb")

    def listing(self, sub: str = "") -> dict[str, int | None]:
        """Entries of ``root/sub``: name to size, None for a folder (empty if missing)."""
        try:
            with os.scandir(self.root / sub) as it:
                return {e.name: (None if e.is_dir() else e.stat().st_size) for e in it}
        except (FileNotFoundError, NotADirectoryError):
            return {}

    def kind(self) -> str:
        """``"missing"``, ``"folder"`` or ``"file"``."""
        return "folder" if self.root.is_dir() else ("file" if self.root.exists() else "missing")

    def makedirs(self, sub: str = "") -> None:
        """``mkdir -p root/sub``.

        Raises
        ------
        OutputError
            A file is in the way, or it cannot be created.
        """
        path = self.root / sub
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path}: is a file, not a folder; choose another --out or remove the file")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create the folder ({exc.strerror or exc}); "
                              "choose another --out") from None

    def move(self, src: str, dst: str) -> None:
        """``os.replace(root/src, root/dst)``.

        Raises
        ------
        OutputError
            It cannot be renamed.
        """
        with failing_as(self._at(dst), "move into place"):
            os.replace(self._at(src), self._at(dst))

    def remove(self, names: list[str]) -> None:
        """Unlink ``root/name`` for each name (missing is fine).

        Raises
        ------
        OutputError
            A file cannot be removed.
        """
        for name in names:
            with failing_as(self.root / name, "remove"):
                (self.root / name).unlink(missing_ok=True)

    def remove_tree(self, sub: str) -> None:
        """``rm -rf root/sub``."""
        shutil.rmtree(self.root / sub, ignore_errors=True)

    def child(self, sub: str, *, scratch: bool = False) -> FolderTarget:
        """``FolderTarget(root/sub)`` (``scratch``: see the class)."""
        return FolderTarget(self.root / sub, scratch=scratch)

    def __repr__(self) -> str:
        return f"FolderTarget({str(self.root)!r})"
