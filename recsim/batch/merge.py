"""The merge of a batch's shards: rows, events and transcriptions of every shard, each
stream sorted canonically by its shard, merged in canonical order; and the summary."""

from __future__ import annotations

import heapq
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim.batch.shard import load_shard
from recsim.outputs import atomic_write, write_run_files

__all__ = ["BatchResult", "merge", "merge_sorted"]


@dataclass
class BatchResult:
    """What a batch produced: counts, durations, absent reasons (also ``summary.json``)."""

    out_dir: Path
    calls: int
    recordings: int
    by_source: dict[str, int]
    by_status: dict[str, int]
    by_channels: dict[str, int]
    absent_by_code: dict[str, int]
    duration_s: dict[str, float]
    recorded_audio_s: float
    shards_run: int
    shards_skipped: int

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON."""
        d = dict(self.__dict__)
        d["out_dir"] = str(self.out_dir)
        return d


def merge_sorted(streams: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One canonically ordered list from per-shard lists, each sorted by ``key``
    (a k-way merge; ties keep shard order, as a stable sort of all would)."""
    return list(heapq.merge(*streams, key=lambda item: item["key"]))


def merge(out: Path, fingerprints: list[str], skipped: int) -> BatchResult:
    """Merge the finished shards of ``out`` into its run files and ``summary.json``.

    Parameters
    ----------
    out : Path
        The batch folder; shard ``k`` is ``.shards/{k:05d}.json``.
    fingerprints : list of str
        Each shard's fingerprint (checked again with its media).
    skipped : int
        Shards resumed rather than run.

    Returns
    -------
    BatchResult

    Raises
    ------
    OutputError
        A shard file is corrupt, of another run, or lost media; a file cannot be written.
    """
    shards = [load_shard(out, k, fp) for k, fp in enumerate(fingerprints)]
    rows = merge_sorted([d["recordings"] for d in shards])
    events = merge_sorted([d["events"] for d in shards])
    transcriptions = merge_sorted([d.get("transcriptions", []) for d in shards])
    write_run_files(out, rows, events, transcriptions)
    summary = _summary(out, rows, sum(d["calls"] for d in shards), len(fingerprints) - skipped, skipped)
    atomic_write(out / "summary.json", (json.dumps(summary.to_json(), indent=2) + "\n").encode())
    return summary


def _summary(out: Path, recs: list[dict[str, Any]], n_calls: int, run: int, skipped: int) -> BatchResult:
    """Counts and durations of the merged rows."""
    durations = np.array([r["duration_s"] for r in recs if r["status"] == "completed"] or [0.0])
    return BatchResult(
        out_dir=out,
        calls=n_calls,
        recordings=len(recs),
        by_source=dict(sorted(Counter(r["source"] for r in recs).items())),
        by_status=dict(sorted(Counter(r["status"] for r in recs).items())),
        by_channels={str(k): v for k, v in sorted(Counter(r["channels"] for r in recs).items())},
        absent_by_code={str(k): v for k, v in sorted(Counter(r["error_code"] for r in recs
                                                             if r["status"] == "absent").items())},
        duration_s={"min": float(durations.min()), "p50": float(np.percentile(durations, 50)),
                    "p90": float(np.percentile(durations, 90)), "max": float(durations.max()),
                    "mean": float(durations.mean())},
        recorded_audio_s=float(durations.sum()),
        shards_run=run,
        shards_skipped=skipped,
    )
