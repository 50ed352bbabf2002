"""Columnar metadata (issue 14): ``recordings.parquet`` and ``events.parquet`` hold the
rows of ``recordings.json`` / ``events.jsonl`` in the same canonical order with typed
columns, whatever the shard plan; DuckDB runs the README's query on them; ``import
recsim`` loads neither pyarrow nor s3fs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from recsim import scenario_from_dict
from recsim.batch import run_batch
from recsim.errors import ScenarioError

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent


def _traffic(n: int = 10, seed: int = 8) -> Any:
    mix = [{"template": "voicemail", "weight": 2}, {"template": "dual_dial", "weight": 1},
           {"template": "conference", "weight": 1, "participants": 2}, {"template": "payment_pause", "weight": 1}]
    tr = {"calls": n, "arrivals": {"process": "poisson", "rate_per_s": 1.0},
          "call_seconds": {"dist": "uniform", "low": 8, "high": 16}, "mix": mix}
    return scenario_from_dict({"seed": seed, "traffic": tr}, expand=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("parquet")
    run_batch(_traffic(), base / "out", shard_calls=3, workers=2, metadata=("json", "parquet"))
    run_batch(_traffic(), base / "one", shard_calls=100, metadata=("parquet",), media=False)
    return {"out": base / "out", "one": base / "one"}


def test_recordings_parquet_is_recordings_json_in_typed_columns(runs: dict[str, Path]) -> None:
    """Same recordings, same order; sids, statuses, sources, whole and exact durations,
    channels and error codes agree; columns are typed (int, float, not strings)."""
    df = pd.read_parquet(runs["out"] / "recordings.parquet")
    resources = json.loads((runs["out"] / "recordings.json").read_text())
    assert len(df) == len(resources) > 5
    assert list(df["sid"]) == [r["sid"] for r in resources]
    assert list(df["status"]) == [r["status"] for r in resources]
    assert list(df["source"]) == [r["source"] for r in resources]
    assert list(df["channels"]) == [r["channels"] for r in resources]
    assert list(df["duration"]) == [int(r["duration"]) for r in resources]
    exact = [r["recsim_duration_s"] or 0.0 for r in resources]
    assert df["duration_s"].tolist() == pytest.approx(exact, abs=0)
    codes = [r["error_code"] for r in resources]
    assert [None if pd.isna(c) else int(c) for c in df["error_code"]] == codes
    assert {"completed", "absent"} >= set(df["status"]) and "completed" in set(df["status"])
    assert str(df["call_index"].dtype) == "int64" and str(df["duration_s"].dtype) == "float64"
    assert str(df["channels"].dtype) == "int8" and str(df["duration"].dtype) == "int32"
    keys = list(zip(df["start_s"], df["call_index"], df["order"], strict=True))
    assert keys == sorted(keys)


def test_events_parquet_is_events_jsonl_in_typed_columns(runs: dict[str, Path]) -> None:
    """One row per events.jsonl line, in its order: kind, sids, URL, method and every
    request parameter (as strings) agree; time_s rounds to the line's time."""
    import pyarrow.parquet as pq

    df = pd.read_parquet(runs["out"] / "events.parquet")
    lines = [json.loads(x) for x in (runs["out"] / "events.jsonl").read_text().splitlines()]
    assert len(df) == len(lines) > 10
    for row, ev in zip(pq.read_table(runs["out"] / "events.parquet").to_pylist(), lines, strict=True):
        assert (row["kind"], row["url"], row["method"]) == (ev["kind"], ev["url"], ev["method"])
        assert row["call_sid"] == ev.get("call_sid") and row["recording_sid"] == ev.get("recording_sid")
        assert dict(row["parameters"]) == {k: str(v) for k, v in ev["parameters"].items()}
        assert round(row["time_s"], 6) == ev["time"]
    assert str(df["time_s"].dtype) == "float64" and str(df["seq"].dtype) == "int64"


def test_the_parquet_files_do_not_depend_on_the_shard_plan(runs: dict[str, Path]) -> None:
    """3-call shards on 2 processes and one 100-call shard without media: the same
    Parquet bytes (the merge is canonical); --media none wrote no media file and no
    JSON run file (--metadata parquet)."""
    for name in ("recordings.parquet", "events.parquet"):
        assert (runs["out"] / name).read_bytes() == (runs["one"] / name).read_bytes(), name
    assert not list((runs["one"] / "media").iterdir())
    assert not (runs["one"] / "recordings.json").exists()
    summary = json.loads((runs["one"] / "summary.json").read_text())
    assert summary["recordings"] == len(pd.read_parquet(runs["one"] / "recordings.parquet"))


def test_the_readme_duckdb_query_runs_on_a_batch(runs: dict[str, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's DuckDB query of durations by source, as written, on a batch's
    recordings.parquet: one row per source of completed recordings, counts and means
    equal to what recordings.json says."""
    duckdb = pytest.importorskip("duckdb")
    readme = (ROOT / "README.md").read_text()
    query = re.search(r"```sql\n-- recsim: duckdb durations by source\n(.*?)```", readme, re.S)
    assert query, "the README's DuckDB query is missing"
    (tmp_path / "traffic-out").symlink_to(runs["out"])
    monkeypatch.chdir(tmp_path)
    got = duckdb.sql(query.group(1)).fetchall()
    resources = [r for r in json.loads((runs["out"] / "recordings.json").read_text()) if r["status"] == "completed"]
    by_source: dict[str, list[float]] = {}
    for r in resources:
        by_source.setdefault(r["source"], []).append(r["recsim_duration_s"])
    assert [row[0] for row in got] == sorted(by_source)
    for source, n, mean, _p90, billed in got:
        assert n == len(by_source[source])
        assert mean == pytest.approx(sum(by_source[source]) / n, abs=0.0051)  # rounded to 2 places
        assert billed == sum(int(r["duration"]) for r in resources if r["source"] == source)


def test_import_recsim_loads_no_pyarrow_s3fs_or_fsspec() -> None:
    """The extras load when an output needs them, never at ``import recsim``."""
    code = ("import sys, recsim, recsim.batch, recsim.outputs\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 's3fs', 'fsspec', 'duckdb')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_metadata_is_refused_naming_the_allowed_values(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="metadata: 'csv' not allowed; allowed: json, parquet"):
        run_batch(_traffic(2), tmp_path / "o", metadata=("csv",))
    assert not (tmp_path / "o").exists()
