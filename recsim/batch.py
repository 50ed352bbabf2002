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

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import signal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim import runfolder
from recsim.errors import ClusterError, OutputError, ScenarioError
from recsim.outputs import FolderTarget, RecordingWriter, atomic_write, validate_formats, write_run_files
from recsim.scenario import CallSpec, PartySpec, Scenario
from recsim.sim.callbacks import MemorySink
from recsim.sim.checks import check_scenario
from recsim.sim.simulation import Simulation
from recsim.traffic import expand_units, talker_bank, unit_starts
from recsim.twiml import Dial, Record, Redirect, parse_twiml

__all__ = ["BatchResult", "Shard", "plan_shards", "run_batch", "run_shard"]


def _rooms(scenario: Scenario, call: Any, index: int) -> Iterator[str]:
    """The conference room names every TwiML document a call can reach names: its
    first document (inline TwiML or its ``url`` in ``apps``), then every ``apps`` URL
    reached by ``<Redirect>`` or an ``action`` of ``<Record>`` / ``<Dial>``, parsed with
    the TwiML parser (never a regular expression)."""
    first = f"https://recsim.local/calls/{index}/twiml" if call.twiml is not None else call.url
    todo, seen = [(first, call.twiml if call.twiml is not None else scenario.apps.get(call.url or ""))], set()
    while todo:
        url, text = todo.pop()
        if url in seen or not text:
            continue
        seen.add(url)
        doc = parse_twiml(text, url=url, max_call_duration=scenario.account.max_call_duration_s)
        for verb in doc.verbs:
            if isinstance(verb, Dial) and verb.conference is not None:
                yield verb.conference.name
            nxt = verb.url if isinstance(verb, Redirect) else getattr(verb, "action", None) \
                if isinstance(verb, Record | Dial) else None
            if nxt is not None and nxt in scenario.apps:
                todo.append((nxt, scenario.apps[nxt]))


