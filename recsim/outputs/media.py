"""Media formats: the one format check and the one encoder of a recording's samples.

Media formats (spec 002, "Fetch a Recording media file"): ``wav`` (8 kHz 16-bit PCM,
128 kbps per channel) and ``mp3`` (32 kbps CBR). :func:`validate_formats` is the one
check of a format list, used by runs, batches and the emulator.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from recsim.audio import encode_mp3, wav_parts
from recsim.errors import ScenarioError
from recsim.outputs.target import Parts

__all__ = ["FORMATS", "MEDIA_TYPES", "Parts", "encode", "encode_parts", "validate_formats"]

#: Media formats recsim writes, in the order it writes them.
FORMATS = ("wav", "mp3")
#: Media type of each format, as the platform serves it (002).
MEDIA_TYPES = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}


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


def encode_parts(samples: np.ndarray, fmt: str) -> Parts:
    """Encode a recording's samples as a media file, in parts written one after the
    other (:meth:`~recsim.outputs.target.Target.write` takes them): a WAV is its 44-byte
    header and a view of the samples (no copy of them), an MP3 one part.

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8000 Hz; a WAV's second part
        shares its memory.
    fmt : {"wav", "mp3"}
        WAV 16-bit PCM (128 kbps per channel) or MP3 32 kbps CBR.

    Returns
    -------
    Parts
        The file's bytes, in order; ``sum(len(p) for p in parts)`` bytes.

    Raises
    ------
    ScenarioError
        ``fmt`` is not a media format.
    InvalidAudioError
        ``samples`` has the wrong dtype or shape.
    """
    if fmt == "wav":
        return wav_parts(np.ascontiguousarray(samples))
    if fmt == "mp3":
        return (encode_mp3(np.ascontiguousarray(samples)),)
    raise ScenarioError(f"format: {fmt!r} not allowed; allowed: {', '.join(FORMATS)}")


def encode(samples: np.ndarray, fmt: str) -> bytes:
    """A recording's media file as one bytes object: :func:`encode_parts` joined.

    ``samples`` is ``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8000 Hz; ``fmt`` is
    ``"wav"`` (16-bit PCM, 128 kbps per channel) or ``"mp3"`` (32 kbps CBR).

    Raises
    ------
    ScenarioError, InvalidAudioError
        As :func:`encode_parts`: not a media format; wrong dtype or shape.
    """
    return b"".join(encode_parts(samples, fmt))  # one part (MP3): that same bytes object, no copy
