"""Simulator benchmark: 1,000 one-minute calls of the default mix with WAV output.

Reports x real time (simulated call seconds / wall seconds) and the share of wall time
spent in the audio core (assembly, trim, timeout scan, WAV encoding and writing) versus
SimPy and the control logic. Goal: >= 5,000x real time on one core.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from mix import minute_mix

import recsim.runner as runner_mod
import recsim.sim.record_verb as record_verb
import recsim.sim.simulation as simulation
from recsim import run

N_CALLS = 1000


@pytest.mark.benchmark(group="sim")
def test_sim_1000_minute_calls(benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    scenario = minute_mix(N_CALLS)
    audio_time = [0.0]

    def timed(fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                audio_time[0] += time.perf_counter() - t
        return wrapper

    monkeypatch.setattr(simulation, "assemble", timed(simulation.assemble))
    monkeypatch.setattr(record_verb, "find_record_end", timed(record_verb.find_record_end))
    monkeypatch.setattr(runner_mod, "encode_wav", timed(runner_mod.encode_wav))
    monkeypatch.setattr(runner_mod, "_atomic_write", timed(runner_mod._atomic_write))
    results = {}

    def once() -> None:
        audio_time[0] = 0.0
        t = time.perf_counter()
        res = run(scenario, out_dir=tmp_path / "out", formats=("wav",), keep_samples=False)
        wall = time.perf_counter() - t
        results["wall"] = wall
        results["recordings"] = len(res.recordings)
        results["audio_s"] = sum(r.untrimmed_s for r in res.recordings)
        results["audio_core_share"] = audio_time[0] / wall

    benchmark.pedantic(once, rounds=3, iterations=1, warmup_rounds=1)
    wall = benchmark.stats.stats.min
    simulated = N_CALLS * 60.0
    summary = {
        "calls": N_CALLS,
        "simulated_call_s": simulated,
        "recorded_audio_s": results["audio_s"],
        "wall_s_min": wall,
        "x_real_time": simulated / wall,
        "audio_core_share": results["audio_core_share"],
        "simpy_and_control_share": 1 - results["audio_core_share"],
        "recordings": results["recordings"],
    }
    (Path(__file__).parent / "sim_results.json").write_text(json.dumps(summary, indent=2) + "\n")
    assert results["recordings"] == N_CALLS
