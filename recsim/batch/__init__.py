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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from recsim import runfolder
from recsim.batch.execute import Todo, execute
from recsim.batch.merge import BatchResult, merge
from recsim.batch.plan import Shard, plan_shards, shard_fingerprint
from recsim.batch.shard import load_shard, run_shard
from recsim.errors import ScenarioError
from recsim.outputs import validate_formats
from recsim.scenario import Scenario
from recsim.sim.checks import check_scenario

__all__ = ["BatchResult", "Shard", "plan_shards", "run_batch", "run_shard"]


def run_batch(scenario: Scenario, out_dir: str | Path, *, workers: int = 1, formats: Iterable[str] = ("wav",),
              shard_calls: int = 200, dask_address: str | None = None, dask_client: Any = None,
              progress: Callable[[int, int], None] | None = None, overwrite: bool = False) -> BatchResult:
    """Run every call of ``scenario`` in shards and merge the outputs in ``out_dir``.

    Parameters
    ----------
    scenario : Scenario
        Validated (for example a traffic scenario of thousands of calls).
    out_dir : str or Path
        The run files, media/, summary.json and ``.shards/`` (finished shards). New, empty
        or holding this same run (:mod:`recsim.runfolder`): a second run skips finished
        shards (resume) after checking their fingerprints and media.
    workers : int
        Worker processes on this machine (1: in this process); at least 1.
    formats : iterable of {"wav", "mp3"}
    shard_calls : int
        Calls per shard (memory is bounded by a shard's calls in flight); at least 1.
    dask_address, dask_client
        Run the shards on a Dask cluster (``recsim[dask]``) instead.
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
        Workers stopped, temporary files removed; finished shards kept (resume).
    """
    fmts = validate_formats(formats)
    _check_counts(workers=workers, shard_calls=shard_calls)
    check_scenario(scenario)  # apps, TwiML, audio, Dial targets, Play URLs, loops: before anything is written
    identity = runfolder.identity_of(scenario, fmts, {"shard_calls": shard_calls})
    created = not Path(out_dir).exists()
    out, same = runfolder.claim(out_dir, identity, overwrite=overwrite)
    if not same:
        runfolder.write_manifest(out, identity, complete=False)
    fps, before, todo = _plan(scenario, out, fmts, shard_calls, identity.fingerprint)
    _undone_on_failure(out, before, created, lambda: execute(
        scenario, todo, len(fps), workers=workers, dask_address=dask_address, dask_client=dask_client,
        progress=progress))
    result = merge(out, fps, len(fps) - len(todo))
    runfolder.write_manifest(out, identity, complete=True)
    return result


def _undone_on_failure(out: Path, before: set[str], created: bool, body: Callable[[], None]) -> None:
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


def _plan(scenario: Scenario, out: Path, fmts: tuple[str, ...], shard_calls: int,
          fingerprint: str) -> tuple[list[str], set[str], list[Todo]]:
    """The shard fingerprints, the shard files already there (each checked, else
    OutputError), and the shards left to run."""
    (out / "media").mkdir(exist_ok=True)
    (out / ".shards").mkdir(exist_ok=True)
    shards = plan_shards(scenario, shard_calls)
    fps = [shard_fingerprint(fingerprint, sh) for sh in shards]
    before = {p.name for p in (out / ".shards").glob("*.json")}
    todo: list[Todo] = []
    for k, shard in enumerate(shards):
        if f"{k:05d}.json" in before:
            load_shard(out, k, fps[k])
        else:
            todo.append((shard, str(out), fmts, k, fps[k]))
    return fps, before, todo


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
