"""The one output pipeline: media formats, atomic writes, and the files of a run.

Every file recsim writes (``recsim run``, batch shards, the emulator's store) appears
whole: it is written under a temporary name ending in ``.part`` in the same folder and
renamed (``os.replace``), so a reader never sees half a file and an interrupted run
leaves at most ``*.part`` files, which the next run of the same folder removes.

Media formats (spec 002, "Fetch a Recording media file"): ``wav`` (8 kHz 16-bit PCM,
128 kbps per channel) and ``mp3`` (32 kbps CBR). :func:`validate_formats` is the one
check of a format list, used by runs, batches and the emulator.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recsim.audio import SAMPLE_RATE, encode_mp3, encode_wav
from recsim.errors import OutputError, ScenarioError
from recsim.sim.recording import timeline

if TYPE_CHECKING:
    from recsim.sim.callbacks import Event
    from recsim.sim.recording import Recording
    from recsim.sim.simulation import Simulation

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "PART_SUFFIX",
    "atomic_write",
    "canonical_keys",
    "encode",
    "finish_rows",
    "recording_row",
    "validate_formats",
    "with_callbacks",
    "write_media",
    "write_run_files",
]

#: Media formats recsim writes, in the order it writes them.
FORMATS = ("wav", "mp3")
#: Media type of each format, as the platform serves it (002).
MEDIA_TYPES = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}
#: Suffix of a file being written (removed by the next run of the folder).
PART_SUFFIX = ".part"


def validate_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The media formats of a run, checked once for runs, batches and the emulator.

    Parameters
    ----------
    formats : iterable of str, or str
        ``("wav",)``, ``["wav", "mp3"]`` or ``"wav,mp3"``.

    Returns
    -------
    tuple of str
        The formats without repeats, in the order given.

    Raises
    ------
    ScenarioError
        Empty, or a format that is not ``wav`` or ``mp3`` (the message names it and the
        allowed values).
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    fmts = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise ScenarioError(f"formats: {', '.join(map(repr, bad)) or 'none given'} not allowed; "
                            f"allowed: {', '.join(FORMATS)}")
    return fmts


def encode(samples: np.ndarray, fmt: str) -> bytes:
    """Encode a recording's samples as a media file.

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8000 Hz.
    fmt : {"wav", "mp3"}
        WAV 16-bit PCM (128 kbps per channel) or MP3 32 kbps CBR.

    Raises
    ------
    ScenarioError
        ``fmt`` is not a media format.
    InvalidAudioError
        ``samples`` has the wrong dtype or shape.
    """
    if fmt == "wav":
        return encode_wav(np.ascontiguousarray(samples))
    if fmt == "mp3":
        return encode_mp3(np.ascontiguousarray(samples))
    raise ScenarioError(f"format: {fmt!r} not allowed; allowed: {', '.join(FORMATS)}")


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: a ``.part`` file beside it, then a rename.

    Raises
    ------
    OutputError
        The folder is not writable, the disk is full, or ``path`` is a folder; the
        temporary file is removed and ``path`` is unchanged.
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}{PART_SUFFIX}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise OutputError(f"{path}: cannot write ({_reason(exc)})") from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the file system is read-only or the folder is not writable"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    if exc.errno in (errno.ENOTDIR, errno.ENOENT):
        return "a part of the path is a file, or the folder does not exist"
    return exc.strerror or type(exc).__name__


# ------------------------------------------------------------------ rows and files
def canonical_keys(sim: Simulation, events: list[Event]) -> tuple[list[list[float]], dict[str, list[float]]]:
    """Sort keys independent of how calls were scheduled or sharded: events by (time,
    call index, order within the call); recordings by (start s, call index, order of
    creation within the call or conference). Returns (event keys, recording keys by
    RecordingSid)."""
    index_of = {leg.sid: c.index for c in sim.calls for leg in c.legs}
    order: dict[str, int] = {}
    for c in sim.calls:
        for k, rec in enumerate(c.recordings):
            order[rec.sid] = k
    for conf in sim.conferences.values():
        for k, rec in enumerate(conf.recordings):
            order[rec.sid] = 1000 + k
    seq: dict[int, int] = {}
    event_keys = []
    for e in events:
        ci = index_of.get(e.call_sid or "", -1)
        event_keys.append([e.time, ci, seq.get(ci, 0)])
        seq[ci] = seq.get(ci, 0) + 1
    rec_keys = {sid: [r.start, index_of.get(r.leg.sid, -1), order.get(sid, 0)] for sid, r in sim.recordings.items()}
    return event_keys, rec_keys


def with_callbacks(tl: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    """A timeline with the times (s) and RecordingStatus of its recording's status
    callbacks."""
    return {**tl, "callbacks": [[e.time, e.parameters.get("RecordingStatus")] for e in events
                                if e.recording_sid == tl["sid"] and e.kind == "recording-status-callback"]}


def recording_row(sim: Simulation, rec: Recording) -> dict[str, Any]:
    """What every consumer keeps of a finished recording (JSON-serialisable): the
    Recording resource (:func:`recsim.api.recording_json`, spec 002), its source,
    status, track, channels, exact durations (s), start (simulated s), error code,
    sample accounting and timeline. ``key``, ``call_index`` and the timeline's
    callbacks are added when the simulation has ended (:func:`finish_rows`)."""
    from recsim.api.resources import recording_json  # the api package imports this module's writers

    a = rec.assembly
    assert a is not None
    completed = rec.status == "completed"
    return {
        "sid": rec.sid,
        "call_sid": rec.leg.sid,
        "resource": recording_json(rec, account_sid=sim.account_sid, epoch=sim.epoch),
        "source": str(rec.options.source),
        "status": str(rec.status),
        "track": str(rec.options.track),
        "channels": rec.options.n_channels,
        "duration": rec.duration or 0,
        "duration_s": a.samples.shape[0] / SAMPLE_RATE if completed else 0.0,
        "untrimmed_s": a.untrimmed / SAMPLE_RATE,
        "start": rec.start,
        "error_code": rec.error_code,
        "accounting": {"span": a.span, "skipped": a.skipped, "no_media": a.no_media, "trimmed": a.trimmed,
                       "samples": a.samples.shape[0]},
        "timeline": timeline(rec),
    }


def finish_rows(sim: Simulation, rows: list[dict[str, Any]], events: list[Event]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """After the simulation: give each row its canonical ``key``, ``call_index`` and its
    timeline's callbacks, and sort ``events`` (the Event objects) canonically in place;
    return (rows, events as ``{"key", "event"}`` JSON, transcriptions as
    ``{"key", "transcription"}``), each sorted canonically."""
    event_keys, rec_keys = canonical_keys(sim, events)
    for row in rows:
        row["key"] = rec_keys[row["sid"]]
        row["call_index"] = row["key"][1]
        row["timeline"] = with_callbacks(row["timeline"], events)
    order = sorted(range(len(events)), key=lambda i: event_keys[i])
    events[:] = [events[i] for i in order]
    evs = [{"key": event_keys[i], "event": e.to_json()} for i, e in zip(order, events, strict=True)]
    trs = [{"key": rec_keys[t.recording.sid], "transcription": t.to_json(sim)} for t in sim.transcriptions.values()]
    return sorted(rows, key=lambda r: r["key"]), evs, sorted(trs, key=lambda t: t["key"])


def write_media(media_dir: Path, rec: Recording, formats: tuple[str, ...]) -> list[list[Any]]:
    """Write a completed recording's media, ``{RecordingSid}.{fmt}`` for each format,
    each whole (:func:`atomic_write`). Returns ``[[file name, size in bytes], ...]``.

    Raises
    ------
    OutputError
        The folder is not writable or full.
    """
    assert rec.assembly is not None
    written = []
    for fmt in formats:
        data = encode(rec.assembly.samples, fmt)
        atomic_write(media_dir / f"{rec.sid}.{fmt}", data)
        written.append([f"{rec.sid}.{fmt}", len(data)])
    return written


def _json_file(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2) + "\n").encode()


def write_run_files(out: Path, rows: list[dict[str, Any]], events: list[dict[str, Any]],
                    transcriptions: list[dict[str, Any]]) -> None:
    """The metadata files of a run, from canonically sorted rows, events and
    transcriptions (README "Outputs"): ``recordings.json`` (the resources),
    ``events.jsonl``, ``timelines.jsonl`` and, when any, ``transcriptions.json``.

    Raises
    ------
    OutputError
        The folder is not writable or full.
    """
    atomic_write(out / "recordings.json", _json_file([r["resource"] for r in rows]))
    atomic_write(out / "events.jsonl", "".join(json.dumps(e["event"]) + "\n" for e in events).encode())
    atomic_write(out / "timelines.jsonl", "".join(json.dumps(r["timeline"]) + "\n" for r in rows).encode())
    if transcriptions:
        atomic_write(out / "transcriptions.json", _json_file([t["transcription"] for t in transcriptions]))
