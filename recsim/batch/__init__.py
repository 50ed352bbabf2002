"""Batches: a scenario's calls in shards, on worker processes or a Dask cluster.

A shard is a set of whole call groups (a call, or every call of one conference) run in
its own :class:`~recsim.sim.Simulation`; a call's SIDs and samples depend only on the
seed and its index, so any split gives the same outputs. Each finished shard writes its
media, its sorted streams and last its manifest ``.shards/NNNNN.json``
(:mod:`recsim.batch.shard`); a batch run again on the same output skips finished shards
(resume). The output is a local folder or an object-storage prefix (``s3://``, any
fsspec URL), written by the workers directly. The outputs are merged in a canonical
order by a streaming k-way merge (:mod:`recsim.batch.merge`): recordings by (start time,
call index, creation order), events by (time, call index, order within the call), so 1
process, N processes and a Dask cluster give byte-identical ``recordings.json``,
``events.jsonl``, Parquet files and media.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from recsim import runfolder
from recsim.batch.execute import Todo, execute
from recsim.batch.merge import BatchResult, merge
from recsim.batch.plan import Shard, plan_shards, shard_fingerprint
from recsim.batch.shard import ShardOutput, load_shard, run_shard, shard_name
from recsim.errors import ScenarioError
from recsim.outputs import METADATA, Target, is_url, validate_formats, validate_metadata
from recsim.outputs.lock import output_lock
from recsim.scenario import Scenario
from recsim.sim.checks import check_scenario

__all__ = ["METADATA", "BatchResult", "Shard", "ShardOutput", "plan_shards", "run_batch", "run_shard"]

def run_batch(scenario: Scenario, out_dir: str | Path, *, workers: int = 1, formats: Iterable[str] = ("wav",),
              shard_calls: int = 200, dask_address: str | None = None, dask_client: Any = None,
              progress: Callable[[int, int], None] | None = None, overwrite: bool = False, media: bool = True,
              metadata: Iterable[str] = ("json",), storage_options: dict[str, Any] | None = None) -> BatchResult:
    """Run every call of ``scenario`` in shards and merge the outputs in ``out_dir``.

    Parameters
    ----------
    scenario : Scenario
        Validated (for example a traffic scenario of thousands of calls).
    out_dir : str or Path
        A local folder or an fsspec URL (``s3://bucket/prefix``, ``gs://``, ``abfs://``,
        ``memory://``, ``file://``; ``recsim[s3]``): run files, media/, summary.json,
        ``.shards/``. New, empty or holding this same run (:mod:`recsim.runfolder`): a
        second run skips finished shards (resume) after checking them.
    workers, shard_calls : int
        Worker processes on this machine (1: in this process); calls per shard (memory
        is bounded by a shard's calls in flight). Each at least 1.
    formats : iterable of {"wav", "mp3"}
    dask_address, dask_client, progress
        Run the shards on a Dask cluster (``recsim[dask]``); ``progress(done, total)``.
    overwrite : bool
        Replace the outputs of another run in ``out_dir`` (only files recsim wrote).
    media : bool
        False (``--media none``): recordings are still assembled (trim and durations need
        the samples) but no media file is written.
    metadata : iterable of {"json", "parquet", "words"}
        Any of: JSON run files, Parquet (``recsim[parquet]``), ``words.jsonl`` (only
        then are words captured): :data:`recsim.outputs.METADATA`.
    storage_options : dict, optional
        Options of the URL's fsspec file system (an S3 ``endpoint_url``, ...).

    Raises
    ------
    ScenarioError
        Invalid formats, metadata, counts below 1, TwiML or audio.
    OutputError
        The folder holds another run or foreign files, or another run writes there; a
        finished shard is corrupt, of another run, or lost media; it cannot be written.
    ClusterError, MissingExtraError
        No Dask scheduler answers; ``recsim[s3]`` / ``recsim[parquet]`` is missing.
    SimulationError
        A call flow cannot continue: what this batch wrote is removed (on Ctrl-C,
        finished shards are kept for resume).
    """
    fmts = validate_formats(formats) if media else ()
    meta = validate_metadata(metadata)
    _check_counts(workers=workers, shard_calls=shard_calls)
    check_scenario(scenario)  # apps, TwiML, audio, Dial targets, Play URLs, loops: before anything is written
    identity = runfolder.identity_of(scenario, fmts, {"shard_calls": shard_calls}, meta)
    with output_lock(out_dir):  # from before the folder is read until its manifest says complete
        created, out, output = _claim(out_dir, identity, overwrite, ShardOutput(
            str(out_dir), fmts, "parquet" in meta, dict(storage_options or {}), words="words" in meta))
        manifests, fps, before, todo = _plan(scenario, out, output, shard_calls, identity.fingerprint)
        _undone_on_failure(out, before, created, lambda: execute(
            scenario, todo, len(manifests), workers=workers, dask_address=dask_address, dask_client=dask_client,
            progress=progress))
        return _merge(out, manifests, fps, len(todo), meta, identity)


def _merge(out: Target, manifests: list[dict[str, Any] | None], fps: list[str], ran: int,
           meta: tuple[str, ...], identity: runfolder.RunIdentity) -> BatchResult:
    """Check the shards that just ran (their manifests, streams, media), merge all, then
    write the manifest of the finished run."""
    media_now, shards_now = out.listing("media"), out.listing(".shards")
    checked = [m if m is not None else load_shard(out, k, fps[k], media_now, shards_now)
               for k, m in enumerate(manifests)]
    result = merge(out, checked, len(checked) - ran, meta)
    runfolder.write_manifest(out, identity, complete=True)
    return result


def _claim(out_dir: str | Path, identity: runfolder.RunIdentity, overwrite: bool,
           output: ShardOutput) -> tuple[bool, Target, ShardOutput]:
    """Claim the batch's folder (:func:`recsim.runfolder.claim`; a new run's manifest
    says incomplete): whether it was created, its target, and what shards write."""
    created = is_url(out_dir) or not Path(out_dir).exists()
    out, same = runfolder.claim(out_dir, identity, overwrite=overwrite, storage_options=output.storage_options)
    if not same:
        runfolder.write_manifest(out, identity, complete=False)
    if not is_url(out_dir):
        output = dataclasses.replace(output, url=out.url)
    return created, out, output


def _undone_on_failure(out: Target, before: set[str], created: bool, body: Callable[[], None]) -> None:
    """Run ``body``; on Ctrl-C keep finished shards (remove temporary files only), on any
    other failure remove what this batch wrote (:func:`_undo`)."""
    try:
        body()
    except KeyboardInterrupt:
        runfolder.clean_leftovers(out)
        raise
    except BaseException:
        _undo(out, before, created=created)
        raise


def _check_counts(**counts: Any) -> None:
    """Raise ScenarioError for a count that is not an integer >= 1."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScenarioError(f"{name}: {value!r} is not allowed; expected an integer >= 1")


def _plan(scenario: Scenario, out: Target, output: ShardOutput, shard_calls: int,
          fingerprint: str) -> tuple[list[dict[str, Any] | None], list[str], set[str], list[Todo]]:
    """Each shard's manifest when finished (checked, else OutputError) or None, each
    shard's fingerprint, the shard manifests already there, and the shards left to run."""
    out.makedirs("media")
    out.makedirs(".shards")
    shards = plan_shards(scenario, shard_calls)
    media, listed = out.listing("media"), out.listing(".shards")
    before = {n for n in listed if n.endswith(".json")}
    manifests: list[dict[str, Any] | None] = []
    todo: list[Todo] = []
    fps = [shard_fingerprint(fingerprint, shard) for shard in shards]
    for k, (shard, fp) in enumerate(zip(shards, fps, strict=True)):
        if shard_name(k).split("/")[-1] in before:
            manifests.append(load_shard(out, k, fp, media, listed))
        else:
            manifests.append(None)
            todo.append((shard, output, k, fp))
    return manifests, fps, before, todo


def _undo(out: Target, before: set[str], *, created: bool) -> None:
    """Remove what a failed batch wrote: shard files that were not there ``before``,
    their streams and media, temporary files; the whole output when it held nothing."""
    for name in out.listing(".shards"):
        if not name.endswith(".json") or name in before:
            continue
        try:
            media = json.loads(out.read(f".shards/{name}") or b"{}").get("media", [])
            out.remove([f"media/{m}" for m, _ in media])
        except (ValueError, OSError):
            pass
        stem = name[:-len(".json")]
        out.remove([f".shards/{n}" for n in out.listing(".shards") if n == name or n.startswith(stem + ".")])
    runfolder.clean_leftovers(out)
    if not before:
        runfolder.remove_outputs(out)
        if created and not out.listing():
            out.remove_tree("")
