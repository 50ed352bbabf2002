"""Tones: the ``<Record>`` beep, DTMF synthesis and Goertzel DTMF detection.

Sources: 001_0ae55e6d7422f5b4.txt ``playBeep`` ("a sound before the start of a
recording") and ``finishOnKey`` ("the digits 0-9, # and *"). DTMF frequencies are the
ITU-T Q.23 pairs; detection follows the usual Goertzel receiver (Q.24-style checks:
both tones present, twist, tone purity, minimum level).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from recsim.audio import _goertzel
from recsim.audio._validate import SAMPLE_RATE, valid_audio, valid_dbfs, valid_rate, valid_seconds
from recsim.audio.convert import to_int16
from recsim.errors import InvalidAudioError

__all__ = [
    "BEEP_FREQ_HZ",
    "BEEP_S",
    "beep",
    "detect_dtmf",
    "dtmf_sequence",
    "dtmf_tone",
]

#: Beep frequency (Hz) and length (s) of the ``<Record>`` beep (recsim's choice; the
#: spec does not give the sound).
BEEP_FREQ_HZ = 1000.0
BEEP_S = 0.25

DTMF_LOW = (697.0, 770.0, 852.0, 941.0)
DTMF_HIGH = (1209.0, 1336.0, 1477.0, 1633.0)
_KEYPAD = ("123A", "456B", "789C", "*0#D")

_DTMF_FREQS = {
    _KEYPAD[r][c]: (DTMF_LOW[r], DTMF_HIGH[c]) for r in range(4) for c in range(4)
}

# Goertzel receiver settings: 205-sample blocks at 8 kHz (bins close to every DTMF
# frequency), hop of half a block.
_BLOCK = 205
_HOP = 102


def _sine(freq_hz: float, n: int, amp: float, sample_rate: int) -> np.ndarray:
    t = np.arange(n, dtype=np.float64) / sample_rate
    return amp * np.sin(2.0 * np.pi * freq_hz * t)


def beep(
    *,
    duration_s: float = BEEP_S,
    freq_hz: float = BEEP_FREQ_HZ,
    level_dbfs: float = -6.0,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """The beep played before a ``<Record>`` capture (001 ``playBeep``).

    Parameters
    ----------
    duration_s : float
        Length in seconds (default 0.25).
    freq_hz : float
        Tone frequency in Hz (default 1000).
    level_dbfs : float
        Peak level in dBFS (default -6).
    sample_rate : int
        Must be 8000 Hz.

    Returns
    -------
    numpy.ndarray
        ``(round(duration_s * 8000),)`` int16.

    Raises
    ------
    InvalidAudioError
        Negative or NaN duration, level above 0 dBFS, rate other than 8000.
    """
    d = valid_seconds(duration_s, name="duration_s")
    lvl = valid_dbfs(level_dbfs, name="level_dbfs")
    valid_rate(sample_rate)
    n = round(d * sample_rate)
    amp = 32767.0 * 10.0 ** (lvl / 20.0)
    y = _sine(freq_hz, n, amp, sample_rate)
    ramp = min(n // 2, 40)  # 5 ms fades: no clicks
    if ramp:
        w = np.linspace(0.0, 1.0, ramp)
        y[:ramp] *= w
        y[n - ramp :] *= w[::-1]
    return to_int16(y, scale=1.0)


def dtmf_tone(
    digit: str,
    *,
    duration_s: float = 0.1,
    level_dbfs: float = -10.0,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """One DTMF key: the sum of its low and high tones.

    Parameters
    ----------
    digit : str
        One of ``0123456789*#`` (and ``A``-``D``).
    duration_s : float
        Tone length in seconds (default 0.1; a receiver needs at least 0.04).
    level_dbfs : float
        Peak level of each of the two tones, in dBFS (default -10).
    sample_rate : int
        Must be 8000 Hz.

    Returns
    -------
    numpy.ndarray
        ``(round(duration_s * 8000),)`` int16.

    Raises
    ------
    InvalidAudioError
        Unknown digit, bad duration or level, rate other than 8000.
    """
    if digit not in _DTMF_FREQS:
        raise InvalidAudioError(f"digit: {digit!r} is not allowed; expected one of 0123456789*#ABCD")
    d = valid_seconds(duration_s, name="duration_s")
    lvl = valid_dbfs(level_dbfs, name="level_dbfs")
    valid_rate(sample_rate)
    n = round(d * sample_rate)
    amp = 32767.0 * 10.0 ** (lvl / 20.0)
    lo, hi = _DTMF_FREQS[digit]
    return to_int16(_sine(lo, n, amp, sample_rate) + _sine(hi, n, amp, sample_rate), scale=1.0)


def dtmf_sequence(
    digits: str,
    *,
    tone_s: float = 0.1,
    gap_s: float = 0.1,
    level_dbfs: float = -10.0,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """Several DTMF keys, each ``tone_s`` long and followed by ``gap_s`` of silence.

    Parameters
    ----------
    digits : str
        Keys to press, in order (each as :func:`dtmf_tone` accepts); ``""`` gives an
        empty array.
    tone_s, gap_s : float
        Length of each tone and of the silence after it, in seconds (>= 0).
    level_dbfs : float
        RMS level of each of the two tones, dBFS.
    sample_rate : int
        Must be 8000 Hz.

    Returns
    -------
    numpy.ndarray
        ``(len(digits) * round((tone_s + gap_s) * 8000),)`` int16 (approximately; each
        part is rounded to samples on its own).

    Raises
    ------
    InvalidAudioError
        As :func:`dtmf_tone`, or a negative gap.
    """
    g = valid_seconds(gap_s, name="gap_s")
    gap = np.zeros(round(g * sample_rate), dtype=np.int16)
    parts: list[np.ndarray] = []
    for d in digits:
        parts.append(dtmf_tone(d, duration_s=tone_s, level_dbfs=level_dbfs, sample_rate=sample_rate))
        parts.append(gap)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)


def _coeffs(sample_rate: int) -> np.ndarray:
    freqs = np.array(DTMF_LOW + DTMF_HIGH)
    return 2.0 * np.cos(2.0 * np.pi * freqs / sample_rate)


_COEFFS = _coeffs(SAMPLE_RATE)
#: Key names by code ``row * 4 + column`` of the keypad, and back.
_KEY_NAME = tuple(_KEYPAD[k // 4][k % 4] for k in range(16))
_KEY_CODE = {name: k for k, name in enumerate(_KEY_NAME)}


def detect_dtmf(
    x: np.ndarray,
    *,
    min_level_dbfs: float = -36.0,
    sample_rate: int = SAMPLE_RATE,
    stop_keys: str = "",
    max_start: int | None = None,
) -> list[tuple[int, str]]:
    """Detect DTMF keys in mono audio with a Goertzel receiver.

    Blocks of 205 samples (25.6 ms) every 102 samples; a block holds a key when the
    strongest low-group and high-group tones together carry most of the block's
    energy (purity > 0.7), each is at least 4x (6 dB) the second strongest of its
    group, their twist is within 8 dB, and each is above ``min_level_dbfs``. A key is
    reported when two consecutive blocks hold it; a new press needs a block without it
    in between. Only the blocks a press can depend on are analysed (see
    ``recsim.audio._goertzel``); the answer is that of analysing every block.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` int16 PCM.
    min_level_dbfs : float
        Minimum RMS level of each tone, dBFS (default -36).
    sample_rate : int
        Must be 8000 Hz.
    stop_keys : str
        Stop at the first press of one of these keys (it is the last one returned);
        ``""`` (default): report every press. ``<Record finishOnKey>`` passes its keys.
    max_start : int, optional
        Report only presses starting at or before this sample (the scan ends there);
        None (default): to the end of ``x``.

    Returns
    -------
    list of (int, str)
        ``(start_sample, key)`` per press, in order; ``start_sample`` is the start of the
        first block that held the key (within one hop, 12.75 ms, of the tone onset).

    Raises
    ------
    InvalidAudioError
        Not ``(n,)`` int16, bad level, rate other than 8000, a ``stop_keys`` character
        that is not a key (0-9, *, #, A-D), a negative ``max_start``.
    """
    x = valid_audio(x, name="x", channels=(1,))
    lvl = valid_dbfs(min_level_dbfs, name="min_level_dbfs")
    valid_rate(sample_rate)
    stop, last = _scan_limits(stop_keys, max_start)
    level_p = (_BLOCK * (32768.0 * 10.0 ** (lvl / 20.0))) ** 2 / 2.0
    starts, keys = _goertzel.dtmf_presses(x, _BLOCK, _HOP, _COEFFS, level_p, stop, last)
    return [(int(a), _KEY_NAME[k]) for a, k in zip(starts.tolist(), keys.tolist(), strict=True)]


def _scan_limits(stop_keys: str, max_start: int | None) -> tuple[np.ndarray, int]:
    """``stop_keys`` as a (16,) uint8 mask by key code, ``max_start`` as an int (-1: none)."""
    stop = _stop_mask(stop_keys) if isinstance(stop_keys, str) else _stop_mask.__wrapped__(stop_keys)
    if max_start is None:
        return stop, -1
    if isinstance(max_start, bool) or not isinstance(max_start, int | np.integer) or max_start < 0:
        raise InvalidAudioError(f"max_start: {max_start!r} is not allowed; expected a sample index >= 0 or None")
    return stop, int(max_start)


@cache
def _stop_mask(stop_keys: str) -> np.ndarray:
    """The (16,) uint8 mask of ``stop_keys`` by key code, made once per string (read-only)."""
    stop = np.zeros(16, dtype=np.uint8)
    for key in stop_keys:
        if key not in _KEY_CODE:
            raise InvalidAudioError(f"stop_keys: {key!r} is not allowed; expected keys of 0123456789*#ABCD")
        stop[_KEY_CODE[key]] = 1
    stop.setflags(write=False)
    return stop
