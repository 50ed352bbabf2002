"""One recsim run at a time in a local output folder (:func:`output_lock`).

A run (:func:`recsim.run`) or a batch (:func:`recsim.batch.run_batch`) holds the lock of
its folder from before it looks at the folder (:func:`recsim.runfolder.claim` removes
what it takes for an interrupted run's leftovers) until its last file is in place. A
second run into the same folder (the same resolved absolute path: ``out``, ``./out`` and
a symlink to it are one folder) refuses at once and touches nothing.

The lock is an ``flock`` (the ``filelock`` library) on a file *outside* the folder, so
the folder's listing stays the run's own: ``{tempfile.gettempdir()}/recsim-locks/
{SHA-256 of the path}.lock``, holding the pid of the process that holds it. The kernel
releases an ``flock`` when its process ends, so a killed run (SIGKILL, out of memory)
never blocks the next one; the file stays and is reused. A forked batch worker does not
keep its parent's lock: ``filelock`` closes the inherited descriptor in a forked child,
so the lock ends with the process that took it.

Not locked: object-storage URLs (``s3://``, ``memory://``, any ``scheme://`` but
``file://``, a local folder locked as one). There is no lock across machines: the lock
file is on this machine, so two machines writing one folder of a network file system
are not kept apart.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recsim.errors import OutputError
from recsim.outputs.target import is_url

__all__ = ["lock_path", "output_lock"]

#: The folder of the lock files, under :func:`tempfile.gettempdir`.
LOCK_DIR = "recsim-locks"


def lock_path(out: str | Path) -> Path:
    """The lock file of the local folder ``out``: one per resolved absolute path.

    Raises
    ------
    RuntimeError
        The path runs into a loop of symlinks (:meth:`pathlib.Path.resolve`).
    """
    key = hashlib.sha256(os.fsencode(_local(out))).hexdigest()
    return Path(tempfile.gettempdir()) / LOCK_DIR / f"{key}.lock"


def _local(out: str | Path) -> Path:
    """The resolved absolute path of a local folder (a ``file://`` URL is one)."""
    text = str(out)
    return Path(text[len("file://"):] if text.startswith("file://") else out).resolve()


def _write_pid(fd: int) -> None:
    """Store the holder's pid in the lock file (read by a run that is refused)."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _holder(path: Path) -> str:
    """`` (pid N)`` of the lock's holder, or nothing when the file does not say."""
    try:
        pid = path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _make_lock_dir(folder: Path) -> None:
    """Create the lock folder, shared by every user like the temporary folder itself
    (sticky: a user's lock files are removed only by that user)."""
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        return
    os.chmod(folder, 0o1777)


@contextmanager
def output_lock(out: str | Path) -> Iterator[None]:
    """Hold the lock of the local output folder ``out`` for the ``with`` block; an
    object-storage URL (:func:`recsim.outputs.is_url`, but ``file://``) is not locked.

    Parameters
    ----------
    out : str or Path
        The ``--out`` of a run or batch (a path or a ``file://`` URL); it need not exist.

    Raises
    ------
    OutputError
        Another recsim run (any process on this machine, or another thread) holds the
        folder's lock: the message names the folder and the holder's pid and says to
        wait or choose another ``--out``. The lock file cannot be created.
    """
    if is_url(out) and not str(out).startswith("file://"):
        yield
        return
    from filelock import FileLock, Timeout  # deferred: `import recsim` does not pay for it

    path = lock_path(out)
    folder = _local(out)
    try:
        _make_lock_dir(path.parent)
        lock = FileLock(path, mode=0o666, preserve_lock_file=True, fallback_to_soft=False, on_acquired=_write_pid)
        lock.acquire(blocking=False)
    except Timeout:
        raise OutputError(f"{folder}: another recsim run{_holder(path)} is writing there; wait for it to finish, "
                          "or choose another --out") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the lock of the output folder {folder} "
                          f"({exc.strerror or exc}); check that the temporary folder is writable") from None
    try:
        yield
    finally:
        lock.release()
