"""Traffic scenarios and batches: determinism across 1 process, 2 processes and a Dask
LocalCluster; resume after an interruption; the summary; bounded memory."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsim import ScenarioError, scenario_from_dict
from recsim.batch import plan_shards, run_batch
from recsim.batch.plan import unit_ranges

MIX = [{"template": "voicemail", "weight": 4}, {"template": "dual_dial", "weight": 3},
       {"template": "payment_pause", "weight": 2}, {"template": "outbound_record", "weight": 1},
       {"template": "conference", "weight": 1, "participants": 3}]


def _traffic(n: int, seed: int = 3, expand: bool = True, **kw: Any) -> Any:
    tr = {"calls": n, "arrivals": {"process": "poisson", "rate_per_s": 2.0},
          "call_seconds": {"dist": "uniform", "low": 15, "high": 30}, "mix": MIX, **kw}
    return scenario_from_dict({"seed": seed, "traffic": tr}, expand=expand)


def _digest(d: Path) -> dict[str, str]:
    out = {}
    for root, _, files in os.walk(d):
        if ".shards" in root:
            continue
        for f in files:
            if f not in ("summary.json", "recsim-run.json"):  # the manifest names the shard plan
                p = Path(root) / f
                out[str(p.relative_to(d))] = hashlib.md5(p.read_bytes()).hexdigest()
    return out


def test_traffic_expands_deterministically_per_index() -> None:
    """Unit i's calls depend only on the seed and i: the first 30 units of a 60-unit
    scenario are the 30 units of a 30-unit one."""
    a, b = _traffic(30), _traffic(60)
    n = len(a.calls)
    assert a.calls == b.calls[:n]
    assert {c.from_ for c in a.calls if c.direction == "inbound"} <= set(a.parties)
    kinds = {("Conference" in (c.twiml or "")) for c in b.calls}
    assert kinds == {True, False}


def test_traffic_errors_name_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"mix\.0\.template"):
        scenario_from_dict({"traffic": {"calls": 3, "mix": [{"template": "fax"}]}})


def test_conference_calls_share_a_shard() -> None:
    sc = _traffic(40)
    rooms_of = [{m for i in shard.calls for m in re.findall(r">(room-\d+)<", sc.calls[i].twiml or "")}
                for shard in plan_shards(sc, shard_calls=5)]
    assert sum(len(r) for r in rooms_of) == len(set().union(*rooms_of)) > 0


def test_same_bytes_on_one_two_processes_and_dask(tmp_path: Path) -> None:
    sc = _traffic(40)
    r1 = run_batch(sc, tmp_path / "one", workers=1, shard_calls=10)
    run_batch(sc, tmp_path / "two", workers=2, shard_calls=7)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        run_batch(sc, tmp_path / "dask", dask_client=client, shard_calls=12)
    one = _digest(tmp_path / "one")
    assert one == _digest(tmp_path / "two") == _digest(tmp_path / "dask")
    assert len([k for k in one if k.startswith("media")]) == r1.by_status.get("completed", 0)
    events = [json.loads(x) for x in (tmp_path / "one" / "events.jsonl").read_text().splitlines()]
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)


@given(st.integers(0, 5000), st.integers(1, 400))
def test_unit_ranges_cover_every_unit_once_in_order_with_a_tail_of_quarter_shards(n: int, size: int) -> None:
    ranges = unit_ranges(n, size)
    assert [u for lo, hi in ranges for u in range(lo, hi)] == list(range(n))
    assert all(0 < hi - lo <= size for lo, hi in ranges)
    small = max(1, size // 4)
    tail = [r for r in ranges if r[0] >= max(0, n - 2 * size)]
    assert all(hi - lo <= small for lo, hi in tail) and sum(hi - lo for lo, hi in tail) == min(n, 2 * size)
    assert len(ranges) - len(tail) == -(-max(0, n - 2 * size) // size)  # the rest: full shards (the last may be short)


def test_resume_skips_finished_shards_and_gives_the_same_outputs(tmp_path: Path) -> None:
    sc = _traffic(30)
    full = run_batch(sc, tmp_path / "full", shard_calls=8)
    shards = plan_shards(sc, 8)
    part = tmp_path / "part"

    def interrupt(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt  # "interrupted" after one shard

    with pytest.raises(KeyboardInterrupt):
        run_batch(sc, part, shard_calls=8, progress=interrupt)
    (part / "media" / "leftover.wav.123.part").write_bytes(b"half")  # a half-written file of a crash
    resumed = run_batch(sc, part, shard_calls=8)
    assert (resumed.shards_skipped, resumed.shards_run) == (1, len(shards) - 1)
    assert not list(part.rglob("*.part"))  # the resume removed the crash's leftovers
    assert _digest(part) == _digest(tmp_path / "full")
    assert resumed.by_source == full.by_source


def test_summary_counts(tmp_path: Path) -> None:
    res = run_batch(_traffic(25), tmp_path, shard_calls=10)
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["recordings"] == res.recordings == sum(res.by_source.values()) == sum(res.by_status.values())
    assert res.duration_s["min"] <= res.duration_s["p50"] <= res.duration_s["p90"] <= res.duration_s["max"]
    assert res.recorded_audio_s > 0
    shutil.rmtree(tmp_path / "media")


def test_unexpanded_traffic_is_expanded_by_each_shard(tmp_path: Path) -> None:
    """A traffic scenario kept unexpanded (what `recsim run` does for batches): the
    parent holds no calls, the shards expand their units, and 1 process, 2 processes and
    shard sizes give the same bytes."""
    lazy = _traffic(30, expand=False)
    assert lazy.calls == [] and lazy.traffic is not None
    a = run_batch(lazy, tmp_path / "a", shard_calls=7)
    b = run_batch(lazy, tmp_path / "b", workers=2, shard_calls=11)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    eager = run_batch(_traffic(30), tmp_path / "eager", shard_calls=100)
    assert a.recordings == b.recordings == eager.recordings and a.calls == eager.calls
    assert a.by_source == eager.by_source


def test_memory_does_not_grow_with_the_batch(tmp_path: Path) -> None:
    """Peak RSS of a batch of 160 units is within 60 MB of a batch of 40 units (same
    shard size): memory is bounded by the calls in flight, not by the batch."""
    import subprocess
    import sys

    script = (
        "import resource, sys\n"
        "from recsim import scenario_from_dict\n"
        "from recsim.batch import run_batch\n"
        "mix = [{'template': 'voicemail'}, {'template': 'dual_dial'}, {'template': 'conference'}]\n"
        "sc = scenario_from_dict({'seed': 5, 'traffic': {'calls': int(sys.argv[1]), 'mix': mix,\n"
        "    'call_seconds': {'dist': 'fixed', 'value': 40}}}, expand=False)\n"
        "run_batch(sc, sys.argv[2], shard_calls=20)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n")
    peaks = []
    for n in (40, 160):
        out = subprocess.run([sys.executable, "-c", script, str(n), str(tmp_path / str(n))], capture_output=True,
                             text=True, check=True).stdout
        peaks.append(float(out.strip().splitlines()[-1]))
    assert peaks[1] - peaks[0] < 60, peaks


@pytest.mark.parametrize("metadata", [("json",), ("json", "words")])
def test_run_and_batch_give_the_same_outputs(tmp_path: Path, metadata: tuple[str, ...]) -> None:
    """`recsim run` (one simulation) and a batch in shards write the same
    recordings.json, events.jsonl, timelines.jsonl, media and (asked for) words.jsonl."""
    from recsim import run

    sc = _traffic(12)
    run(sc, out_dir=tmp_path / "run", metadata=metadata)
    run_batch(sc, tmp_path / "batch", workers=2, shard_calls=4, metadata=metadata)
    assert _digest(tmp_path / "run") == _digest(tmp_path / "batch")
    assert (tmp_path / "batch" / "words.jsonl").exists() == ("words" in metadata)
    if "words" in metadata:
        assert (tmp_path / "batch" / "words.jsonl").stat().st_size > 10_000


def test_traffic_run_in_one_simulation_equals_the_lazy_batch(tmp_path: Path) -> None:
    """The same traffic, expanded and run in one simulation, or left unexpanded and run
    in shards: the same files (a unit's calls carry their own seed index)."""
    from recsim import run

    run(_traffic(10), out_dir=tmp_path / "run")
    run_batch(_traffic(10, expand=False), tmp_path / "lazy", shard_calls=3)
    assert _digest(tmp_path / "run") == _digest(tmp_path / "lazy")
