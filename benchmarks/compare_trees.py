"""Compare two source trees of recsim on the issue-12 benchmarks, in the same run.

    python benchmarks/compare_trees.py --before /tmp/before --after . --results /tmp/compare.json

Two measurements, each taken in a fresh subprocess whose ``PYTHONPATH`` is the tree
(checked: the subprocess reports the ``recsim`` it imported), alternating the trees
round by round (before, after, after, before, ...) so that drift of a shared machine
falls on both:

- sim: 1,000 one-minute calls of the default mix (``benchmarks/mix.py`` next to this
  script, the same scenario for both trees), WAV output to a temporary folder, as
  ``test_sim_bench.py`` runs them: one warm-up run in the process (numba cache, lazy
  imports, caches), then ``--sim-repeat`` timed runs, the fastest kept.
- batch: ``examples/traffic.yaml`` of each tree, 10,000 calls, WAV, 2 worker processes,
  as ``test_batch_bench.py`` runs it (wall time of ``run_batch``; media removed after).

Prints the median over the rounds per tree and the ratio after / before (goal: at most
1.05), and writes every number to ``--results PATH`` (JSON). Each tree's numba cache
is warmed by one untimed run of a few calls first.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOAL = 1.05

SIM = """
import json, sys, time
sys.path.insert(0, sys.argv[1])  # benchmarks/ of the comparing tree: mix.py
import recsim
from mix import minute_mix
from recsim import run
calls, repeat, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
scenario = minute_mix(calls)
walls = []
for i in range(repeat + 1):
    t = time.perf_counter()
    res = run(scenario, out_dir=f"{out}/{i}", formats=("wav",), keep_samples=False)
    walls.append(time.perf_counter() - t)
    assert len(res.recordings) == calls
print(json.dumps({"recsim": recsim.__file__, "walls_s": walls[1:], "warmup_s": walls[0]}))
"""

BATCH = """
import json, sys, time, yaml
import recsim
from recsim import scenario_from_dict
from recsim.batch import run_batch
path, calls, out, workers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
d = yaml.safe_load(open(path)); d["traffic"]["calls"] = calls
sc = scenario_from_dict(d, base_dir=path.rsplit("/", 1)[0], expand=False)
t = time.perf_counter()
r = run_batch(sc, out, workers=workers, formats=("wav",))
wall = time.perf_counter() - t
print(json.dumps({"recsim": recsim.__file__, "wall_s": wall, "recordings": r.recordings}))
"""


def _python(tree: Path, code: str, args: list[str], scratch: Path) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter that imports recsim from ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    # cwd is a scratch folder: `python -c` puts the cwd first on sys.path.
    p = subprocess.run([sys.executable, "-c", code, *args], cwd=scratch, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{tree}: benchmark failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    res: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    if not Path(res["recsim"]).resolve().is_relative_to(tree):
        raise SystemExit(f"{tree}: the subprocess imported recsim from {res['recsim']}, not from the tree")
    return res


def _sim(tree: Path, calls: int, repeat: int, scratch: Path) -> float:
    out = scratch / "sim-out"
    try:
        res = _python(tree, SIM, [str(HERE), str(calls), str(repeat), str(out)], scratch)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return float(min(res["walls_s"] or [res["warmup_s"]]))


def _batch(tree: Path, calls: int, workers: int, scratch: Path) -> float:
    out = scratch / "batch-out"
    try:
        traffic = tree / "examples" / "traffic.yaml"
        res = _python(tree, BATCH, [str(traffic), str(calls), str(out), str(workers)], scratch)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return float(res["wall_s"])


def _alternate(trees: dict[str, Path], rounds: int, measure: Any, label: str) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in trees}
    for r in range(rounds):
        order = list(trees) if r % 2 == 0 else list(reversed(trees))
        for name in order:
            t = measure(trees[name])
            times[name].append(t)
            print(f"  {label} round {r + 1}/{rounds} {name}: {t:.2f} s", flush=True)
    return times


def _summary(times: dict[str, list[float]]) -> dict[str, Any]:
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratio = med["after"] / med["before"]
    return {"times_s": times, "median_s": med, "ratio_after_over_before": ratio, "within_goal": ratio <= GOAL}


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, run both benchmarks for both trees, print and save."""
    ap = argparse.ArgumentParser(description="Benchmark two recsim trees against each other, alternating.")
    ap.add_argument("--before", type=Path, required=True, help="the tree from before the change")
    ap.add_argument("--after", type=Path, required=True, help="the tree after the change")
    ap.add_argument("--results", type=Path, required=True, help="JSON file to write the numbers to")
    ap.add_argument("--rounds", type=int, default=5, help="sim rounds per tree (default 5)")
    ap.add_argument("--sim-calls", type=int, default=1000)
    ap.add_argument("--sim-repeat", type=int, default=2, help="timed sim runs per process, fastest kept")
    ap.add_argument("--batch-rounds", type=int, default=3, help="batch rounds per tree (default 3; 0 skips)")
    ap.add_argument("--batch-calls", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    out: dict[str, Any] = {"trees": {k: str(v) for k, v in trees.items()}, "goal_ratio": GOAL, "args": {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory(prefix="recsim-compare-") as tmp:
        scratch = Path(tmp)
        for name, tree in trees.items():  # compile each tree's numba kernels into its cache, untimed
            print(f"warming {name} ({tree})", flush=True)
            _sim(tree, 8, 0, scratch)
        print(f"sim: {args.sim_calls} calls, {args.rounds} rounds", flush=True)
        sim = _alternate(trees, args.rounds, lambda t: _sim(t, args.sim_calls, args.sim_repeat, scratch), "sim")
        out["sim"] = _summary(sim)
        if args.batch_rounds > 0:
            print(f"batch: {args.batch_calls} calls, WAV, {args.workers} workers, {args.batch_rounds} rounds",
                  flush=True)
            batch = _alternate(trees, args.batch_rounds,
                               lambda t: _batch(t, args.batch_calls, args.workers, scratch), "batch")
            out["batch"] = _summary(batch)
    args.results.write_text(json.dumps(out, indent=2) + "\n")
    for key in ("sim", "batch"):
        if key in out:
            s = out[key]
            print(f"{key}: before {s['median_s']['before']:.2f} s, after {s['median_s']['after']:.2f} s (medians), "
                  f"after/before = {s['ratio_after_over_before']:.3f} "
                  f"({'within' if s['within_goal'] else 'NOT within'} {GOAL:.2f})")
    print(f"numbers in {args.results}")


if __name__ == "__main__":
    main()
