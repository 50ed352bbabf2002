"""Line conditions of a telephone channel: the 300-3400 Hz band filter, background noise
at a signal-to-noise ratio, comfort noise, and levels in dBov.

Sources: ITU-T G.712 (the 300-3400 Hz pass band of a PCM channel; here a 4th-order
Butterworth high-pass at 300 Hz and low-pass at 3400 Hz, bilinear transform, as the
"G.712-like" filter of simulations); ITU-T G.100.1 (dBov: 0 dBov is the RMS of a
full-scale sine, so ``dBov = dBFS + 3.01`` with dBFS the RMS relative to a full-scale
square wave as in :mod:`recsim.audio.silence`); ITU-T P.56 (nominal active speech
level -26 dBov, the reference of an SNR); RFC 3389 (comfort noise: a noise level in
-dBov, 0 to 127, played when the sender is silent).

Noise is a seeded bank of band-limited Gaussian noise read at the absolute sample
position (modulo its length), so any span of a stream renders the same samples
however it is cut.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit

from recsim.audio._validate import SAMPLE_RATE, valid_audio
from recsim.audio.convert import to_int16
from recsim.errors import InvalidAudioError

__all__ = ["NOISE_BANK_SAMPLES", "NOMINAL_SPEECH_DBOV", "band_filter", "dbov_rms", "noise_bank", "noise_span"]

#: ITU-T P.56 nominal active speech level, dBov: the reference of a background SNR.
NOMINAL_SPEECH_DBOV = -26.0
#: Length of a noise bank (2**17 samples, 16.4 s).
NOISE_BANK_SAMPLES = 1 << 17
_BUTTER4_Q = (0.5411961001461969, 1.3065629648763766)


def dbov_rms(level_dbov: float) -> float:
    """RMS in int16 units of a signal at ``level_dbov`` (0 dBov = 32767 / sqrt(2)).

    Parameters
    ----------
    level_dbov : float
        Level in dBov.

    Returns
    -------
    float
        RMS, int16 units.
    """
    return 32767.0 / math.sqrt(2.0) * 10.0 ** (level_dbov / 20.0)


def _biquad(kind: str, f0: float, q: float) -> np.ndarray:
    """RBJ cookbook low/high-pass biquad (bilinear, prewarped): ``[b0, b1, b2, a1, a2]``."""
    w0 = 2.0 * math.pi * f0 / SAMPLE_RATE
    alpha = math.sin(w0) / (2.0 * q)
    cw = math.cos(w0)
    a0 = 1.0 + alpha
    if kind == "low":
        b = ((1.0 - cw) / 2.0, 1.0 - cw, (1.0 - cw) / 2.0)
    else:
        b = ((1.0 + cw) / 2.0, -(1.0 + cw), (1.0 + cw) / 2.0)
    return np.array([b[0] / a0, b[1] / a0, b[2] / a0, -2.0 * cw / a0, (1.0 - alpha) / a0])


@lru_cache(maxsize=8)
def _sections(low_hz: float, high_hz: float) -> np.ndarray:
    secs = [_biquad("high", low_hz, q) for q in _BUTTER4_Q] + [_biquad("low", high_hz, q) for q in _BUTTER4_Q]
    return np.array(secs)


@njit(cache=True, nogil=True)
def _cascade(x: np.ndarray, sos: np.ndarray) -> np.ndarray:
    y = x.copy()
    for s in range(sos.shape[0]):
        b0, b1, b2, a1, a2 = sos[s, 0], sos[s, 1], sos[s, 2], sos[s, 3], sos[s, 4]
        z1 = 0.0
        z2 = 0.0
        for i in range(y.shape[0]):
            v = y[i]
            out = b0 * v + z1
            z1 = b1 * v - a1 * out + z2
            z2 = b2 * v - a2 * out
            y[i] = out
    return y


def band_filter(x: np.ndarray, *, low_hz: float = 300.0, high_hz: float = 3400.0) -> np.ndarray:
    """The telephone band filter (G.712-like): 4th-order Butterworth high-pass at
    ``low_hz`` and low-pass at ``high_hz``, from rest (zero state).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` int16 at 8000 Hz.
    low_hz, high_hz : float
        Band edges (-3 dB), Hz, ``0 < low_hz < high_hz < 4000``.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int16, rounded and saturated.

    Raises
    ------
    InvalidAudioError
        Bad array or band edges.
    """
    x = valid_audio(x, name="x")
    if not 0.0 < low_hz < high_hz < SAMPLE_RATE / 2:
        raise InvalidAudioError(f"low_hz, high_hz: {low_hz!r}, {high_hz!r} are not allowed; "
                                "expected 0 < low_hz < high_hz < 4000 Hz")
    if x.ndim != 1:
        raise InvalidAudioError("x: expected one channel (n,)")
    return to_int16(_cascade(x.astype(np.float64), _sections(float(low_hz), float(high_hz))), scale=1.0)


@lru_cache(maxsize=256)
def _bank(entropy: int, key: tuple[int, ...]) -> np.ndarray:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=key)))
    w = rng.standard_normal(NOISE_BANK_SAMPLES + 512)
    y = _cascade(w, _sections(300.0, 3400.0))[512:]
    y /= float(np.sqrt(np.mean(y * y)))
    y.flags.writeable = False
    return y


def noise_bank(entropy: int, key: tuple[int, ...] = ()) -> np.ndarray:
    """A unit-RMS band-limited (300-3400 Hz) Gaussian noise bank, seeded.

    Parameters
    ----------
    entropy : int
        Seed (the scenario's).
    key : tuple of int
        Spawn key of the stream (its own SeedSequence child).

    Returns
    -------
    numpy.ndarray
        ``(NOISE_BANK_SAMPLES,)`` float64, RMS 1, read-only (cached).
    """
    return _bank(int(entropy), tuple(int(k) for k in key))


def noise_span(bank: np.ndarray, a: int, b: int, level_dbov: float) -> np.ndarray:
    """Samples ``[a, b)`` (absolute positions) of ``bank`` at ``level_dbov``: ``(b - a,)``
    float64 in int16 units (the bank repeats every :data:`NOISE_BANK_SAMPLES`)."""
    n = max(0, b - a)
    idx = (np.arange(a, a + n, dtype=np.int64)) % bank.shape[0]
    return bank[idx] * dbov_rms(level_dbov)
