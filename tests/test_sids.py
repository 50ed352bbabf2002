"""A run's SIDs: the same seed gives the same SIDs, drawn as numpy's Generator.bytes(16)
from the owner's seed sequence (the definition outputs were made with)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.sids import SidFactory, is_sid


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**63), key=st.integers(0, 2**40),
       prefixes=st.lists(st.sampled_from(["CA", "RE", "CF", "TR"]), min_size=1, max_size=12))
def test_sids_are_generator_bytes(seed: int, key: int, prefixes: list[str]) -> None:
    """The n-th SID is prefix + hex of the n-th 16 bytes of
    default_rng(SeedSequence(seed, spawn_key=(key,))).bytes, and a valid SID."""
    ref = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(key,)))
    sids = SidFactory(np.random.SeedSequence(entropy=seed, spawn_key=(key,)))
    for p in prefixes:
        sid = sids.new(p)
        assert sid == p + ref.bytes(16).hex()
        assert is_sid(sid, p) and len(sid) == 34
