"""Traffic talk spurts drawn in bulk are the spurts drawn one by one: same clips, and
the unit's generator left exactly where the one-by-one draws leave it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.scenario import traffic as T


def _draw(seed: int, talk: T.Talk, start: float, end: float, bulk: int) -> tuple[list, float, int]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3, 1)))
    rng.integers(8)  # a buffered 32-bit half, as a unit's voice draws leave it
    old, T._BULK = T._BULK, bulk
    try:
        clips = T._talk(rng, talk, start, end, 5)
    finally:
        T._BULK = old
    return clips, rng.random(), int(rng.integers(1 << 30))


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), s_low=st.floats(0.01, 6.0), s_span=st.floats(0.0, 6.0),
       p_low=st.floats(0.01, 3.0), p_span=st.floats(0.0, 3.0), start=st.floats(0.0, 10.0),
       length=st.floats(-1.0, 120.0))
def test_bulk_spurts_equal_one_by_one(seed: int, s_low: float, s_span: float, p_low: float, p_span: float,
                                      start: float, length: float) -> None:
    """For uniform spurts and pauses (including spurts short enough to be skipped), the
    clips (voice, offset, seconds, at) and the next draws of the generator are equal."""
    talk = T.Talk(spurt_s=T.Dist(dist="uniform", low=s_low, high=s_low + s_span),
                  pause_s=T.Dist(dist="uniform", low=p_low, high=p_low + p_span))
    fast = _draw(seed, talk, start, start + length, T._BULK)
    slow = _draw(seed, talk, start, start + length, 0)  # bound exceeded: the one-by-one loop
    assert fast == slow
    assert all(c["talker"]["seconds"] >= 0.05 and start - 0.001 <= c["at"] < start + length + 0.001 for c in fast[0])


def test_traffic_example_units_unchanged() -> None:
    """Expanding units of examples/traffic.yaml in bulk equals the one-by-one expansion."""
    tr = T.Traffic.model_validate({"calls": 40, "mix": [{"template": t} for t in T.TEMPLATES]})
    starts = T.unit_starts(tr, 11)
    fast = T.expand_units(tr, 11, range(40), starts)
    old, T._BULK = T._BULK, 0
    try:
        slow = T.expand_units(tr, 11, range(40), starts)
    finally:
        T._BULK = old
    assert fast == slow and len(fast[0]) >= 40
