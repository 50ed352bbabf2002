"""Silence classification and trim-silence.

Source: 000_3572b13370ab4ff8.txt / 001_0ae55e6d7422f5b4.txt ``trim``: "trim-silence ...
removes any silence at the beginning and end of your recording"; 002 ``trim``. The
level and frame rules (RMS below -50 dBFS over 10 ms frames, a dual frame silent only
when both channels are) are recsim's decisions, see docs/semantics.md.

A frame is ``frame_s`` seconds of samples (80 samples at 8 kHz for 10 ms), counted
from sample 0; the last frame may be shorter. Its RMS level in dBFS is
``20*log10(sqrt(mean(x**2)) / 32768)``; it is silent when the level is strictly below
``threshold_dbfs`` in every channel.
"""

from __future__ import annotations

import numpy as np

from recsim.audio import _kernels
from recsim.audio._validate import (
    FULL_SCALE,
    SAMPLE_RATE,
    frame_length,
    sumsq_threshold,
    valid_audio,
    valid_dbfs,
)

#: Default silence level: frames with RMS below this are silent (dBFS).
DEFAULT_THRESHOLD_DBFS = -50.0
#: Default analysis frame (seconds): 10 ms, 80 samples at 8 kHz.
DEFAULT_FRAME_S = 0.01

__all__ = [
    "DEFAULT_FRAME_S",
    "DEFAULT_THRESHOLD_DBFS",
    "frame_rms_dbfs",
    "silence_bounds",
    "silent_frames",
    "trim_silence",
]


def _flat(x: np.ndarray) -> tuple[np.ndarray, int]:
    return x.reshape(-1), (1 if x.ndim == 1 else x.shape[1])


def frame_rms_dbfs(
    x: np.ndarray, *, frame_s: float = DEFAULT_FRAME_S, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """RMS level of each frame, in dBFS.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM.
    frame_s : float
        Frame length in seconds (default 0.01).
    sample_rate : int
        Samples per second (Hz) used to turn ``frame_s`` into samples.

    Returns
    -------
    numpy.ndarray
        ``(n_frames,)`` or ``(n_frames, 2)`` float64, ``-inf`` for digital silence;
        ``n_frames = ceil(n_samples / frame)``.

    Raises
    ------
    InvalidAudioError
        Bad array or ``frame_s``.
    """
    x = valid_audio(x, name="x")
    frame = frame_length(frame_s, sample_rate)
    n = x.shape[0]
    n_frames = -(-n // frame)
    x2 = (x if x.ndim == 2 else x[:, None]).astype(np.float64)
    pad = n_frames * frame - n
    sq = np.square(x2)
    if pad:
        sq = np.concatenate([sq, np.zeros((pad, sq.shape[1]))])
    sums = sq.reshape(n_frames, frame, -1).sum(axis=1)
    lengths = np.full(n_frames, float(frame))
    if pad:
        lengths[-1] = frame - pad
    with np.errstate(divide="ignore"):
        level = 10.0 * np.log10(sums / lengths[:, None] / (FULL_SCALE * FULL_SCALE))
    return level[:, 0] if x.ndim == 1 else level


def silent_frames(
    x: np.ndarray,
    *,
    threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
    frame_s: float = DEFAULT_FRAME_S,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """Classify each frame as silent or not.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM.
    threshold_dbfs : float
        A frame is silent when its RMS level is strictly below this, in every channel.
    frame_s : float
        Frame length in seconds.
    sample_rate : int
        Hz.

    Returns
    -------
    numpy.ndarray
        ``(n_frames,)`` bool, True where silent; ``n_frames = ceil(n_samples / frame)``.

    Raises
    ------
    InvalidAudioError
        Bad array, ``threshold_dbfs`` above 0 or NaN, bad ``frame_s``.
    """
    x = valid_audio(x, name="x")
    thr = valid_dbfs(threshold_dbfs)
    frame = frame_length(frame_s, sample_rate)
    flat, nch = _flat(x)
    return np.asarray(_kernels.silent_frame_mask(flat, nch, frame, sumsq_threshold(thr, 1)))


def silence_bounds(
    x: np.ndarray,
    *,
    threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
    frame_s: float = DEFAULT_FRAME_S,
    sample_rate: int = SAMPLE_RATE,
) -> tuple[int, int]:
    """Sample bounds of the audio between leading and trailing silence.

    Scans frames from the start until the first non-silent frame, then from the end
    back to the last non-silent frame: the cost grows with the length of the edge
    silence, not of the recording. Interior silence is never looked at.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM. A dual frame is silent only
        when both channels are, so both channels keep the same bounds.
    threshold_dbfs, frame_s, sample_rate
        As in :func:`silent_frames`.

    Returns
    -------
    (int, int)
        ``(start, stop)`` sample indices, ``x[start:stop]`` is the trimmed audio;
        ``start`` is a multiple of the frame, ``stop`` is a frame end or ``n_samples``.
        ``(0, 0)`` when every frame is silent (or ``x`` is empty).

    Raises
    ------
    InvalidAudioError
        Bad array, ``threshold_dbfs`` above 0 or NaN, bad ``frame_s``.
    """
    x = valid_audio(x, name="x")
    thr = valid_dbfs(threshold_dbfs)
    frame = frame_length(frame_s, sample_rate)
    n = x.shape[0]
    if n == 0:
        return 0, 0
    flat, nch = _flat(x)
    amp2 = sumsq_threshold(thr, 1)
    last_frame = (n - 1) // frame
    first = int(_kernels.first_loud_frame(flat, nch, frame, amp2, 0, last_frame, 1))
    if first < 0:
        return 0, 0
    last = int(_kernels.first_loud_frame(flat, nch, frame, amp2, last_frame, first, -1))
    return first * frame, min((last + 1) * frame, n)


def trim_silence(
    x: np.ndarray,
    *,
    threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
    frame_s: float = DEFAULT_FRAME_S,
    sample_rate: int = SAMPLE_RATE,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Trim leading and trailing silence (``trim="trim-silence"``), never interior.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM.
    threshold_dbfs, frame_s, sample_rate
        As in :func:`silent_frames`.

    Returns
    -------
    trimmed : numpy.ndarray
        A view ``x[start:stop]`` (no copy), same dtype and channel count.
    bounds : (int, int)
        ``(start, stop)`` from :func:`silence_bounds`, to map back to time.

    Raises
    ------
    InvalidAudioError
        As :func:`silence_bounds`.
    """
    x = valid_audio(x, name="x")
    start, stop = silence_bounds(
        x, threshold_dbfs=threshold_dbfs, frame_s=frame_s, sample_rate=sample_rate
    )
    return x[start:stop], (start, stop)
