"""Outputs on object storage: any fsspec URL as a :class:`~recsim.outputs.target.Target`.

``--out`` takes ``s3://bucket/prefix``, ``gs://``, ``abfs://``, ``memory://`` (any
fsspec protocol; ``recsim[s3]`` installs fsspec and s3fs, other protocols need their own
fsspec package) or ``file://`` (a local folder, served by
:class:`~recsim.outputs.target.FolderTarget` so files are renamed into place). On object
storage an object is written whole: one put, or a multipart upload completed when the
file is closed, so a reader never sees half an object, and there is nothing to rename.
Credentials and endpoints come from the usual places of each file system (for S3:
``AWS_*`` environment variables, ``~/.aws``, ``AWS_ENDPOINT_URL``) or from
``storage_options``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from recsim._extras import require
from recsim.errors import MissingExtraError, OutputError
from recsim.outputs.target import FolderTarget, Parts, Target, failing_as, is_url

__all__ = ["FsspecTarget", "open_target"]

#: Read buffer of a streamed object (the merge holds two per shard).
READ_BLOCK = 64 * 1024


def open_target(out: str | Path | Target, storage_options: dict[str, Any] | None = None) -> Target:
    """The :class:`Target` for an ``--out`` value.

    Parameters
    ----------
    out : str, Path or Target
        A local path, a ``file://`` URL (both a :class:`FolderTarget`), another fsspec
        URL (:class:`FsspecTarget`), or a target (returned as is).
    storage_options : dict, optional
        Passed to the fsspec file system (for example ``{"endpoint_url": ...}``).

    Raises
    ------
    MissingExtraError
        The URL's file system is not installed (``recsim[s3]`` for ``s3://``).
    """
    if not isinstance(out, str | Path):
        return out
    if not is_url(out):
        return FolderTarget(out)
    url = str(out)
    if url.startswith("file://"):
        return FolderTarget(url[len("file://"):])
    return FsspecTarget(url, storage_options)


class FsspecTarget:
    """An fsspec URL (an object-storage prefix) as a :class:`Target`.

    Parameters
    ----------
    url : str
        ``protocol://bucket/prefix``; objects are ``{url}/{name}``.
    storage_options : dict, optional
        Options of the file system.

    Raises
    ------
    MissingExtraError
        fsspec or the protocol's package is missing.
    """

    renames = False

    def __init__(self, url: str, storage_options: dict[str, Any] | None = None) -> None:
        fsspec = require("fsspec", extra="s3", feature=f"--out {url}")
        self.url = url.rstrip("/")
        self.storage_options = dict(storage_options or {})
        try:
            self.fs, self.root = fsspec.core.url_to_fs(self.url, **self.storage_options)
        except ImportError as exc:
            raise MissingExtraError(f"--out {url}: needs the file system of its protocol: pip install "
                                    f"'recsim[s3]' for s3:// ({str(exc)[:120]})", name=exc.name) from None
        except ValueError as exc:
            raise OutputError(f"--out {url}: not a usable URL ({str(exc)[:120]})") from None
        self.root = self.root.rstrip("/")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FsspecTarget, (self.url, self.storage_options))

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}" if name else self.root

    def _failing(self, name: str, what: str) -> contextlib.AbstractContextManager[None]:
        return failing_as(f"{self.url}/{name}", what, Exception)

    def write(self, name: str, data: bytes | Parts) -> None:
        """Put the object ``name`` whole (parts are joined: one put).

        Raises
        ------
        OutputError
            The store refuses it.
        """
        with self._failing(name, "write"):
            self.fs.pipe_file(self._path(name), data if isinstance(data, bytes) else b"".join(data))

    @contextmanager
    def open_write(self, name: str) -> Iterator[IO[bytes]]:
        """Stream the object ``name``: it exists only once the block ends without error.

        Raises
        ------
        OutputError
            The store refuses it.
        """
        with self._failing(name, "write"):
            f = self.fs.open(self._path(name), "wb")
        try:
            yield f
        except BaseException:
            with contextlib.suppress(Exception):
                f.discard() if hasattr(f, "discard") else None
            raise
        with self._failing(name, "write"):
            f.close()

    def read(self, name: str) -> bytes | None:
        """The object ``name`` (None when missing).

        Raises
        ------
        OutputError
            It cannot be read.
        """
        with self._failing(name, "read"):
            try:
                data: bytes = self.fs.cat_file(self._path(name))
            except FileNotFoundError:
                return None
        return data

    def open_read(self, name: str) -> IO[bytes]:
        """A streamed read of ``name`` (:data:`READ_BLOCK` bytes buffered).

        Raises
        ------
        OutputError
            Missing or unreadable.
        """
        with self._failing(name, "read"):
            f: IO[bytes] = self.fs.open(self._path(name), "rb", block_size=READ_BLOCK, cache_type="readahead")
        if isinstance(f, io.BytesIO):  # memory:// hands out its stored buffer: read a copy
            return io.BytesIO(f.getvalue())
        return f

    def listing(self, sub: str = "") -> dict[str, int | None]:
        """Entries under ``sub``: name to size, None for a prefix (fresh, not cached)."""
        self.fs.invalidate_cache()
        try:
            entries = self.fs.ls(self._path(sub), detail=True)
        except FileNotFoundError:
            return {}
        out: dict[str, int | None] = {}
        for e in entries:
            name = e["name"].rstrip("/").rsplit("/", 1)[-1]
            out[name] = None if e["type"] == "directory" else int(e["size"])
        return out

    def kind(self) -> str:
        """``"missing"``, ``"folder"`` (a prefix with objects, or a bucket) or ``"file"``."""
        self.fs.invalidate_cache()
        try:
            info = self.fs.info(self.root)
        except FileNotFoundError:
            return "missing"
        return "file" if info["type"] == "file" else "folder"

    def makedirs(self, sub: str = "") -> None:
        """Nothing to do: object storage has no folders."""

    def move(self, src: str, dst: str) -> None:
        """Copy then delete (never used by the pipeline on object storage).

        Raises
        ------
        OutputError
            It cannot be moved.
        """
        with self._failing(dst, "move into place"):
            self.fs.mv(self._path(src), self._path(dst))

    def remove(self, names: list[str]) -> None:
        """Delete objects (missing ones are fine).

        Raises
        ------
        OutputError
            The store refuses a delete.
        """
        paths = [self._path(n) for n in names]
        if not paths:
            return
        with self._failing(names[0], "remove"), contextlib.suppress(FileNotFoundError):
            self.fs.rm(paths)

    def remove_tree(self, sub: str) -> None:
        """Delete every object under ``sub``. ``""`` (the target itself) is a no-op: an
        empty prefix has nothing to remove, and the bucket of ``s3://bucket`` is never
        deleted."""
        if not sub:
            return
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(self._path(sub), recursive=True)

    def child(self, sub: str, *, scratch: bool = False) -> FsspecTarget:
        """The target of the prefix ``{url}/{sub}`` (objects are always whole)."""
        return FsspecTarget(f"{self.url}/{sub}", self.storage_options)

    def __repr__(self) -> str:
        return f"FsspecTarget({self.url!r})"
