"""The merge of a batch's shards, streamed: each shard's rows, events and
transcriptions (each stream encoded by its shard as the run files hold them, framed and
sorted canonically: :mod:`recsim.batch.frames`) are merged in canonical order by a
k-way merge of their heads, and their bytes copied as they come
(:func:`recsim.outputs.writer.write_encoded`, :func:`recsim.outputs.columns.merge_parquet`).
The parent parses no row, event or word: it holds one head and two read buffers per
shard, plus one float per completed recording for the duration percentiles of
``summary.json``; its memory does not grow with the calls.
"""

from __future__ import annotations

import contextlib
import heapq
import json
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from recsim.batch.frames import heads, read_frame
from recsim.batch.shard import shard_name
from recsim.outputs import Target
from recsim.outputs.columns import merge_parquet
from recsim.outputs.writer import EncodedRow, write_encoded

__all__ = ["BatchResult", "Tally", "merge", "merge_streams"]


@dataclass
class BatchResult:
    """What a batch produced: counts, durations, absent reasons (also ``summary.json``)."""

    out_dir: Path | str
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


def _keys(target: Target, name: str, k: int) -> Iterator[tuple[list[float], int, int, dict[str, Any]]]:
    """``(key, k, i, head)`` of every item ``i`` of shard ``k``'s framed stream ``name``
    (its parts skipped; ``(key, k, i)`` is unique, so a head is never compared)."""
    with target.open_read(name) as f:
        for i, head in enumerate(heads(f)):
            yield head["key"], k, i, head


def merge_streams(target: Target, n_shards: int, stream: str) -> Iterator[tuple[dict[str, Any], list[bytes]]]:
    """The items of every shard's framed ``stream`` (``recordings.frames``, ...;
    :mod:`recsim.batch.frames`) in canonical order, as ``(head, parts)``: a k-way merge
    of the shards' heads decides which shard's next item comes next, and that item's
    bytes are read only then, never parsed (its head is parsed once, by the merge).
    Memory holds one head and two read buffers per shard; ties keep shard order, as a stable sort of all would."""
    names = [shard_name(k, stream) for k in range(n_shards)]
    order = heapq.merge(*(_keys(target, name, k) for k, name in enumerate(names)))
    readers: dict[int, IO[bytes]] = {}
    try:
        for _, k, _, head in order:
            if k not in readers:
                readers[k] = target.open_read(names[k])
            yield read_frame(readers[k], head)
    finally:
        for f in readers.values():
            f.close()


class Tally:
    """Counts and durations of the merged rows, kept as they stream past."""

    def __init__(self) -> None:
        self.n = 0
        self.counters: dict[str, Counter[Any]] = {k: Counter() for k in ("source", "status", "channels", "absent")}
        self.durations = array("d")

    def count(self, items: Iterable[tuple[dict[str, Any], list[bytes]]]) -> Iterator[EncodedRow]:
        """Count each merged recording by its head; pass its encoded parts on."""
        c = self.counters
        for r, parts in items:
            self.n += 1
            c["source"][r["source"]] += 1
            c["status"][r["status"]] += 1
            c["channels"][r["channels"]] += 1
            if r["status"] == "absent":
                c["absent"][r["error_code"]] += 1
            elif r["status"] == "completed":
                self.durations.append(r["duration_s"])
            yield parts[0], parts[1], parts[2]

    def result(self, out: str, n_calls: int, run: int, skipped: int) -> BatchResult:
        """The :class:`BatchResult` of what was counted."""
        d = np.frombuffer(self.durations, dtype=np.float64) if self.durations else np.zeros(1)
        c = self.counters
        return BatchResult(
            out_dir=Path(out) if "://" not in out else out, calls=n_calls, recordings=self.n,
            by_source=dict(sorted(c["source"].items())), by_status=dict(sorted(c["status"].items())),
            by_channels={str(k): v for k, v in sorted(c["channels"].items())},
            absent_by_code={str(k): v for k, v in sorted(c["absent"].items())},
            duration_s={"min": float(d.min()), "p50": float(np.percentile(d, 50)),
                        "p90": float(np.percentile(d, 90)), "max": float(d.max()), "mean": float(d.mean())},
            recorded_audio_s=float(d.sum()), shards_run=run, shards_skipped=skipped)


def _raise_open_files(n: int) -> None:
    """Let this process hold ``n`` more open files (two per shard), when the OS allows."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = n + 256
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard),
                                                        hard))


def merge(target: Target, manifests: list[dict[str, Any]], skipped: int, metadata: tuple[str, ...]) -> BatchResult:
    """Merge the finished shards of ``target`` into its run files and ``summary.json``.

    Parameters
    ----------
    target : Target
        The batch folder; shard ``k``'s streams are ``.shards/{k:05d}.*``.
    manifests : list of dict
        Each shard's checked manifest (:func:`~recsim.batch.shard.load_shard`), in order.
    skipped : int
        Shards resumed rather than run.
    metadata : tuple of {"json", "parquet", "words"}
        Which run files to write (``summary.json`` always).

    Returns
    -------
    BatchResult

    Raises
    ------
    OutputError
        A file cannot be read or written.
    """
    n = len(manifests)
    _raise_open_files(2 * n)
    tally = Tally()
    write_encoded(target, tally.count(merge_streams(target, n, "recordings.frames")),
                  (parts[0] for _, parts in merge_streams(target, n, "events.frames")),
                  (parts[0] for _, parts in merge_streams(target, n, "transcriptions.frames")),
                  json_files="json" in metadata, words="words" in metadata)  # counts the rows even when neither
    if "parquet" in metadata:
        for table in ("recordings", "events"):
            merge_parquet(target, [shard_name(k, f"{table}.parquet") for k in range(n)], f"{table}.parquet", table)
    summary = tally.result(target.url, sum(m["calls"] for m in manifests), n - skipped, skipped)
    target.write("summary.json", (json.dumps(summary.to_json(), indent=2) + "\n").encode())
    return summary
