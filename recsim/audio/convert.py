"""Input conversion: any audio file or float array -> int16 8 kHz mono, and G.711 mu-law.

Inputs at other rates are resampled with ``scipy.signal.resample_poly`` (polyphase,
Kaiser window), several channels are averaged to one (a file's channels are one
speaker, not two call legs), and float samples are scaled by 32768, rounded and
clipped to int16.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import soundfile as sf

from recsim.audio import g711
from recsim.audio._signal import resample_poly
from recsim.audio._validate import SAMPLE_RATE, valid_audio
from recsim.errors import AudioFileError, InvalidAudioError

__all__ = ["load_audio", "mulaw_decode", "mulaw_encode", "mulaw_roundtrip", "resample_to_8k", "to_int16"]

_READABLE = "WAV, FLAC, OGG/Vorbis, OGG/Opus, MP3, AIFF (anything libsndfile reads)"


def to_int16(y: np.ndarray, *, scale: float = 32768.0) -> np.ndarray:
    """Convert samples to int16 PCM: scale, round half to even, saturate.

    The one float -> int16 rule of recsim: ``clip(rint(y * scale), -32768, 32767)``
    cast to int16. Rounding is :func:`numpy.rint` (half to even); values beyond the
    int16 range saturate at -32768 / 32767, never wrap around.

    Parameters
    ----------
    y : numpy.ndarray
        Samples of any shape, usually ``(n_samples,)`` or ``(n_samples, 2)``.
        float32/float64 samples are in units of ``1 / scale`` of full scale
        ([-1, 1] with the default scale; int16 units with ``scale=1.0``). Signed
        integer samples (e.g. an int32 sum of several streams) are already in int16
        units: saturated, not scaled. int16 input is returned unchanged (same object).
    scale : float
        Factor applied to floating-point samples before rounding: 32768.0 (default)
        maps 1.0 to full scale, 1.0 keeps float samples that are already in int16
        units.

    Returns
    -------
    numpy.ndarray
        Same shape as ``y``, int16.

    Raises
    ------
    InvalidAudioError
        ``y`` is not an ndarray, holds NaN or infinite samples, or has a dtype that
        is neither floating point nor a signed integer.

    Examples
    --------
    >>> to_int16(np.array([0.5, -1.0, 1.0, 2.0])).tolist()
    [16384, -32768, 32767, 32767]
    >>> to_int16(np.array([0.5, 1.5, -40000.0]), scale=1.0).tolist()
    [0, 2, -32768]
    """
    if not isinstance(y, np.ndarray):
        raise InvalidAudioError(f"y: expected a numpy.ndarray, got {type(y).__name__}")
    if y.dtype == np.int16:
        return y
    if np.issubdtype(y.dtype, np.signedinteger):
        return np.clip(y, -32768, 32767).astype(np.int16)
    if not np.issubdtype(y.dtype, np.floating):
        raise InvalidAudioError(
            f"y: dtype {y.dtype} is not allowed; expected float32, float64 or a signed integer"
        )
    if not np.all(np.isfinite(y)):
        bad = int(np.flatnonzero(~np.isfinite(y.reshape(-1)))[0])
        raise InvalidAudioError(f"y: sample {bad} is {y.reshape(-1)[bad]}; samples must be finite")
    scaled = y if scale == 1.0 else y * scale
    return np.clip(np.rint(scaled), -32768, 32767).astype(np.int16)


def resample_to_8k(y: np.ndarray, sample_rate: int) -> np.ndarray:
    """Resample mono audio from ``sample_rate`` Hz to 8000 Hz (``resample_poly``).

    Parameters
    ----------
    y : numpy.ndarray
        ``(n,)`` float64 in [-1, 1] or int16.
    sample_rate : int
        Rate of ``y`` in Hz, a positive integer.

    Returns
    -------
    numpy.ndarray
        ``(ceil(n * 8000 / sample_rate),)`` int16.

    Raises
    ------
    InvalidAudioError
        Rate not a positive integer, or ``y`` not one-dimensional.
    """
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise InvalidAudioError(f"sample_rate: {sample_rate!r} is not allowed; expected a positive integer in Hz")
    if not isinstance(y, np.ndarray) or y.ndim != 1:
        raise InvalidAudioError("y: expected a (n_samples,) array")
    if y.dtype == np.int16:
        y = y.astype(np.float64) / 32768.0
    if sample_rate == SAMPLE_RATE:
        return to_int16(np.asarray(y, dtype=np.float64))
    g = math.gcd(int(sample_rate), SAMPLE_RATE)
    out = resample_poly(np.asarray(y, dtype=np.float64), SAMPLE_RATE // g, int(sample_rate) // g)
    return to_int16(out)


def load_audio(path: str | Path, *, mulaw: bool = False) -> np.ndarray:
    """Read an audio file as one 8 kHz int16 stream (a party's voice).

    Parameters
    ----------
    path : str or pathlib.Path
        A file libsndfile reads (WAV, FLAC, OGG, MP3, ...) at any rate and channel count.
    mulaw : bool
        Pass the result through a G.711 mu-law encode/decode, as a phone line would.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` int16 at 8000 Hz.

    Raises
    ------
    AudioFileError
        The file is missing or cannot be decoded; the message names the path and the
        formats that can be read.
    """
    p = Path(path)
    if not p.is_file():
        raise AudioFileError(f"{p}: no such audio file")
    try:
        y, rate = sf.read(str(p), dtype="float64", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioFileError(f"{p}: cannot read audio ({exc}); readable formats: {_READABLE}") from exc
    mono = y.mean(axis=1) if y.shape[1] > 1 else y[:, 0]
    out = resample_to_8k(mono, int(rate))
    return mulaw_roundtrip(out) if mulaw else out


# G.711 mu-law, by table: the tables of recsim.audio.g711 (ITU-T G.711 with the G.191
# 16-bit interface; a negative sample's magnitude is its one's complement).
_ENCODE_TABLE = g711._ENC["PCMU"]  # indexed by x + 32768
_DECODE_TABLE = g711._DEC["PCMU"]


def mulaw_encode(x: np.ndarray) -> np.ndarray:
    """G.711 mu-law encode int16 PCM to bytes.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` or ``(n, 2)`` int16.

    Returns
    -------
    numpy.ndarray
        Same shape, uint8 mu-law codes.

    Raises
    ------
    InvalidAudioError
        Bad array.
    """
    x = valid_audio(x, name="x")
    return _ENCODE_TABLE[x.astype(np.int32) + 32768]


def mulaw_decode(u: np.ndarray) -> np.ndarray:
    """G.711 mu-law decode uint8 codes to int16 PCM.

    Parameters
    ----------
    u : numpy.ndarray
        uint8 mu-law codes of any shape (as :func:`mulaw_encode` returns them).

    Returns
    -------
    numpy.ndarray
        Same shape, int16 PCM (the G.711 decoding table: 0xFF -> 0, 0x80 -> 32124,
        0x00 -> -32124).

    Raises
    ------
    InvalidAudioError
        ``u`` is not a numpy.ndarray of uint8.
    """
    if not isinstance(u, np.ndarray) or u.dtype != np.uint8:
        raise InvalidAudioError("u: expected a numpy.ndarray of uint8 mu-law codes")
    return _DECODE_TABLE[u]


def mulaw_roundtrip(x: np.ndarray) -> np.ndarray:
    """Encode then decode with G.711 mu-law: the sound of a phone line.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, int16; quantisation error at most about 1/16 of the
        magnitude (mu-law's 8-bit logarithmic steps).

    Raises
    ------
    InvalidAudioError
        Not int16, or not ``(n,)`` / ``(n, 2)``.
    """
    return mulaw_decode(mulaw_encode(x))
