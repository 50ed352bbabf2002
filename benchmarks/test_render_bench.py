"""Issue 14 (RENDER helper): rendering and per-call setup over one 200-call shard.

The shard is the first of ``examples/traffic.yaml`` at 200 calls, the unit the batch
profile was taken on. Each benchmark runs the way of before issue 14 and the way of now
in the same process, alternated, and reports the CPU time of this process
(``time.process_time``), minimum over the rounds, with the load average:

- ``assemble``: the shard's recordings measured for trim-silence. Before: every
  recording rendered whole (each stream into its own array, composed, concatenated),
  then :func:`~recsim.audio.silence_bounds`; now: :func:`recsim.sim.assembly._edges`
  reads frame-aligned chunks from each edge (same bounds, asserted).
- ``coding``: the G.711 copy of every talker clip the shard places. Before: one
  :func:`~recsim.audio.g711_roundtrip` per clip; now: :func:`recsim.sim.media.coded`,
  a slice of the voice's coded copy (same samples, asserted).
- ``talk``: the shard's 200 traffic units expanded. Before: every spurt, offset and
  pause drawn by its own ``rng.uniform``; now: one call on array bounds (same units,
  asserted).
- ``gc``: the whole shard (``--media none``) with Python's collector as it was, and
  inside :func:`recsim.sim.simulation.quiet_gc` as :meth:`Simulation.run` runs it now.

Numbers in ``extra_info`` (``--benchmark-json=PATH``) and benchmarks/README.md, "Issue 14".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import recsim.sim.simulation as simulation_module
from recsim import scenario_from_dict
from recsim.audio import compose, g711_roundtrip, silence_bounds
from recsim.batch.plan import plan_shards, shard_calls
from recsim.batch.shard import ShardOutput, run_shard
from recsim.rest_steps import simulation
from recsim.scenario import traffic as T
from recsim.sim import assembly as A
from recsim.sim import media
from recsim.sim.recording import Recording
from recsim.traffic import talker_bank
from recsim.values import SegmentKind, Track

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
N_CALLS = 200
ROUNDS = 3


def _scenario() -> Any:
    data = yaml.safe_load((EXAMPLES / "traffic.yaml").read_text())
    data["traffic"]["calls"] = N_CALLS
    return scenario_from_dict(data, base_dir=EXAMPLES, expand=False)


def _alternate(variants: dict[str, Callable[[], Any]]) -> tuple[dict[str, float], dict[str, Any]]:
    """Warm each variant, then ROUNDS rounds of all; min CPU per variant and results."""
    out: dict[str, Any] = {name: fn() for name, fn in variants.items()}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, fn in variants.items():
            t = time.process_time()
            out[name] = fn()
            cpu[name].append(time.process_time() - t)
    return {name: min(v) for name, v in cpu.items()}, out


def _report(benchmark: Any, name: str, cpu: dict[str, float], load: float, **extra: Any) -> None:
    summary = {f"{name}_{k}_cpu_s": v for k, v in cpu.items()}
    summary.update({f"{name}_speedup": cpu["before"] / cpu["now"], "load_before_after": (load, os.getloadavg()[0]),
                    **extra})
    benchmark.extra_info.update(summary)
    print(summary)


def _recordings() -> list[Recording]:
    sc = _scenario()
    s2, calls = shard_calls(sc, plan_shards(sc, N_CALLS)[0])
    sim = simulation(s2, validate_calls=False)
    sim.run(calls)
    return [r for r in sim.recordings.values() if r.assembly is not None and r.stopped_at is not None]


def _whole_before(rec: Recording, acc: A._Collected) -> np.ndarray:
    """The untrimmed samples as before issue 14: each part rendered per stream, composed
    for track both, then concatenated."""
    nch = 2 if rec.options.track is Track.BOTH else 1
    parts = []
    for _, length, p0 in acc.parts:
        if p0 is None:
            parts.append(np.zeros((length,) if nch == 1 else (length, 2), dtype=np.int16))
        elif rec.options.track is Track.INBOUND:
            parts.append(rec.leg.inbound.render(p0, p0 + length))
        elif rec.options.track is Track.OUTBOUND:
            parts.append(rec.leg.outbound.render(p0, p0 + length))
        else:
            parts.append(compose(rec.leg.inbound.render(p0, p0 + length), rec.leg.outbound.render(p0, p0 + length)))
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def test_assemble_edges_vs_whole(benchmark: Any) -> None:
    recs = _recordings()
    thr, frame_s = -50.0, 0.01
    colls = [(r, A._collect(r, sorted((media.to_sample(a), media.to_sample(b)) for a, b in r.leg.no_media)))
             for r in recs if all(k != SegmentKind.PAUSED_SILENCE for k, _, _ in r.segments)]
    load = os.getloadavg()[0]

    def before() -> list[tuple[int, int]]:
        return [silence_bounds(_whole_before(r, c), threshold_dbfs=thr, frame_s=frame_s) for r, c in colls]

    def now() -> list[tuple[int, int]]:
        nch = {id(r): 2 if r.options.track is Track.BOTH else 1 for r, _ in colls}
        return [A._edges(lambda lo, hi, r=r, c=c: A._span(r, c.parts, lo, hi, nch[id(r)]), c.n, thr, frame_s, True)
                for r, c in colls]

    cpu: dict[str, float] = {}
    out: dict[str, Any] = {}
    benchmark.pedantic(lambda: [d.update(x) for d, x in zip((cpu, out), _alternate({"before": before, "now": now}),
                                                            strict=True)], rounds=1, iterations=1)
    assert out["before"] == out["now"] and len(colls) > 100
    _report(benchmark, "assemble", cpu, load, recordings=len(colls))


def test_talker_clip_coding(benchmark: Any) -> None:
    sc = _scenario()
    s2, _ = shard_calls(sc, plan_shards(sc, N_CALLS)[0])
    bank = talker_bank(sc.seed)
    clips = [bank[c.talker.voice][round(c.talker.offset_s * 8000):][: round(c.talker.seconds * 8000)]
             for p in s2.parties.values() for c in p.audio if c.talker is not None]
    load = os.getloadavg()[0]
    cpu, out = {}, {}
    benchmark.pedantic(lambda: [d.update(x) for d, x in zip((cpu, out), _alternate({
        "before": lambda: [g711_roundtrip(c, "PCMU") for c in clips],
        "now": lambda: [media.coded(c, "PCMU") for c in clips]}), strict=True)], rounds=1, iterations=1)
    assert all(np.array_equal(a, b) for a, b in zip(out["before"], out["now"], strict=True))
    _report(benchmark, "coding", cpu, load, clips=len(clips))


def test_talk_expansion(benchmark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = _scenario()
    tr = sc.traffic
    starts = T.unit_starts(tr, sc.seed)
    load = os.getloadavg()[0]

    def expand(bulk: int) -> Any:
        monkeypatch.setattr(T, "_BULK", bulk)
        return T.expand_units(tr, sc.seed, range(N_CALLS), starts)

    cpu, out = {}, {}
    benchmark.pedantic(lambda: [d.update(x) for d, x in zip((cpu, out), _alternate({
        "before": lambda: expand(0), "now": lambda: expand(400)}), strict=True)], rounds=1, iterations=1)
    assert out["before"] == out["now"]
    _report(benchmark, "talk", cpu, load, units=N_CALLS)


def test_shard_gc(benchmark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = _scenario()
    shard = plan_shards(sc, N_CALLS)[0]
    real = simulation_module.quiet_gc
    load = os.getloadavg()[0]

    def shard_run(gc_tuned: bool) -> int:
        monkeypatch.setattr(simulation_module, "quiet_gc", real if gc_tuned else contextlib.nullcontext)
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        (out / "media").mkdir(parents=True)
        return int(run_shard(sc, shard, ShardOutput(str(out), ()), 0)["calls"])

    cpu, out = {}, {}
    benchmark.pedantic(lambda: [d.update(x) for d, x in zip((cpu, out), _alternate({
        "before": lambda: shard_run(False), "now": lambda: shard_run(True)}), strict=True)], rounds=1, iterations=1)
    assert out["before"] == out["now"] >= N_CALLS  # a conference unit is several calls
    _report(benchmark, "gc", cpu, load, units=N_CALLS, calls=out["now"])
