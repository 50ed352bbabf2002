"""Ringback known answers: cadence and frequencies measured back (Goertzel) for every
country code of ``<Dial ringTone>`` (ITU-T E.180 Supplement 2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recsim.audio import g711_roundtrip
from recsim.audio.progress import COUNTRY_CODES, RINGBACK, country_of_number, ringback
from recsim.errors import InvalidAudioError


def goertzel_share(x: np.ndarray, f: float) -> float:
    """Share of ``x``'s power at frequency ``f`` Hz (Goertzel, one bin)."""
    n = x.shape[0]
    w = 2.0 * math.pi * f / 8000.0
    c = 2.0 * math.cos(w)
    s1 = s2 = 0.0
    for v in x.astype(np.float64):
        s1, s2 = v + c * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - c * s1 * s2
    amp = 2.0 * math.sqrt(max(power, 0.0)) / n
    return (amp * amp / 2.0) / float(np.mean(x.astype(np.float64) ** 2))


def bursts(x: np.ndarray, frame: int = 80) -> list[tuple[int, int]]:
    """``(start, stop)`` samples of the runs of 10 ms frames that hold any sound."""
    on = np.abs(x[: x.shape[0] // frame * frame].reshape(-1, frame)).max(axis=1) > 0
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8), 0]))
    return [(int(a) * frame, int(b) * frame) for a, b in zip(edges[::2], edges[1::2], strict=True)]


@pytest.mark.parametrize("country", COUNTRY_CODES)
def test_cadence_and_frequencies_measured_back(country: str) -> None:
    """Two cycles through PCMU: every burst and gap lasts what E.180 lists (to 10 ms),
    and each listed frequency holds its share of a burst's power (Goertzel), with
    nothing at 1 kHz."""
    rb = RINGBACK[country]
    x = g711_roundtrip(ringback(country, 2 * rb.period_s), "PCMU")
    found = bursts(x)
    on = [(b - a) / 8000 for a, b in found]
    gaps = [(found[i + 1][0] - found[i][1]) / 8000 for i in range(len(found) - 1)]
    expect_on = list(rb.cadence_s[0::2]) * 2
    expect_off = (list(rb.cadence_s[1::2]) * 2)[:-1]
    assert on == pytest.approx(expect_on, abs=0.011)
    assert gaps == pytest.approx(expect_off, abs=0.011)
    a, b = found[0]
    burst = x[a:b]
    minimum = (0.6 if rb.mod_hz else 0.95) / len(rb.freqs_hz)
    for f in rb.freqs_hz:
        assert goertzel_share(burst, f) > minimum
    assert goertzel_share(burst, 1000.0) < 0.01
    if rb.mod_hz:
        assert goertzel_share(burst, rb.freqs_hz[0] + rb.mod_hz) > 0.1


def test_level_and_length() -> None:
    """The US tone at -16 dBov: a burst's RMS is -19 dBFS (a -16 dBov sine is -19.0
    dBFS); the array has round(duration * 8000) samples."""
    x = ringback("us", 4.0)
    assert x.shape == (32000,) and x.dtype == np.int16
    rms = np.sqrt(np.mean(x[:16000].astype(np.float64) ** 2))
    assert 20 * math.log10(rms / 32768) == pytest.approx(-16.0 - 3.01, abs=0.1)
    assert not x[16000:].any()
    assert ringback("uk", 0.0).shape == (0,)


def test_country_of_number_and_errors() -> None:
    """E.164 country calling codes, longest prefix first; others default to us."""
    assert country_of_number("+14155550100") == "us"
    assert country_of_number("+442071234567") == "uk"
    assert country_of_number("+351211234567") == "pt"
    assert country_of_number("+35812345") == "fi"
    assert country_of_number("client:alice") == "us"
    assert country_of_number("+999", default="de") == "de"
    with pytest.raises(InvalidAudioError, match="country: 'xx'"):
        ringback("xx", 1.0)
    with pytest.raises(InvalidAudioError, match="level_dbov"):
        ringback("us", 1.0, level_dbov=3.0)
