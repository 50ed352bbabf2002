"""One shard of a batch: simulated in its own :class:`~recsim.sim.Simulation`, its
outputs written by the one writer (:class:`recsim.outputs.RecordingWriter`) into the
batch's :class:`~recsim.outputs.Target` (a local folder or an object-storage prefix).

A shard ``k`` leaves, in ``.shards/``:

- ``{k:05d}.recordings.frames``, ``{k:05d}.events.frames``, ``{k:05d}.transcriptions.frames``:
  its rows, events and transcriptions encoded as the run files hold them, each item
  framed by a head with its sort key (:mod:`recsim.batch.frames`), each stream sorted
  canonically (the merge orders the heads and copies the bytes);
- ``{k:05d}.recordings.parquet`` and ``{k:05d}.events.parquet`` when the batch writes
  Parquet metadata;
- ``{k:05d}.json``, its manifest, written last: fingerprint, call count, its media with
  sizes and its streams with sizes. A shard is done only when its manifest exists and
  matches (resume), on a local disk and on object storage alike.

Media go to ``media/`` whole: on a local folder staged in ``{k:05d}.staging/`` and
renamed when the shard succeeded; on object storage each object is put whole in place,
and a failing shard deletes the objects it put.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from recsim.batch.frames import TALLIED, frame
from recsim.batch.plan import Shard, shard_calls
from recsim.errors import OutputError
from recsim.outputs import FolderTarget, RecordingWriter, Target, open_target
from recsim.outputs.columns import event_record, recording_record, write_parquet
from recsim.outputs.direct import DirectFolder
from recsim.outputs.writer import encode_event, encode_row, encode_transcription
from recsim.rest_steps import simulation
from recsim.scenario import Scenario
from recsim.sim.callbacks import MemorySink
from recsim.sim.simulation import quiet_gc

__all__ = ["ShardOutput", "load_shard", "run_shard", "shard_name"]

_AGAIN = "; run with --overwrite to start over"
#: The framed streams every shard writes (:mod:`recsim.batch.frames`).
STREAMS = ("recordings.frames", "events.frames", "transcriptions.frames")


@dataclass(frozen=True)
class ShardOutput:
    """Where and what a shard writes (picklable: sent to workers and Dask).

    Attributes
    ----------
    url : str
        The batch's ``--out``: a local folder or an fsspec URL.
    formats : tuple of str
        Media formats; ``()`` writes no media (``--media none``).
    parquet : bool
        Also write the shard's Parquet files.
    storage_options : dict
        Options of the URL's file system.
    words : bool
        Capture each recording's words (their ``words.jsonl`` lines ride in the
        recordings stream; ``--metadata words``).
    """

    url: str
    formats: tuple[str, ...]
    parquet: bool = False
    storage_options: dict[str, Any] = field(default_factory=dict)
    words: bool = False

    def target(self) -> Target:
        """The batch's target (:func:`recsim.outputs.open_target`)."""
        return open_target(self.url, self.storage_options)


def shard_name(k: int, stream: str = "json") -> str:
    """``.shards/{k:05d}.json`` (the manifest) or ``.shards/{k:05d}.{stream}``."""
    return f".shards/{k:05d}.json" if stream == "json" else f".shards/{k:05d}.{stream}"


def _streams(rows: list[dict[str, Any]], events: list[dict[str, Any]],
             trs: list[dict[str, Any]]) -> dict[str, bytes]:
    """The shard's framed streams (:mod:`recsim.batch.frames`): each item encoded as the
    run files hold it (:mod:`recsim.outputs.writer`), a recording's head with the
    fields the merge counts."""
    return {"recordings.frames": b"".join(frame(r["key"], encode_row(r), **{f: r[f] for f in TALLIED}) for r in rows),
            "events.frames": b"".join(frame(e["key"], (encode_event(e),)) for e in events),
            "transcriptions.frames": b"".join(frame(t["key"], (encode_transcription(t),)) for t in trs)}


def _simulate(scenario: Scenario, shard: Shard, target: Target, media_dir: str,
              output: ShardOutput) -> tuple[RecordingWriter, Any, int]:
    """Run the shard's calls, media into ``media_dir``; the writer, sorted rows, calls."""
    scenario, calls = shard_calls(scenario, shard)
    sink = MemorySink()
    sim = simulation(scenario, sink=sink, validate_calls=False)
    media = target.child(media_dir, scratch=target.renames) if output.formats else None
    if isinstance(media, FolderTarget):  # a local staging folder: written beside the simulation
        media = DirectFolder(media.root)
    try:
        writer = RecordingWriter(sim, output.formats, media, words=output.words)
        sim.run(calls)
        rows = writer.finish(sink.events)
    except BaseException:
        if isinstance(media, DirectFolder):
            media.abandon()  # the shard's own error is the one raised
        raise
    if isinstance(media, DirectFolder):
        media.close()  # every media file written (or the first failure raised)
    sim.close()  # nothing reads it now: its calls and streams are freed by reference counts, not the collector
    return writer, rows, len(calls)


