"""quiet_gc(collect=True), a batch shard's block: no automatic collection inside it (one
collection at its end), the collector enabled again after, whatever happens."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from simkit import build, tone, wav

from recsim.outputs import RecordingWriter
from recsim.sim import Simulation
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


def test_close_lets_reference_counts_free_the_run(tmp_path: Path) -> None:
    """After close(), dropping the simulation (and a writer holding it) frees its calls,
    legs and recordings without the cyclic collector; without close() they stay."""
    clip = wav(tmp_path, "a.wav", tone(2.0))
    calls = [{"from": f"+1555000000{k}", "to": "+15559990000", "start_s": 10.0 * k,
              "twiml": '<Response><Record maxLength="3" playBeep="false" action="https://app/done"/></Response>'}
             for k in range(2)]
    sc = build(tmp_path, calls, parties={f"+1555000000{k}": {"audio": [{"file": clip, "at": 0.5}]} for k in range(2)})
    gc.collect()
    gc.disable()
    try:
        refs = []
        for close in (False, True):
            sim = Simulation(sc)
            writer = RecordingWriter(sim, (), None)
            sim.run()
            rows = writer.finish(sim.sink.events)
            assert len(rows[0]) == 2
            refs.append([weakref.ref(x) for x in (sim.calls[0], sim.calls[0].parent, *sim.recordings.values())])
            if close:
                sim.close()
            del sim, writer, rows
        assert all(r() is not None for r in refs[0])  # a cycle holds them
        assert all(r() is None for r in refs[1])
    finally:
        gc.enable()
        gc.collect()
