"""Where outputs go: one atomic write, and the target a writer writes into.

Every file recsim writes (``recsim run``, batch shards, the emulator's store) appears
whole: it is written under a temporary name ending in ``.part`` in the same folder and
renamed (``os.replace``), so a reader never sees half a file and an interrupted run
leaves at most ``*.part`` files, which the next run of the same folder removes.

A writer never opens files itself: it hands ``(name, bytes)`` to a :class:`Target`.
:class:`FolderTarget` is a local folder; a file-system object (fsspec, issue 14) can
take its place without touching the writers.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Protocol

from recsim.errors import OutputError

__all__ = ["PART_SUFFIX", "FolderTarget", "Target", "atomic_write"]

#: Suffix of a file being written (removed by the next run of the folder).
PART_SUFFIX = ".part"


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: a ``.part`` file beside it, then a rename.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    data : bytes
        The whole content.

    Raises
    ------
    OutputError
        The folder is not writable, the disk is full, or ``path`` is a folder; the
        temporary file is removed and ``path`` is unchanged.
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}{PART_SUFFIX}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise OutputError(f"{path}: cannot write ({_reason(exc)})") from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the file system is read-only or the folder is not writable"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    if exc.errno in (errno.ENOTDIR, errno.ENOENT):
        return "a part of the path is a file, or the folder does not exist"
    return exc.strerror or type(exc).__name__


class Target(Protocol):
    """What a writer writes into: named files, each written whole."""

    def write(self, name: str, data: bytes) -> None:
        """Write the file ``name`` (a ``/``-separated path inside the target) whole.

        Raises
        ------
        OutputError
            The file cannot be written; it is unchanged.
        """
        ...


class FolderTarget:
    """A local folder as a :class:`Target`: each file by :func:`atomic_write`.

    Parameters
    ----------
    root : str or Path
        The folder (it and the sub-folders of the names must exist).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def write(self, name: str, data: bytes) -> None:
        """Write ``root/name`` whole (:func:`atomic_write`).

        Raises
        ------
        OutputError
            Not writable, full, or the name is a folder.
        """
        atomic_write(self.root / name, data)

    def __repr__(self) -> str:
        return f"FolderTarget({str(self.root)!r})"