def run_shard(scenario: Scenario, shard: Shard, output: ShardOutput, shard_id: int,
              fingerprint: str = "") -> dict[str, Any]:
    """Simulate the calls of ``shard``, write their media, the shard's streams and
    (last) its manifest ``.shards/{shard_id:05d}.json``.

    Returns
    -------
    dict
        ``{"shard": shard_id, "calls": n}``.

    Raises
    ------
    SimulationError
        A call flow of the shard cannot continue (nothing of the shard is kept).
    OutputError
        The target cannot be written.
    """
    with quiet_gc(collect=True):  # the shard's call cycles freed at its end: RSS flat over a worker's shards
        return _write_shard(scenario, shard, output, shard_id, fingerprint)


def _write_shard(scenario: Scenario, shard: Shard, output: ShardOutput, shard_id: int,
                 fingerprint: str) -> dict[str, Any]:
    """:func:`run_shard`'s work (its locals, the simulation among them, are gone when
    it returns, so the collection after it frees them)."""
    target = output.target()
    stage = f".shards/{shard_id:05d}.staging" if target.renames else "media"
    if target.renames:
        target.remove_tree(stage)
        target.makedirs(stage)
    writer: RecordingWriter | None = None
    try:
        writer, (rows, events, trs), n_calls = _simulate(scenario, shard, target, stage, output)
        if target.renames:
            for name, _ in writer.media_files:
                target.move(f"{stage}/{name}", f"media/{name}")
    except BaseException:
        if not target.renames and writer is not None:
            target.remove([f"media/{name}" for name, _ in writer.media_files])
        raise
    finally:
        if target.renames:
            target.remove_tree(stage)
    streams = _streams(rows, events, trs)
    sizes = {}
    for stream, data in streams.items():
        target.write(shard_name(shard_id, stream), data)
        sizes[stream] = len(data)
    if output.parquet:
        write_parquet(target, shard_name(shard_id, "recordings.parquet"), "recordings", map(recording_record, rows))
        write_parquet(target, shard_name(shard_id, "events.parquet"), "events", map(event_record, events))
        sizes.update({s: 0 for s in ("recordings.parquet", "events.parquet")})
    manifest = {"shard": shard_id, "fingerprint": fingerprint, "calls": n_calls, "media": writer.media_files,
                "streams": sizes}
    target.write(shard_name(shard_id), json.dumps(manifest).encode())
    return {"shard": shard_id, "calls": n_calls}


def load_shard(target: Target, k: int, fingerprint: str, media: dict[str, int | None],
               shards: dict[str, int | None]) -> dict[str, Any]:
    """A finished shard's manifest, checked: its fingerprint matches, its streams and
    media exist with the sizes it wrote.

    Parameters
    ----------
    target : Target
        The batch's folder.
    k : int
        The shard.
    fingerprint : str
        What the shard's fingerprint must be.
    media, shards : dict of str to int or None
        ``target.listing("media")`` and ``target.listing(".shards")`` (one listing for
        all shards, not a request per file).

    Raises
    ------
    OutputError
        Corrupt, made by another run or plan, or a stream or media file missing or
        changed.
    """
    where = f"{target.url}/{shard_name(k)}"
    try:
        raw = target.read(shard_name(k))
        if raw is None:
            raise ValueError("missing")
        data = json.loads(raw)
        if not isinstance(data, dict) or not {"fingerprint", "media", "calls", "streams"} <= set(data):
            raise ValueError("missing fields")
    except ValueError as exc:
        raise OutputError(f"{where}: corrupt shard file ({str(exc)[:80]}){_AGAIN}") from None
    if data["fingerprint"] != fingerprint:
        raise OutputError(f"{where}: made by another run or shard plan (its fingerprint differs){_AGAIN}")
    if not set(STREAMS) <= set(data["streams"]):
        raise OutputError(f"{where}: made by another recsim version (its streams are not {', '.join(STREAMS)})"
                          f"{_AGAIN}")
    for stream, size in data["streams"].items():
        got = shards.get(f"{k:05d}.{stream}")
        if got is None or (stream.endswith(".frames") and got != size):
            raise OutputError(f"{target.url}/{shard_name(k, stream)}: missing or changed since shard {k} "
                              f"finished{_AGAIN}")
    for name, size in data["media"]:
        if media.get(name) != size:
            raise OutputError(f"{target.url}/media/{name}: missing or changed since shard {k} finished{_AGAIN}")
    return data
