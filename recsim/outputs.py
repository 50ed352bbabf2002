"""The one output pipeline: media formats, atomic writes, and the files of a run.

Every file recsim writes (``recsim run``, batch shards, the emulator's store) appears
whole: it is written under a temporary name ending in ``.part`` in the same folder and
renamed (``os.replace``), so a reader never sees half a file and an interrupted run
leaves at most ``*.part`` files, which the next run of the same folder removes.

Media formats (spec 002, "Fetch a Recording media file"): ``wav`` (8 kHz 16-bit PCM,
128 kbps per channel) and ``mp3`` (32 kbps CBR). :func:`validate_formats` is the one
check of a format list, used by runs, batches and the emulator.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from recsim.audio import encode_mp3, encode_wav
from recsim.errors import OutputError, ScenarioError

__all__ = ["FORMATS", "MEDIA_TYPES", "PART_SUFFIX", "atomic_write", "encode", "validate_formats"]

#: Media formats recsim writes, in the order it writes them.
FORMATS = ("wav", "mp3")
#: Media type of each format, as the platform serves it (002).
MEDIA_TYPES = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}
#: Suffix of a file being written (removed by the next run of the folder).
PART_SUFFIX = ".part"


def validate_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The media formats of a run, checked once for runs, batches and the emulator.

    Parameters
    ----------
    formats : iterable of str, or str
        ``("wav",)``, ``["wav", "mp3"]`` or ``"wav,mp3"``.

    Returns
    -------
    tuple of str
        The formats without repeats, in the order given.

    Raises
    ------
    ScenarioError
        Empty, or a format that is not ``wav`` or ``mp3`` (the message names it and the
        allowed values).
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    fmts = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise ScenarioError(f"formats: {', '.join(map(repr, bad)) or 'none given'} not allowed; "
                            f"allowed: {', '.join(FORMATS)}")
    return fmts


def encode(samples: np.ndarray, fmt: str) -> bytes:
    """Encode a recording's samples as a media file.

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8000 Hz.
    fmt : {"wav", "mp3"}
        WAV 16-bit PCM (128 kbps per channel) or MP3 32 kbps CBR.

    Raises
    ------
    ScenarioError
        ``fmt`` is not a media format.
    InvalidAudioError
        ``samples`` has the wrong dtype or shape.
    """
    if fmt == "wav":
        return encode_wav(np.ascontiguousarray(samples))
    if fmt == "mp3":
        return encode_mp3(np.ascontiguousarray(samples))
    raise ScenarioError(f"format: {fmt!r} not allowed; allowed: {', '.join(FORMATS)}")


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: a ``.part`` file beside it, then a rename.

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
