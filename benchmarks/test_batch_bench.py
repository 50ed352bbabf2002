"""Batch benchmark (group batch): examples/traffic.yaml, 10,000 one-minute calls of the
mix, WAV output on 1 and 2 worker processes and MP3 on 2; x real time (simulated call
seconds / wall seconds), the 2-worker speed-up, and peak RSS of the parent and of the
largest worker. Goals: >= 10,000x real time with 2 workers, >= 1.7x the 1-worker rate,
MP3 >= 3,000x with 2 workers, memory a few hundred MB.

Run alone (it writes ~14 GB of media per configuration and removes it):
``python -m pytest benchmarks/test_batch_bench.py --benchmark-enable --benchmark-json=PATH -s``;
the results go into the benchmark's ``extra_info`` in PATH (``python benchmarks/report.py
PATH`` prints them), never into the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
N_CALLS = int(os.environ.get("RECSIM_BENCH_CALLS", "10000"))
SCRIPT = """
import json, resource, sys, time, yaml
from recsim import scenario_from_dict
from recsim.batch import run_batch
d = yaml.safe_load(open(sys.argv[1])); d["traffic"]["calls"] = int(sys.argv[2])
sc = scenario_from_dict(d, base_dir=sys.argv[1].rsplit("/", 1)[0], expand=False)
t = time.perf_counter()
r = run_batch(sc, sys.argv[3], workers=int(sys.argv[4]), formats=tuple(sys.argv[5].split(",")))
wall = time.perf_counter() - t
print(json.dumps({"wall_s": wall, "recordings": r.recordings, "recorded_audio_s": r.recorded_audio_s,
                  "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _run(workers: int, fmt: str, out: Path) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "examples" / "traffic.yaml"), str(N_CALLS),
                        str(out), str(workers), fmt], capture_output=True, text=True, check=True)
    shutil.rmtree(out, ignore_errors=True)
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["x_real_time"] = N_CALLS * 60.0 / res["wall_s"]
    return res


@pytest.mark.benchmark(group="batch")
def test_batch_10000_minute_calls(benchmark: Any, tmp_path: Path) -> None:
    results: dict[str, Any] = {}

    def all_runs() -> None:
        results["wav_1"] = _run(1, "wav", tmp_path / "w1")
        results["wav_2"] = _run(2, "wav", tmp_path / "w2")
        results["mp3_2"] = _run(2, "mp3", tmp_path / "m2")

    benchmark.pedantic(all_runs, rounds=1, iterations=1)
    results["calls"] = N_CALLS
    results["speedup_2_over_1"] = results["wav_2"]["x_real_time"] / results["wav_1"]["x_real_time"]
    benchmark.extra_info.update(results)
    assert results["wav_1"]["recordings"] == results["wav_2"]["recordings"]
