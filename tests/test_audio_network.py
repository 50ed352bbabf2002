"""Network impairments of the audio core: packet loss statistics over many seeds,
jitter-buffer discards, concealment continuity, band filter, noise levels."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio.conceal import conceal, lost_sample_runs
from recsim.audio.line import band_filter, dbov_rms, noise_bank, noise_span
from recsim.audio.loss import PacketFate, gilbert_elliott, loss_runs
from recsim.errors import InvalidAudioError

N_SEEDS = 200
N_PACKETS = 5000


def _fates(**kw: float) -> list[np.ndarray]:
    return [PacketFate(np.random.SeedSequence(s, spawn_key=(7,)), **kw).lost(0, N_PACKETS) for s in range(N_SEEDS)]


@pytest.mark.parametrize("rate,burst", [(0.03, 1.0), (0.03, 3.0), (0.10, 5.0)])
def test_loss_rate_and_burst_length_within_bounds(rate: float, burst: float) -> None:
    """Over 200 seeds x 5,000 packets the loss rate is within 4 standard errors of the
    target and the mean lost-run length within 5 % of the Gilbert-Elliott mean
    ``1 / r`` (random loss: ``1 / (1 - rate)``)."""
    fates = _fates(loss_rate=rate, mean_burst=burst)
    per_seed = np.array([f.mean() for f in fates])
    assert abs(per_seed.mean() - rate) < 4 * per_seed.std(ddof=1) / math.sqrt(N_SEEDS)
    runs = np.concatenate([loss_runs(f) for f in fates])
    lengths = runs[:, 1] - runs[:, 0]
    expected = 1.0 / (1.0 - rate) if burst == 1.0 else burst
    assert lengths.mean() == pytest.approx(expected, rel=0.05)
    if burst > 1.0:  # geometric run lengths: P(len >= 2) = 1 - r
        assert (lengths >= 2).mean() == pytest.approx(1.0 - 1.0 / burst, abs=0.03)


def test_jitter_buffer_discards_late_packets() -> None:
    """Exponential delay variation of mean 20 ms with a 60 ms buffer: exp(-3) of the
    packets are late, hence lost."""
    late = np.concatenate(_fates(jitter_ms=20.0, buffer_ms=60.0)[:40])
    assert late.mean() == pytest.approx(math.exp(-3.0), abs=0.004)


def test_same_seed_same_fate_however_asked() -> None:
    """The fate of a packet does not depend on the steps it was asked in."""
    a = PacketFate(np.random.SeedSequence(3), loss_rate=0.05, mean_burst=2.5, jitter_ms=10).lost(0, 9000).copy()
    f = PacketFate(np.random.SeedSequence(3), loss_rate=0.05, mean_burst=2.5, jitter_ms=10)
    b = np.concatenate([f.lost(0, 1), f.lost(1, 4097), f.lost(4097, 9000)])
    assert np.array_equal(a, b)
    assert not np.array_equal(a, PacketFate(np.random.SeedSequence(4), loss_rate=0.05, mean_burst=2.5,
                                            jitter_ms=10).lost(0, 9000))


def test_bad_parameters() -> None:
    """Out-of-range parameters name the field."""
    with pytest.raises(InvalidAudioError, match="loss_rate"):
        PacketFate(np.random.SeedSequence(0), loss_rate=1.0)
    with pytest.raises(InvalidAudioError, match="mean_burst"):
        gilbert_elliott(0.1, 0.5)
    with pytest.raises(InvalidAudioError, match="mode"):
        conceal(np.zeros(160, np.int16), np.zeros(1, bool), mode="repeat")


def _voiced(n: int, f0: float, amp: float) -> np.ndarray:
    t = np.arange(n) / 8000.0
    return np.rint(amp * (0.7 * np.sin(2 * np.pi * f0 * t) + 0.3 * np.sin(2 * np.pi * 2 * f0 * t))).astype(np.int16)


@settings(max_examples=40, deadline=None)
@given(st.floats(80.0, 190.0), st.floats(1000.0, 20000.0), st.lists(st.integers(3, 48), min_size=1, max_size=6))
def test_concealment_is_continuous_at_packet_edges(f0: float, amp: float, lost_idx: list[int]) -> None:
    """At every edge of a concealed packet the step between samples is no larger than
    the signal's own largest step plus 25 % of its amplitude (no click); after 60 ms of
    loss the output is silent; good packets are untouched away from the overlap."""
    x = _voiced(8000, f0, amp)
    lost = np.zeros(50, bool)
    lost[lost_idx] = True
    y = conceal(x, lost)
    own = np.abs(np.diff(x.astype(np.float64))).max()
    for a, b in lost_sample_runs(lost, 8000):
        for e in (a, b):
            if 0 < e < 8000:
                assert abs(float(y[e]) - float(y[e - 1])) <= own + 0.25 * amp
        if b - a > 480:
            assert not y[a + 480 : b].any()
    far = np.ones(8000, bool)
    for a, b in lost_sample_runs(lost, 8000):
        far[max(0, a - 40) : b + 80] = False
    assert np.array_equal(y[far], x[far])


def test_silence_mode_and_offsets() -> None:
    """Silence zeroes exactly the lost packets' samples, honouring the offset of the
    span inside its first packet."""
    x = np.full(400, 1000, np.int16)
    lost = np.array([False, True, False, False])
    y = conceal(x, lost, first=100, mode="silence")
    assert np.array_equal(np.flatnonzero(y == 0), np.arange(60, 220))
    assert conceal(x, np.zeros(4, bool), first=100) is x


def test_band_filter_passes_the_band_and_stops_outside() -> None:
    """1 kHz passes within 0.5 dB; 100 Hz and 3800 Hz are down more than 15 dB."""
    def gain(f: float) -> float:
        x = np.rint(10000 * np.sin(2 * np.pi * f * np.arange(16000) / 8000)).astype(np.int16)
        y = band_filter(x)[4000:].astype(np.float64)
        return 20 * math.log10(np.sqrt(np.mean(y**2)) / (10000 / math.sqrt(2)))
    assert abs(gain(1000.0)) < 0.5
    assert gain(100.0) < -15 and gain(3800.0) < -15


def test_noise_bank_level_and_determinism() -> None:
    """A span at -60 dBov has the RMS of -60 dBov, the same samples however cut, and
    another key gives other noise."""
    bank = noise_bank(5, (1, 2))
    y = noise_span(bank, 1000, 9000, -60.0)
    assert np.sqrt(np.mean(y**2)) == pytest.approx(dbov_rms(-60.0), rel=0.1)
    assert np.array_equal(np.concatenate([noise_span(bank, 1000, 3000, -60.0), noise_span(bank, 3000, 9000, -60.0)]), y)
    assert not np.array_equal(noise_bank(5, (1, 3))[:100], bank[:100])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32), st.floats(0.0, 0.3), st.floats(1.0, 8.0), st.floats(0.0, 40.0),
       st.lists(st.integers(0, 12000), max_size=6))
def test_fate_is_the_same_however_the_range_is_cut(seed: int, rate: float, burst: float, jitter: float,
                                                   cuts: list[int]) -> None:
    """Any cut of [0, 12000) packets, asked in any order of pieces, gives the fate of one
    request: the draws never depend on the request pattern."""
    if rate * (1.0 / burst) / (1.0 - rate) > 1.0:
        return
    kw = {"loss_rate": rate, "mean_burst": burst, "jitter_ms": jitter}
    whole = PacketFate(np.random.SeedSequence(seed), **kw).lost(0, 12000).copy()
    edges = sorted({0, 12000, *cuts})
    f = PacketFate(np.random.SeedSequence(seed), **kw)
    pieces = {a: f.lost(a, b).copy() for a, b in reversed(list(itertools.pairwise(edges)))}
    assert np.array_equal(np.concatenate([pieces[a] for a in edges[:-1]]), whole)


@pytest.mark.parametrize(("rate", "burst"), [(5e-324, 2.0), (1e-300, 8.0), (0.2, float("inf"))])
def test_gilbert_probability_that_underflows_to_zero(rate: float, burst: float) -> None:
    """A loss rate so small (or a mean burst so long) that a transition probability is
    0.0 in floating point: that state is never left (runs capped at 2**40), no error, and
    any cut gives the fate of one request."""
    whole = PacketFate(np.random.SeedSequence(0), loss_rate=rate, mean_burst=burst).lost(0, 12000).copy()
    f = PacketFate(np.random.SeedSequence(0), loss_rate=rate, mean_burst=burst)
    np.testing.assert_array_equal(np.concatenate([f.lost(0, 5000), f.lost(5000, 12000)]), whole)
    if rate < 1e-100:
        assert not whole.any()  # never leaves the good state
    else:
        assert whole.all() or not whole.any()  # an endless first run: all lost or none
