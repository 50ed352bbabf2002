"""One validation guard for every public audio function (shapes, dtypes, rates, seconds)."""

from __future__ import annotations

import math

import numpy as np

from recsim.errors import InvalidAudioError

#: The telephony sample rate every recording uses, in Hz (spec 002: 128 kbps WAV = 8000 Hz x 16 bit).
SAMPLE_RATE = 8000
#: Full scale of int16 PCM, the 0 dBFS reference of every dBFS value in recsim.
FULL_SCALE = 32768.0


def valid_audio(x: object, *, name: str = "audio", channels: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """Check that ``x`` is int16 PCM, frames first, and return it C-contiguous.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` for one channel or ``(n_samples, 2)`` for two, dtype int16.
    name : str
        Argument name used in the error message.
    channels : tuple of int
        Channel counts allowed (1 means the one-dimensional form).

    Returns
    -------
    numpy.ndarray
        ``x`` itself when already C-contiguous, else a contiguous copy (same values).

    Raises
    ------
    InvalidAudioError
        Not an ndarray, dtype other than int16, or a shape other than the allowed ones.
    """
    if not isinstance(x, np.ndarray):
        raise InvalidAudioError(
            f"{name}: expected a numpy.ndarray of int16, got {type(x).__name__}"
        )
    if x.dtype != np.int16:
        raise InvalidAudioError(
            f"{name}: dtype {x.dtype} is not allowed; recsim audio is int16 PCM "
            "(convert with recsim.audio.to_int16 or load with recsim.audio.load_audio)"
        )
    n_channels = 1 if x.ndim == 1 else (x.shape[1] if x.ndim == 2 else -1)
    if x.ndim == 2 and n_channels == 1:
        n_channels = -1  # (n, 1) is ambiguous; ask for (n,)
    if n_channels not in channels:
        allowed = " or ".join("(n_samples,)" if c == 1 else f"(n_samples, {c})" for c in channels)
        raise InvalidAudioError(f"{name}: shape {x.shape} is not allowed; expected {allowed}")
    return np.ascontiguousarray(x)


def valid_rate(sample_rate: object, *, name: str = "sample_rate") -> int:
    """Check that ``sample_rate`` is 8000 Hz, the only rate of recsim's recordings.

    Raises
    ------
    InvalidAudioError
        Any other value.
    """
    if sample_rate != SAMPLE_RATE or isinstance(sample_rate, bool):
        raise InvalidAudioError(
            f"{name}: {sample_rate!r} Hz is not allowed; recordings are {SAMPLE_RATE} Hz "
            "(resample the input with recsim.audio.resample_to_8k)"
        )
    return SAMPLE_RATE


def valid_seconds(
    value: object, *, name: str, minimum: float = 0.0, allow_minimum: bool = True
) -> float:
    """Check a duration in seconds: a finite real number >= ``minimum`` (or > if not allowed).

    Raises
    ------
    InvalidAudioError
        Not a number, NaN, infinite, or below the minimum.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidAudioError(f"{name}: expected seconds as a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise InvalidAudioError(f"{name}: {value!r} is not allowed; expected a finite number of seconds")
    if v < minimum or (v == minimum and not allow_minimum):
        op = ">=" if allow_minimum else ">"
        raise InvalidAudioError(f"{name}: {value!r} s is not allowed; expected {op} {minimum} s")
    return v


def valid_dbfs(value: object, *, name: str = "threshold_dbfs") -> float:
    """Check a level in dBFS: a finite number <= 0.

    Raises
    ------
    InvalidAudioError
        Not a number, NaN, infinite, or above 0 dBFS.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidAudioError(f"{name}: expected a level in dBFS, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v > 0:
        raise InvalidAudioError(f"{name}: {value!r} is not allowed; expected a finite level <= 0 dBFS")
    return v


def frame_length(frame_s: object, sample_rate: int = SAMPLE_RATE) -> int:
    """Samples per analysis frame for ``frame_s`` seconds (at least 1 sample).

    Raises
    ------
    InvalidAudioError
        ``frame_s`` not a positive finite number.
    """
    f = valid_seconds(frame_s, name="frame_s", minimum=0.0, allow_minimum=False)
    return max(1, round(f * sample_rate))


def sumsq_threshold(threshold_dbfs: float, n: int) -> float:
    """Sum of squares (int16 units) below which ``n`` samples are silent.

    A frame is silent when its RMS level is strictly below ``threshold_dbfs``:
    ``sum(x**2) < n * (32768 * 10**(threshold_dbfs/20))**2``.
    """
    amp = FULL_SCALE * 10.0 ** (threshold_dbfs / 20.0)
    return n * amp * amp
