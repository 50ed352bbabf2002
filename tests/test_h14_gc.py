"""quiet_gc(collect=True), a batch shard's block: no automatic collection inside it (one
collection at its end), the collector enabled again after, whatever happens."""

from __future__ import annotations

import gc

import pytest

from recsim.sim.simulation import quiet_gc


def test_collect_block_pauses_automatic_collection() -> None:
    """Inside a collecting block (and blocks nested in it) the collector is disabled;
    a plain block leaves it enabled; after either it is enabled."""
    assert gc.isenabled()
    with quiet_gc():
        assert gc.isenabled()
    with quiet_gc(collect=True):
        assert not gc.isenabled()
        with quiet_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_collect_block_restores_after_an_error_and_a_disabled_collector() -> None:
    """An exception inside enables the collector again; a collector the host disabled
    stays disabled."""
    with pytest.raises(RuntimeError), quiet_gc(collect=True):
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with quiet_gc(collect=True):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
