"""One shard of a batch: simulated in its own :class:`~recsim.sim.Simulation`, its
outputs written by the one writer (:class:`recsim.outputs.RecordingWriter`), and its
shard file ``.shards/NNNNN.json`` (written last: a shard is done only when all its media
are in place)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from recsim.batch.plan import Shard, shard_calls
from recsim.errors import OutputError
from recsim.outputs import FolderTarget, RecordingWriter, atomic_write
from recsim.rest_steps import simulation
from recsim.scenario import Scenario
from recsim.sim.callbacks import MemorySink

__all__ = ["load_shard", "run_shard"]


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
    scenario, calls = shard_calls(scenario, shard)
    out = Path(out_dir)
    stage = out / ".shards" / f"{shard_id:05d}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        sink = MemorySink()
        sim = simulation(scenario, sink=sink, validate_calls=False)
        writer = RecordingWriter(sim, formats, FolderTarget(stage))
        for i, spec in calls:
            sim.add_call(i, spec)
        sim.env.run()
        rows, events, transcriptions = writer.finish(sink.events)
        for name, _ in writer.media_files:
            os.replace(stage / name, out / "media" / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result = {"shard": shard_id, "fingerprint": fingerprint, "calls": len(calls), "media": writer.media_files,
              "recordings": rows, "events": events, "transcriptions": transcriptions}
    atomic_write(out / ".shards" / f"{shard_id:05d}.json", json.dumps(result).encode())
    return {"shard": shard_id, "calls": len(calls)}


def load_shard(out: Path, k: int, fingerprint: str) -> dict[str, Any]:
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
