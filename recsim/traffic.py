"""The shared synthetic voices of traffic scenarios.

A traffic section (:mod:`recsim.scenario.traffic`: schema and deterministic expansion
into calls) voices its parties with slices of eight shared synthetic talkers;
:func:`talker_bank` makes them once per seed, so speech for thousands of calls costs no
synthesis per call.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from recsim.audio import speech_like
from recsim.scenario.traffic import BANK_SECONDS, BANK_VOICES

__all__ = ["talker_bank"]


@lru_cache(maxsize=4)
def talker_bank(seed: int) -> tuple[np.ndarray, ...]:
    """The shared voices of a scenario's traffic.

    Parameters
    ----------
    seed : int
        The scenario's seed (voice ``v`` is seeded ``seed * 1000 + v``).

    Returns
    -------
    tuple of numpy.ndarray
        ``BANK_VOICES`` (8) voices, each ``(BANK_SECONDS * 8000,)`` int16 at 8000 Hz
        (180 s of speech-like audio at -20 dBFS, pitch 100 + 20 v Hz),
        read-only.
    """
    voices = tuple(
        speech_like(BANK_SECONDS, seed=seed * 1000 + v, pitch_hz=100.0 + 20.0 * v, pauses=False, level_dbfs=-20.0)
        for v in range(BANK_VOICES)
    )
    for voice in voices:  # shared by every call: read-only (a leg's codec codes each voice once)
        voice.flags.writeable = False
    return voices
