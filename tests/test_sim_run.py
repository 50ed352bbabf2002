"""Simulation.run: the one loop a run and a batch shard go through; it sets Python's
garbage collector for many calls and puts it back as it was, whatever happens."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from simkit import build, tone, wav

from recsim.sim import Simulation
from recsim.sim.simulation import GC_GEN0_THRESHOLD, quiet_gc


def _scenario(tmp_path: Path, n: int) -> object:
    clip = wav(tmp_path, "a.wav", tone(2.0))
    calls = [{"from": f"+1555000000{k}", "to": "+15559990000", "start_s": 50.0 * k,
              "twiml": '<Response><Record maxLength="3" playBeep="false" trim="do-not-trim" '
                       'action="https://app/done"/></Response>'} for k in range(n)]
    parties = {f"+1555000000{k}": {"audio": [{"file": clip, "at": 0.5}]} for k in range(n)}
    return build(tmp_path, calls, parties=parties)


def test_quiet_gc_freezes_and_restores() -> None:
    """Inside: what was alive is frozen and generation 0 waits for GC_GEN0_THRESHOLD
    allocations; after: the thresholds and the freeze count are as before."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with quiet_gc():
        assert gc.get_threshold()[0] == max(GC_GEN0_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen == 0


def test_quiet_gc_nested_leaves_the_outer_freeze() -> None:
    """Inside an outer quiet_gc (or a host's own gc.freeze) an inner one freezes nothing
    more (objects made in between stay collectable) and unfreezes nothing; the outer
    one unfreezes on exit."""
    with quiet_gc():
        outer = gc.get_freeze_count()
        made_between = [[] for _ in range(1000)]
        with quiet_gc():
            assert gc.get_freeze_count() == outer > 0
            assert gc.get_threshold()[0] >= GC_GEN0_THRESHOLD
        assert gc.get_freeze_count() == outer
        del made_between
    assert gc.get_freeze_count() == 0


def test_quiet_gc_collect_frees_the_blocks_cycles_and_asks_the_freeze_count_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``collect=True`` frees a reference cycle made inside the block when it ends;
    nested blocks never walk the frozen objects again (gc.get_freeze_count)."""
    import weakref

    class Node:
        pass

    asked = []
    real = gc.get_freeze_count
    monkeypatch.setattr(gc, "get_freeze_count", lambda: asked.append(1) or real())
    with quiet_gc(collect=True):
        with quiet_gc(), quiet_gc():
            a, b = Node(), Node()
            a.other, b.other = b, a  # type: ignore[attr-defined]
            ref = weakref.ref(a)
            del a, b
        assert ref() is not None  # a cycle: reference counts alone do not free it
    assert ref() is None
    assert len(asked) == 1
    assert gc.get_freeze_count() == 0


def test_quiet_gc_restores_after_an_error() -> None:
    """An exception inside leaves the collector as it was before."""
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), quiet_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_run_given_calls_and_progress(tmp_path: Path) -> None:
    """run(calls) adds only those calls; progress is told (ended, total), last (n, n);
    each recording is 3 s of 8 kHz samples (maxLength)."""
    sc = _scenario(tmp_path, 3)
    sim = Simulation(sc)
    seen: list[tuple[int, int]] = []
    sim.run([c for c in sc.indexed_calls() if c[0] != 1], progress=lambda a, b: seen.append((a, b)))
    assert [c.index for c in sim.calls] == [0, 2]
    assert seen[-1] == (2, 2) and all(b == 2 and 0 <= a <= 2 for a, b in seen)
    assert len(seen) >= 2  # call 2 starts at 100 s: a simulated-minute tick, then the end
    recs = list(sim.recordings.values())
    assert [r.leg.sid for r in recs] == [c.parent.sid for c in sim.calls]
    assert all(r.status == "completed" and r.assembly.samples.shape == (3 * 8000,) for r in recs)
    assert gc.get_freeze_count() == 0
