"""Benchmark inputs, generated reproducibly from a seed (cached for the session).

The hour: 3600 s of 8 kHz dual-channel speech-like audio (two synthetic talkers),
with 30 s of -60 dBFS noise at each end in both channels.
"""

from __future__ import annotations

import numpy as np
import pytest

from recsim.audio import noise, speech_like

RATE = 8000
HOUR_S = 3600
EDGE_S = 30
SEED = 20261121


def make_hour() -> np.ndarray:
    a = speech_like(HOUR_S, seed=SEED, pitch_hz=120.0)
    b = speech_like(HOUR_S, seed=SEED + 1, pitch_hz=210.0)
    x = np.stack([a, b], axis=1)
    edge = EDGE_S * RATE
    x[:edge] = np.stack([noise(EDGE_S, level_dbfs=-60, seed=1), noise(EDGE_S, level_dbfs=-60, seed=2)], axis=1)
    x[-edge:] = np.stack([noise(EDGE_S, level_dbfs=-60, seed=3), noise(EDGE_S, level_dbfs=-60, seed=4)], axis=1)
    return x


@pytest.fixture(scope="session")
def hour() -> np.ndarray:
    return make_hour()


@pytest.fixture(scope="session")
def silent_hour() -> np.ndarray:
    n = HOUR_S * RATE
    return np.stack([noise(HOUR_S, level_dbfs=-60, seed=5)[:n], noise(HOUR_S, level_dbfs=-60, seed=6)[:n]], axis=1)


@pytest.fixture(scope="session")
def timeout_hour(hour: np.ndarray) -> np.ndarray:
    """The hour from the end of the leading noise, with speech pauses shorter than the
    timeout, and a 6 s silence at minute 47: a 5 s timeout first fires there."""
    x = hour[EDGE_S * RATE :].copy()
    at = 47 * 60 * RATE
    x[at : at + 6 * RATE] = 0
    return x
