"""Seeded speech-like audio: synthetic talkers, ``<Say>`` prompts and noise floors.

Not speech, but shaped like it for every measurement recsim makes: syllables of 120-260 ms
at about 4 per second grouped into phrases with pauses, a voiced (pulse train at a
pitch) and noisy carrier through two formant resonators, at a chosen RMS level while
talking. Same seed, same samples.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

from recsim.audio._signal import lfilter
from recsim.audio._validate import SAMPLE_RATE, valid_dbfs, valid_seconds
from recsim.audio.convert import to_int16

__all__ = ["noise", "say_audio", "say_duration_s", "speech_like"]

#: Speaking rate of ``<Say>``: 150 words per minute.
SAY_WORDS_PER_S = 2.5


def _resonator(freq_hz: float, bw_hz: float) -> tuple[np.ndarray, np.ndarray]:
    r = np.exp(-np.pi * bw_hz / SAMPLE_RATE)
    theta = 2.0 * np.pi * freq_hz / SAMPLE_RATE
    return np.array([1.0 - r]), np.array([1.0, -2.0 * r * np.cos(theta), r * r])


def _envelope(n: int, rng: np.random.Generator, pauses: bool) -> np.ndarray:
    env = np.zeros(n)
    t = 0
    while t < n:
        phrase_end = t + int(rng.uniform(1.0, 3.5) * SAMPLE_RATE) if pauses else n
        while t < min(phrase_end, n):
            syl = int(rng.uniform(0.12, 0.26) * SAMPLE_RATE)
            stop = min(t + syl, n)
            w = np.hanning(syl + 2)[1 : stop - t + 1]
            env[t:stop] = w * rng.uniform(0.5, 1.0)
            t = stop + int(rng.uniform(0.0, 0.06) * SAMPLE_RATE)
        if pauses:
            t += int(rng.uniform(0.3, 1.2) * SAMPLE_RATE)
    return env


def speech_like(
    duration_s: float,
    *,
    seed: int = 0,
    level_dbfs: float = -20.0,
    pitch_hz: float = 120.0,
    pauses: bool = True,
) -> np.ndarray:
    """Speech-like audio of a synthetic talker.

    Parameters
    ----------
    duration_s : float
        Length in seconds (>= 0).
    seed : int
        Seed of the talker's random choices; same seed, same samples.
    level_dbfs : float
        RMS level of the voiced parts, in dBFS (default -20).
    pitch_hz : float
        Voice pitch in Hz (120 a low voice, 210 a high one).
    pauses : bool
        Group syllables into phrases separated by 0.3-1.2 s pauses (digital silence).

    Returns
    -------
    numpy.ndarray
        ``(round(duration_s * 8000),)`` int16 at 8000 Hz.

    Raises
    ------
    InvalidAudioError
        Negative or NaN duration, level above 0 dBFS.
    """
    d = valid_seconds(duration_s, name="duration_s")
    lvl = valid_dbfs(level_dbfs, name="level_dbfs")
    n = round(d * SAMPLE_RATE)
    if n == 0:
        return np.zeros(0, dtype=np.int16)
    rng = np.random.default_rng(seed)
    period = max(2, round(SAMPLE_RATE / pitch_hz))
    pulses = np.zeros(n)
    pulses[::period] = 1.0
    carrier = pulses * 4.0 + rng.standard_normal(n) * 0.3
    b1, a1 = _resonator(rng.uniform(450, 750), 120.0)
    b2, a2 = _resonator(rng.uniform(1100, 1900), 180.0)
    y = lfilter(b1, a1, carrier) + 0.5 * lfilter(b2, a2, carrier)
    env = _envelope(n, rng, pauses)
    voiced = env > 0.05
    rms = np.sqrt(np.mean(y[voiced] ** 2)) if voiced.any() else 1.0
    y *= env * (32768.0 * 10.0 ** (lvl / 20.0) / rms)
    return to_int16(y, scale=1.0)


def noise(duration_s: float, *, level_dbfs: float, seed: int = 0) -> np.ndarray:
    """White Gaussian noise at an RMS level (a line's noise floor).

    Parameters
    ----------
    duration_s : float
        Length in seconds (>= 0).
    level_dbfs : float
        RMS level in dBFS (at most 0), relative to a full-scale 32768.
    seed : int
        Seed of the generator; same seed, same samples.

    Returns
    -------
    numpy.ndarray
        ``(round(duration_s * 8000),)`` int16.

    Raises
    ------
    InvalidAudioError
        Negative or NaN duration, level above 0 dBFS.
    """
    d = valid_seconds(duration_s, name="duration_s")
    lvl = valid_dbfs(level_dbfs, name="level_dbfs")
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(round(d * SAMPLE_RATE)) * (32768.0 * 10.0 ** (lvl / 20.0))
    return to_int16(y, scale=1.0)


def say_duration_s(text: str) -> float:
    """Seconds a ``<Say>`` of ``text`` lasts: 0.4 s a word (150 wpm), at least 0.5 s.

    Parameters
    ----------
    text : str
        The text of the ``<Say>`` verb; words are separated by whitespace.

    Returns
    -------
    float
        ``max(0.5, round(n_words / 2.5, 3))`` seconds.
    """
    words = len(text.split())
    return max(0.5, round(words / SAY_WORDS_PER_S, 3))


@lru_cache(maxsize=512)
def say_audio(text: str, *, voice_seed: int = 0) -> np.ndarray:
    """Platform speech for ``<Say>text</Say>``: speech-like audio whose length follows
    the text (:func:`say_duration_s`); the same text gives the same samples.

    Parameters
    ----------
    text : str
        The text of the ``<Say>`` verb; its CRC-32 seeds the talker.
    voice_seed : int
        Mixed into the seed (another voice for the same text).

    Returns
    -------
    numpy.ndarray
        ``(round(say_duration_s(text) * 8000),)`` int16 at -18 dBFS while talking,
        read-only (cached: the same text is synthesised once).
    """
    seed = zlib.crc32(text.encode("utf-8")) ^ voice_seed
    y = speech_like(say_duration_s(text), seed=seed, level_dbfs=-18.0, pitch_hz=190.0, pauses=False)
    y.flags.writeable = False
    return y
