"""Packet loss concealment of G.711 audio: ITU-T G.711 Appendix I style, or silence.

Source: ITU-T G.711 Appendix I (09/99), "A high quality low-complexity algorithm for
packet loss concealment with G.711". As there: the pitch period (40-120 samples,
66-200 Hz) is found by normalised cross-correlation over the last 10 ms of history;
the last quarter period before the loss is overlap-added with the quarter period one
pitch earlier (the algorithm's 3.75 ms output delay lets it rewrite those samples); the
last pitch period is repeated through the loss, at full level for 10 ms and then
attenuated by 20 % per 10 ms, silent after 60 ms; the first good packet is overlap-added
with the continued synthesis over a quarter period plus 4 ms per extra 10 ms lost
(at most 10 ms). Simplified: one pitch period is repeated (Appendix I widens it to
two and three periods after 10 and 20 ms). With fewer than 25 ms of history the loss
is filled with silence.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from recsim.audio.loss import PACKET_SAMPLES
from recsim.errors import InvalidAudioError

__all__ = ["CONCEALMENT", "conceal", "lost_sample_runs"]

#: Concealment modes: G.711 Appendix I style, or silence (zeros where packets are lost).
CONCEALMENT = ("g711-plc", "silence")

_PMIN, _PMAX, _WIN = 40, 120, 80
_FULL = 80  # samples at full level (10 ms)
_FADE = 400  # then 20 % per 10 ms: silent after 60 ms


@njit(cache=True, nogil=True)
def _gain(k: int) -> float:
    if k < _FULL:
        return 1.0
    return max(0.0, 1.0 - (k - _FULL) / _FADE)


@njit(cache=True, nogil=True)
def _pitch(y: np.ndarray, a: int) -> int:
    best, best_p = -1e300, _PMIN
    for p in range(_PMIN, _PMAX + 1):
        num = 0.0
        den = 1e-9
        for i in range(a - _WIN, a):
            v = float(y[i - p])
            num += float(y[i]) * v
            den += v * v
        score = num / np.sqrt(den)
        if score > best:
            best, best_p = score, p
    return best_p


@njit(cache=True, nogil=True)
def _put(y: np.ndarray, i: int, v: float) -> None:
    """Store ``v`` rounded half to even and saturated to int16 (recsim's to_int16 rule)."""
    r = np.rint(v)
    y[i] = 32767 if r > 32767.0 else (-32768 if r < -32768.0 else int(r))


@njit(cache=True, nogil=True)
def _plc(y: np.ndarray, runs: np.ndarray) -> None:
    """Conceal the sample runs ``[a, b)`` of ``y`` (int16) in place, in order."""
    n = y.shape[0]
    for r in range(runs.shape[0]):
        a, b = runs[r, 0], runs[r, 1]
        if a < _PMAX + _WIN + 1:
            y[a:b] = 0
            continue
        p = _pitch(y, a)
        q = max(1, p // 4)
        for i in range(q):
            w = (i + 0.5) / q
            _put(y, a - q + i, (1.0 - w) * float(y[a - q + i]) + w * float(y[a - q + i - p]))
        base = a - p
        for k in range(b - a):
            _put(y, a + k, _gain(k) * float(y[base + (k % p)]))
        if b >= n:
            continue
        e = min(80, q + 32 * max(0, (b - a) // 80 - 1), n - b)
        length = b - a
        for j in range(e):
            k = length + j
            c = _gain(k) * float(y[base + (k % p)])
            w = (j + 0.5) / e
            _put(y, b + j, (1.0 - w) * c + w * float(y[b + j]))


def lost_sample_runs(lost: np.ndarray, n: int, *, first: int = 0) -> np.ndarray:
    """Sample runs of the lost packets of a span of ``n`` samples.

    Parameters
    ----------
    lost : numpy.ndarray
        ``(m,)`` bool, one per 20 ms packet from the packet holding the span's first
        sample.
    n : int
        Samples in the span.
    first : int
        Offset of the span's first sample inside its packet, in [0, 160).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` int64 ``[start, stop)`` sample indices of the span, merged runs.
    """
    edges = np.flatnonzero(np.diff(np.concatenate(([0], lost.astype(np.int8), [0]))))
    runs = np.clip(edges.reshape(-1, 2).astype(np.int64) * PACKET_SAMPLES - first, 0, n)
    return runs[runs[:, 1] > runs[:, 0]]


def conceal(x: np.ndarray, lost: np.ndarray, *, first: int = 0, mode: str = "g711-plc") -> np.ndarray:
    """The samples a receiver plays for ``x`` when the packets flagged in ``lost`` did not
    arrive (G.711 Appendix I style concealment, or silence).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` int16 at 8000 Hz (decoded audio, as if every packet arrived).
    lost : numpy.ndarray
        ``(m,)`` bool per 20 ms packet, ``m >= ceil((first + n) / 160)``.
    first : int
        Offset of ``x[0]`` inside its packet, in [0, 160).
    mode : {"g711-plc", "silence"}
        Concealment.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int16; ``x`` itself when nothing is lost.

    Raises
    ------
    InvalidAudioError
        Unknown mode, too few packet flags or a bad offset.
    """
    if mode not in CONCEALMENT:
        raise InvalidAudioError(f"mode: {mode!r} is not allowed; allowed: {', '.join(CONCEALMENT)}")
    n = x.shape[0]
    if not 0 <= first < PACKET_SAMPLES or lost.shape[0] * PACKET_SAMPLES < first + n:
        raise InvalidAudioError(f"lost: {lost.shape[0]} packets from offset {first} do not cover {n} samples")
    runs = lost_sample_runs(lost, n, first=first)
    if runs.shape[0] == 0:
        return x
    y = x.copy()
    if mode == "silence":
        for a, b in runs:
            y[a:b] = 0
    else:
        _plc(y, runs)
    return y
