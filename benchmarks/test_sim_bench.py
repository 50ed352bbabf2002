"""Simulator benchmark: 1,000 one-minute calls of the default mix with WAV output.

Reports x real time (simulated call seconds / wall seconds) and the share of wall time
spent in the audio core (assembly, trim, timeout scan, WAV encoding and writing) versus
SimPy and the control logic. Goal: >= 5,000x real time on one core.

The summary goes into the benchmark's ``extra_info``, so into the file given by
``--benchmark-json=PATH`` (``python benchmarks/report.py PATH`` prints it); nothing is
written into the repository.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import pytest
from mix import minute_mix

from recsim import run
from recsim.scenario.network import ScenarioNetwork

N_CALLS = 1000
#: Where the audio core is called from ("module:name"), before and after the issue-12
#: redesign; those present in this tree are timed.
AUDIO_CORE = (
    "recsim.sim.simulation:assemble",
    "recsim.sim.recorder:assemble",
    "recsim.sim.record_verb:find_record_end",
    "recsim.runner:encode_wav",
    "recsim.runner:_atomic_write",
    "recsim.outputs.media:encode_wav",
    "recsim.outputs.target:atomic_write",
)


def _instrument(monkeypatch: pytest.MonkeyPatch, wrap: Any) -> list[str]:
    """Wrap every function of AUDIO_CORE that exists in this tree; return their names."""
    done = []
    for target in AUDIO_CORE:
        module, name = target.split(":")
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, name):
            monkeypatch.setattr(mod, name, wrap(getattr(mod, name)))
            done.append(target)
    return done


def _measure(benchmark, scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Run ``scenario`` (1,000 one-minute calls) 3 rounds; return the summary."""
    audio_time = [0.0]

    def timed(fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                audio_time[0] += time.perf_counter() - t
        return wrapper

    instrumented = _instrument(monkeypatch, timed)
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
        "audio_core_timed": instrumented,
    }
    benchmark.extra_info.update(summary)
    assert results["recordings"] == N_CALLS
    return summary


@pytest.mark.benchmark(group="sim")
def test_sim_1000_minute_calls(benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _measure(benchmark, minute_mix(N_CALLS), tmp_path, monkeypatch)


#: Issue 13: the clean network (no codec, no ringback) beside PCMU on every leg with 3 %
#: Gilbert-Elliott loss (mean burst 3 packets) and G.711 Appendix I concealment.
NETWORKS = {
    "clean": {"codecs": False, "ringback": False},
    "pcmu_bursty_loss_3pct_plc": {"codecs": True, "ringback": True, "loss_rate": 0.03, "mean_burst_packets": 3.0,
                                  "concealment": "g711-plc"},
}


@pytest.mark.benchmark(group="sim-network")
@pytest.mark.parametrize("network", list(NETWORKS))
def test_sim_1000_minute_calls_network(benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                       network: str) -> None:
    scenario = minute_mix(N_CALLS).model_copy(update={"network": ScenarioNetwork(**NETWORKS[network])})
    summary = _measure(benchmark, scenario, tmp_path, monkeypatch)
    benchmark.extra_info["network"] = network
    assert summary["recordings"] == N_CALLS
