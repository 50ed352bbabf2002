"""Batches: a scenario's calls in shards, on worker processes or a Dask cluster.

A shard is a set of whole call groups (a call, or every call of one conference) run in
its own :class:`~recsim.sim.Simulation`; a call's SIDs and samples depend only on the
seed and its index, so any split gives the same outputs. Each finished shard writes its
media (temporary name, then rename) and a shard file ``.shards/NNNNN.json``; a batch run
again on the same folder skips finished shards (resume). The outputs are merged in a
canonical order: recordings by (start time, call index, creation order), events by
(time, call index, order within the call), so 1 process, N processes and a Dask cluster
give byte-identical ``recordings.json``, ``events.jsonl`` and media.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim.api import recording_json
from recsim.audio import SAMPLE_RATE
from recsim.runner import _atomic_write, canonical_keys, with_callbacks, write_media
from recsim.scenario import Scenario
from recsim.sim.callbacks import MemorySink
from recsim.sim.recording import Recording, timeline
from recsim.sim.simulation import Simulation

__all__ = ["BatchResult", "Shard", "plan_shards", "run_batch", "run_shard"]

_CONF = re.compile(r"<Conference[^>]*>([^<]+)</Conference>")


def _groups(scenario: Scenario) -> list[list[int]]:
    """Call indices grouped so that the calls of one conference stay together."""
    parent = list(range(len(scenario.calls)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, c in enumerate(scenario.calls):
        text = c.twiml if c.twiml is not None else scenario.apps.get(c.url or "", "")
        for room in _CONF.findall(text):
            room = room.strip()
            if room in first:
                parent[find(i)] = find(first[room])
            else:
                first[room] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(scenario.calls)):
        groups[find(i)].append(i)
    return sorted(groups.values())


@dataclass(frozen=True)
class Shard:
    """Listed calls (their indices) and a range of traffic units, run together."""

    calls: tuple[int, ...] = ()
    units: tuple[int, int] = (0, 0)


def plan_shards(scenario: Scenario, shard_calls: int = 200) -> list[Shard]:
    """Shards of about ``shard_calls`` listed calls (whole conference groups each, in
    call order), then of ``shard_calls`` traffic units (expanded by the shard itself)."""
    shards: list[Shard] = []
    current: list[int] = []
    for g in _groups(scenario):
        current += g
        if len(current) >= shard_calls:
            shards.append(Shard(calls=tuple(sorted(current))))
            current = []
    if current:
        shards.append(Shard(calls=tuple(sorted(current))))
    if scenario.traffic is not None:
        from recsim.traffic import unit_starts

        n = unit_starts(scenario.traffic, scenario.seed).shape[0]
        shards += [Shard(units=(lo, min(n, lo + shard_calls))) for lo in range(0, n, shard_calls)]
    return shards


def _shard_calls(scenario: Scenario, shard: Shard) -> tuple[Scenario, list[tuple[int, Any]]]:
    """The shard's scenario (with its units' parties) and its ``(index, CallSpec)``."""
    calls = [(c.index if c.index is not None else i, c) for i, c in ((i, scenario.calls[i]) for i in shard.calls)]
    if shard.units[1] > shard.units[0]:
        from recsim.scenario import CallSpec, PartySpec
        from recsim.traffic import expand_units, unit_starts

        assert scenario.traffic is not None
        starts = unit_starts(scenario.traffic, scenario.seed)
        unit_calls, parties = expand_units(scenario.traffic, scenario.seed, range(*shard.units), starts)
        calls += [(i, CallSpec.model_validate(c)) for i, c in unit_calls]
        merged = {**scenario.parties, **{k: PartySpec.model_validate(v) for k, v in parties.items()}}
        scenario = scenario.model_copy(update={"parties": merged})
    return scenario, calls


def run_shard(scenario: Scenario, shard: Shard, out_dir: str | Path, formats: tuple[str, ...],
              shard_id: int) -> dict[str, Any]:
    """Simulate the calls of ``shard`` and write their media; returns (and writes as
    ``.shards/{shard_id:05d}.json``) their recordings and events with sort keys."""
    scenario, shard_calls = _shard_calls(scenario, shard)
    out = Path(out_dir)
    media = out / "media"
    media.mkdir(parents=True, exist_ok=True)
    sink = MemorySink()
    sim = Simulation(scenario, sink=sink, validate_calls=False)
    recs: list[dict[str, Any]] = []

    def complete(rec: Recording) -> None:
        a = rec.assembly
        assert a is not None
        if rec.status == "completed":
            write_media(media, rec, formats)
        recs.append({"resource": recording_json(rec, account_sid=sim.account_sid, epoch=sim.epoch),
                     "source": rec.options.source, "status": rec.status, "channels": rec.options.n_channels,
                     "duration_s": a.samples.shape[0] / SAMPLE_RATE if rec.status == "completed" else 0.0,
                     "error_code": rec.error_code, "start": rec.start, "sid": rec.sid, "timeline": timeline(rec)})
        a.drop()

    sim.on_complete = complete
    for i, spec in shard_calls:
        sim.add_call(i, spec)
    sim.env.run()
    event_keys, rec_keys = canonical_keys(sim, sink.events)
    events = [{"key": k, "event": e.to_json()} for k, e in zip(event_keys, sink.events, strict=True)]
    for row in recs:
        row["timeline"] = with_callbacks(row["timeline"], sink.events)
        row["key"] = rec_keys[row["sid"]]
    result = {"shard": shard_id, "calls": len(shard_calls), "recordings": recs, "events": events}
    shard_dir = out / ".shards"
    shard_dir.mkdir(exist_ok=True)
    _atomic_write(shard_dir / f"{shard_id:05d}.json", json.dumps(result).encode())
    return {"shard": shard_id, "calls": len(shard_calls)}


_SCENARIO: Scenario | None = None  # inherited by forked workers


def _run_global(args: tuple[Shard, str, tuple[str, ...], int]) -> dict[str, Any]:
    assert _SCENARIO is not None
    return run_shard(_SCENARIO, *args)


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


def run_batch(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    workers: int = 1,
    formats: Iterable[str] = ("wav",),
    shard_calls: int = 200,
    dask_address: str | None = None,
    dask_client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Run every call of ``scenario`` in shards and merge the outputs in ``out_dir``.

    Parameters
    ----------
    scenario : Scenario
        Validated (for example a traffic scenario of thousands of calls).
    out_dir : str or Path
        recordings.json, events.jsonl, media/, summary.json; ``.shards/`` holds finished
        shards (a second run skips them: resume).
    workers : int
        Worker processes on this machine (1: in this process).
    formats : iterable of {"wav", "mp3"}
        Media formats.
    shard_calls : int
        Calls per shard (memory is bounded by a shard's calls in flight).
    dask_address, dask_client
        Run the shards on a Dask cluster (``dask.distributed``) instead.
    progress : callable, optional
        ``progress(shards_done, shards_total)``.

    Returns
    -------
    BatchResult
    """
    global _SCENARIO
    out = Path(out_dir)
    (out / "media").mkdir(parents=True, exist_ok=True)
    (out / ".shards").mkdir(exist_ok=True)
    fmts = tuple(formats)
    shards = plan_shards(scenario, shard_calls)
    todo = [(shard, str(out), fmts, k) for k, shard in enumerate(shards)
            if not (out / ".shards" / f"{k:05d}.json").is_file()]
    done = len(shards) - len(todo)
    if progress:
        progress(done, len(shards))
    if dask_address is not None or dask_client is not None:
        from distributed import Client, as_completed

        client = dask_client or Client(dask_address)
        remote = client.scatter(scenario, broadcast=True)
        futures = [client.submit(run_shard, remote, *t, pure=False) for t in todo]
        for _ in as_completed(futures):
            done += 1
            if progress:
                progress(done, len(shards))
        client.gather(futures)
    elif workers > 1 and len(todo) > 1:
        _SCENARIO = scenario
        from recsim.traffic import talker_bank

        talker_bank(scenario.seed)  # once, before forking
        with mp.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_run_global, todo):
                done += 1
                if progress:
                    progress(done, len(shards))
        _SCENARIO = None
    else:
        for t in todo:
            run_shard(scenario, *t)
            done += 1
            if progress:
                progress(done, len(shards))
    return _merge(out, len(shards), len(shards) - len(todo))


def _merge(out: Path, n_shards: int, skipped: int) -> BatchResult:
    recs: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    n_calls = 0
    for k in range(n_shards):
        data = json.loads((out / ".shards" / f"{k:05d}.json").read_bytes())
        recs += data["recordings"]
        events += data["events"]
        n_calls += data["calls"]
    recs.sort(key=lambda r: r["key"])
    events.sort(key=lambda e: e["key"])
    _atomic_write(out / "recordings.json", (json.dumps([r["resource"] for r in recs], indent=2) + "\n").encode())
    _atomic_write(out / "events.jsonl", "".join(json.dumps(e["event"]) + "\n" for e in events).encode())
    _atomic_write(out / "timelines.jsonl", "".join(json.dumps(r["timeline"]) + "\n" for r in recs).encode())
    durations = np.array([r["duration_s"] for r in recs if r["status"] == "completed"] or [0.0])
    summary = BatchResult(
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
        shards_run=n_shards - skipped,
        shards_skipped=skipped,
    )
    _atomic_write(out / "summary.json", (json.dumps(summary.to_json(), indent=2) + "\n").encode())
    return summary