def _groups(scenario: Scenario) -> list[list[int]]:
    """Call indices grouped so that the calls of one conference stay together (every
    document a call can reach counts, :func:`_rooms`)."""
    parent = list(range(len(scenario.calls)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, c in enumerate(scenario.calls):
        for room in _rooms(scenario, c, i):
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
        n = unit_starts(scenario.traffic, scenario.seed).shape[0]
        shards += [Shard(units=(lo, min(n, lo + shard_calls))) for lo in range(0, n, shard_calls)]
    return shards


def _shard_calls(scenario: Scenario, shard: Shard) -> tuple[Scenario, list[tuple[int, Any]]]:
    """The shard's scenario (with its units' parties) and its ``(index, CallSpec)``."""
    listed = scenario.indexed_calls()
    calls = [listed[i] for i in shard.calls]
    if shard.units[1] > shard.units[0]:
        assert scenario.traffic is not None
        starts = unit_starts(scenario.traffic, scenario.seed)
        unit_calls, parties = expand_units(scenario.traffic, scenario.seed, range(*shard.units), starts)
        calls += [(i, CallSpec.model_validate(c)) for i, c in unit_calls]
        merged = {**scenario.parties, **{k: PartySpec.model_validate(v) for k, v in parties.items()}}
        scenario = scenario.model_copy(update={"parties": merged})
    return scenario, calls


def _shard_fingerprint(run_fingerprint: str, shard: Shard) -> str:
    return hashlib.sha256(json.dumps([run_fingerprint, asdict(shard)], sort_keys=True).encode()).hexdigest()


def run_shard(scenario: Scenario, shard: Shard, out_dir: str | Path, formats: tuple[str, ...],
              shard_id: int, fingerprint: str = "") -> dict[str, Any]:
    """Simulate the calls of ``shard`` and write their media; write (and return a
    summary of) ``.shards/{shard_id:05d}.json``: its fingerprint, media files with
    sizes, recordings, events and transcriptions with sort keys.

    The shard's media are staged in ``.shards/{shard_id:05d}.staging/`` and moved into
    ``media/`` only when the shard succeeded; the shard file is written last, so a shard
    counts as done only when all its media are in place.

    Raises
    ------
    SimulationError
        A call flow of the shard cannot continue (nothing of the shard is kept).
    OutputError
        The folder cannot be written.
    """
    scenario, shard_calls = _shard_calls(scenario, shard)
    out = Path(out_dir)
    stage = out / ".shards" / f"{shard_id:05d}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        sink = MemorySink()
        sim = Simulation(scenario, sink=sink, validate_calls=False)
        writer = RecordingWriter(sim, formats, FolderTarget(stage))
        for i, spec in shard_calls:
            sim.add_call(i, spec)
        sim.env.run()
        rows, events, transcriptions = writer.finish(sink.events)
        for name, _ in writer.media_files:
            os.replace(stage / name, out / "media" / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result = {"shard": shard_id, "fingerprint": fingerprint, "calls": len(shard_calls), "media": writer.media_files,
              "recordings": rows, "events": events, "transcriptions": transcriptions}
    atomic_write(out / ".shards" / f"{shard_id:05d}.json", json.dumps(result).encode())
    return {"shard": shard_id, "calls": len(shard_calls)}


def _load_shard(out: Path, k: int, fingerprint: str) -> dict[str, Any]:
    """A finished shard's file, checked: its fingerprint matches and its media exist
    with the sizes it wrote.

    Raises
    ------
    OutputError
        Corrupt, made by another run or plan, or a media file missing or changed.
    """
    path = out / ".shards" / f"{k:05d}.json"
    again = "; run with --overwrite to start over"
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or not {"fingerprint", "media", "recordings", "events"} <= set(data):
            raise ValueError("missing fields")
    except (ValueError, OSError) as exc:
        raise OutputError(f"{path}: corrupt shard file ({str(exc)[:80]}){again}") from None
    if data["fingerprint"] != fingerprint:
        raise OutputError(f"{path}: made by another run or shard plan (its fingerprint differs){again}")
    for name, size in data["media"]:
        media = out / "media" / name
        if not media.is_file() or media.stat().st_size != size:
            raise OutputError(f"{media}: missing or changed since shard {k} finished{again}")
    return data


_SCENARIO: Scenario | None = None  # inherited by forked workers


def _run_global(args: tuple[Shard, str, tuple[str, ...], int, str]) -> dict[str, Any]:
    assert _SCENARIO is not None
    return run_shard(_SCENARIO, *args)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    overwrite: bool = False,
) -> BatchResult:
    """Run every call of ``scenario`` in shards and merge the outputs in ``out_dir``.

    Parameters
    ----------
    scenario : Scenario
        Validated (for example a traffic scenario of thousands of calls).
    out_dir : str or Path
        recordings.json, events.jsonl, timelines.jsonl, transcriptions.json, media/,
        summary.json and ``recsim-run.json``; ``.shards/`` holds finished shards. The
        folder must be new, empty or hold this same run (:mod:`recsim.runfolder`); a
        second run of the same batch skips the finished shards (resume) after checking
        each one's fingerprint and media.
    workers : int
        Worker processes on this machine (1: in this process); at least 1.
    formats : iterable of {"wav", "mp3"}
        Media formats.
    shard_calls : int
        Calls per shard (memory is bounded by a shard's calls in flight); at least 1.
    dask_address, dask_client
        Run the shards on a Dask cluster (``dask.distributed``) instead.
    progress : callable, optional
        ``progress(shards_done, shards_total)``.
    overwrite : bool
        Replace the outputs of another run in ``out_dir`` (only files recsim wrote).

    Returns
    -------
    BatchResult

    Raises
    ------
    ScenarioError
        Invalid formats, ``workers`` or ``shard_calls`` below 1, invalid TwiML or audio.
    OutputError
        The folder holds another run or foreign files, a finished shard is corrupt, of
        another run, or lost media; the folder cannot be written.
    ClusterError
        The Dask scheduler cannot be reached.
    SimulationError
        A call flow cannot continue: what this batch wrote is removed.
    KeyboardInterrupt
        Workers are stopped and temporary files removed; finished shards are kept (run
        again to resume).
    """
    fmts = validate_formats(formats)
    for name, value in (("workers", workers), ("shard_calls", shard_calls)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScenarioError(f"{name}: {value!r} is not allowed; expected an integer >= 1")
    check_scenario(scenario)  # apps, TwiML, audio, Dial targets, Play URLs, loops: before anything is written
    identity = runfolder.identity_of(scenario, fmts, {"shard_calls": shard_calls})
    created = not Path(out_dir).exists()
    out, same = runfolder.claim(out_dir, identity, overwrite=overwrite)
    if not same:
        runfolder.write_manifest(out, identity, complete=False)
    (out / "media").mkdir(exist_ok=True)
    (out / ".shards").mkdir(exist_ok=True)
    shards = plan_shards(scenario, shard_calls)
    fps = [_shard_fingerprint(identity.fingerprint, sh) for sh in shards]
    before = {p.name for p in (out / ".shards").glob("*.json")}
    todo = []
    for k, shard in enumerate(shards):
        if f"{k:05d}.json" in before:
            _load_shard(out, k, fps[k])
        else:
            todo.append((shard, str(out), fmts, k, fps[k]))
    try:
        _execute(scenario, todo, len(shards), workers=workers, dask_address=dask_address, dask_client=dask_client,
                 progress=progress)
    except KeyboardInterrupt:
        runfolder.clean_leftovers(out)
        raise
    except BaseException:
        _undo(out, before, created=created)
        raise
    result = _merge(out, fps, len(shards) - len(todo))
    runfolder.write_manifest(out, identity, complete=True)
    return result


def _execute(scenario: Scenario, todo: list[tuple[Shard, str, tuple[str, ...], int, str]], n_shards: int, *,
             workers: int, dask_address: str | None, dask_client: Any,
             progress: Callable[[int, int], None] | None) -> None:
    """Run the shards of ``todo`` in this process, on worker processes or on Dask."""
    global _SCENARIO
    done = n_shards - len(todo)
    if progress:
        progress(done, n_shards)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, n_shards)

    if dask_address is not None or dask_client is not None:
        _on_dask(scenario, todo, dask_address, dask_client, tick)
    elif workers > 1 and len(todo) > 1:
        _SCENARIO = scenario
        talker_bank(scenario.seed)  # once, before forking
        pool = mp.get_context("fork").Pool(workers, initializer=_ignore_sigint)
        try:
            for _ in pool.imap_unordered(_run_global, todo):
                tick()
            pool.close()
        finally:
            pool.terminate()
            pool.join()
            _SCENARIO = None
    else:
        for t in todo:
            run_shard(scenario, *t)
            tick()


def _on_dask(scenario: Scenario, todo: list[Any], address: str | None, client: Any, tick: Callable[[], None]) -> None:
    from distributed import Client, as_completed

    if client is None:
        try:
            client = Client(address, timeout=5)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--dask {address}: no Dask scheduler answers there ({str(exc)[:120]}); start one "
                               "with `dask scheduler` or check the address") from None
    remote = client.scatter(scenario, broadcast=True)
    futures = [client.submit(run_shard, remote, *t, pure=False) for t in todo]
    try:
        for _ in as_completed(futures):
            tick()
        client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise


def _undo(out: Path, before: set[str], *, created: bool) -> None:
    """Remove what a failed batch wrote: shard files that were not there ``before``,
    their media, temporary files; the whole output when the folder held nothing."""
    shard_dir = out / ".shards"
    for p in shard_dir.glob("*.json"):
        if p.name in before:
            continue
        try:
            for name, _ in json.loads(p.read_bytes()).get("media", []):
                (out / "media" / name).unlink(missing_ok=True)
        except (ValueError, OSError):
            pass
        p.unlink(missing_ok=True)
    runfolder.clean_leftovers(out)
    if not before:
        runfolder.remove_outputs(out)
        if created and not any(out.iterdir()):
            out.rmdir()


def _merge(out: Path, fingerprints: list[str], skipped: int) -> BatchResult:
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    transcriptions: list[dict[str, Any]] = []
    n_calls = 0
    for k, fp in enumerate(fingerprints):
        data = _load_shard(out, k, fp)
        rows += data["recordings"]
        events += data["events"]
        transcriptions += data.get("transcriptions", [])
        n_calls += data["calls"]
    rows.sort(key=lambda r: r["key"])
    events.sort(key=lambda e: e["key"])
    transcriptions.sort(key=lambda t: t["key"])
    write_run_files(out, rows, events, transcriptions)
    n_shards = len(fingerprints)
    recs = rows
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
    atomic_write(out / "summary.json", (json.dumps(summary.to_json(), indent=2) + "\n").encode())
    return summary
