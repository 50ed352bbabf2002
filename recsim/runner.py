"""Run a scenario and collect its outputs: the Python API of recsim's main job.

>>> from recsim import run, load_scenario
>>> result = run(load_scenario("examples/default.yaml"), out_dir="out")   # doctest: +SKIP
>>> [(r.source, r.status, r.duration, r.channels) for r in result.recordings]  # doctest: +SKIP

Outputs of a run with ``out_dir`` (README "Outputs"):

- ``recordings.json``: every Recording resource as ``GET .../Recordings/{Sid}.json``
  returns it (:func:`recsim.api.recording_json`), in creation order;
- ``events.jsonl``: one line per callback, request or warning, in simulated-time order;
- ``media/{RecordingSid}.wav`` (and ``.mp3``): completed recordings, channels per the
  recording. Files are written to a temporary name and renamed;
- ``timelines.jsonl``: where each recording's samples sit on the simulated time axis
  (captured, paused, no-media, trimmed spans; keys, beep, callbacks), for ``recsim plot``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim.api import recording_json
from recsim.audio import SAMPLE_RATE, encode_mp3, encode_wav
from recsim.errors import ScenarioError
from recsim.scenario import Scenario
from recsim.sim.callbacks import Event, MemorySink
from recsim.sim.recording import Recording, timeline
from recsim.sim.simulation import Simulation

__all__ = ["FORMATS", "RecordingResult", "RunResult", "run"]

FORMATS = ("wav", "mp3")


@dataclass
class RecordingResult:
    """What a user's test asks about one recording.

    Attributes
    ----------
    sid, call_sid : str
        RecordingSid and CallSid (the parent leg).
    call_index : int
        Index of the call in the scenario.
    source, status, track : str
        As in the resource (status completed or absent).
    channels : int
        1 or 2.
    duration : int
        Whole seconds, as the resource's ``duration`` and ``RecordingDuration``.
    duration_s : float
        Exact seconds (samples / 8000).
    untrimmed_s : float
        Exact seconds before trim-silence.
    start_time : float
        Simulated seconds when capture began.
    error_code : int or None
        16101 (too short) or 16102 (silent) for absent recordings.
    samples : numpy.ndarray or None
        ``(n,)`` or ``(n, 2)`` int16 at 8000 Hz (None when not kept).
    resource : dict
        The Recording resource JSON.
    """

    sid: str
    call_sid: str
    call_index: int
    source: str
    status: str
    track: str
    channels: int
    duration: int
    duration_s: float
    untrimmed_s: float
    start_time: float
    error_code: int | None
    samples: np.ndarray | None
    resource: dict[str, Any]
    accounting: dict[str, int]


@dataclass
class RunResult:
    """The recordings and events of a run, and where its files went."""

    recordings: list[RecordingResult]
    events: list[Event]
    out_dir: Path | None
    account_sid: str
    transcriptions: list[dict[str, Any]]

    def recording(self, sid: str) -> RecordingResult:
        """The recording with ``sid``.

        Raises
        ------
        KeyError
            No such recording.
        """
        for r in self.recordings:
            if r.sid == sid:
                return r
        raise KeyError(f"no recording {sid!r} in this run")

    def of_call(self, index: int) -> list[RecordingResult]:
        """Recordings of scenario call ``index``, in creation order."""
        return [r for r in self.recordings if r.call_index == index]

    def events_of(self, kind: str | None = None, *, recording_sid: str | None = None,
                  call_sid: str | None = None) -> list[Event]:
        """Events filtered by kind, recording and call."""
        return [e for e in self.events
                if (kind is None or e.kind == kind)
                and (recording_sid is None or e.recording_sid == recording_sid)
                and (call_sid is None or e.call_sid == call_sid)]


def canonical_keys(sim: Simulation, events: list[Event]) -> tuple[list[list[float]], dict[str, list[float]]]:
    """Sort keys independent of how calls were scheduled or sharded: events by (time,
    call index, order within the call); recordings by (start, call index, order of
    creation within the call or conference). Returns (event keys, recording keys by sid)."""
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
    """A timeline with the times of its recording's status callbacks."""
    return {**tl, "callbacks": [[e.time, e.parameters.get("RecordingStatus")] for e in events
                                if e.recording_sid == tl["sid"] and e.kind == "recording-status-callback"]}


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_media(media_dir: Path, rec: Recording, formats: Iterable[str]) -> None:
    """Write a completed recording's media, each format under a temporary name then
    renamed (an interrupted run never leaves a half-written file under the final name)."""
    assert rec.assembly is not None
    x = np.ascontiguousarray(rec.assembly.samples)
    for fmt in formats:
        _atomic_write(media_dir / f"{rec.sid}.{fmt}", encode_wav(x) if fmt == "wav" else encode_mp3(x))


class _Writer:
    def __init__(self, sim: Simulation, out_dir: Path | None, formats: Iterable[str], keep_samples: bool) -> None:
        self.sim = sim
        self.out_dir = out_dir
        self.formats = tuple(formats)
        self.keep = keep_samples
        self.call_index: dict[str, int] = {}
        self.timelines: dict[str, dict[str, Any]] = {}
        self.results: list[RecordingResult] = []
        if out_dir is not None:
            (out_dir / "media").mkdir(parents=True, exist_ok=True)

    def __call__(self, rec: Recording) -> None:
        a = rec.assembly
        assert a is not None
        samples = a.samples if rec.status == "completed" else None
        if self.out_dir is not None and samples is not None:
            write_media(self.out_dir / "media", rec, self.formats)
            rec.media_written = True
        self.timelines[rec.sid] = timeline(rec)
        if rec.leg.sid not in self.call_index:
            self.call_index = {leg.sid: c.index for c in self.sim.calls for leg in c.legs}
        self.results.append(RecordingResult(
            sid=rec.sid,
            call_sid=rec.leg.sid,
            call_index=self.call_index[rec.leg.sid],
            source=rec.options.source,
            status=rec.status,
            track=rec.options.track,
            channels=rec.options.n_channels,
            duration=rec.duration or 0,
            duration_s=(a.samples.shape[0] / SAMPLE_RATE) if rec.status == "completed" else 0.0,
            untrimmed_s=a.untrimmed / SAMPLE_RATE,
            start_time=rec.start,
            error_code=rec.error_code,
            samples=np.ascontiguousarray(samples) if (self.keep and samples is not None) else None,
            resource=recording_json(rec, account_sid=self.sim.account_sid, epoch=self.sim.epoch),
            accounting={"span": a.span, "skipped": a.skipped, "no_media": a.no_media, "trimmed": a.trimmed,
                        "samples": a.samples.shape[0]},
        ))
        if not self.keep:
            a.drop()


def run(
    scenario: Scenario,
    *,
    out_dir: str | Path | None = None,
    formats: Iterable[str] = ("wav",),
    keep_samples: bool = True,
    progress: Callable[[int, int], None] | None = None,
    transcription_engine: Any = None,
) -> RunResult:
    """Simulate every call of ``scenario`` and return (and optionally write) the outputs.

    Parameters
    ----------
    scenario : Scenario
        From :func:`recsim.load_scenario` or :func:`recsim.scenario_from_dict`.
    out_dir : str or Path, optional
        Write recordings.json, events.jsonl and media/ there (created if missing;
        existing files of the same names are replaced).
    formats : iterable of {"wav", "mp3"}
        Media formats to write (WAV 128 kbps per channel, MP3 32 kbps CBR).
    keep_samples : bool
        Keep each recording's samples in the result (memory grows with the run).
    progress : callable, optional
        Called as ``progress(calls_ended, calls_total)`` every simulated minute.
    transcription_engine : str or object, optional
        Overrides the scenario's engine for ``<Record transcribe="true">``: a name, or
        any object with ``transcribe(samples) -> str`` (recsim.transcription).

    Returns
    -------
    RunResult

    Raises
    ------
    ScenarioError
        Invalid formats, TwiML or audio of the scenario.
    SimulationError
        A call flow that cannot continue (TwiML loop, unknown Dial target, Play URL).
    """
    fmts = tuple(formats)
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise ScenarioError(f"formats: {bad} not allowed; allowed: {', '.join(FORMATS)}")
    sink = MemorySink()
    sim = Simulation(scenario, sink=sink)
    sim.transcription_engine = transcription_engine
    out = Path(out_dir) if out_dir is not None else None
    writer = _Writer(sim, out, fmts, keep_samples)
    sim.on_complete = writer
    if progress is None:
        sim.run()
    else:
        for i, spec in enumerate(scenario.calls):
            sim.add_call(spec.index if spec.index is not None else i, spec)
        env = sim.env
        tick = 60.0
        while env.peek() != float("inf"):
            env.step()
            if env.now >= tick:
                tick = env.now + 60.0
                progress(sum(c.parent.ended_at is not None for c in sim.calls), len(sim.calls))
        progress(len(sim.calls), len(sim.calls))
    event_keys, rec_keys = canonical_keys(sim, sink.events)
    results = sorted(writer.results, key=lambda r: rec_keys[r.sid])
    sink.events[:] = [e for _, e in sorted(zip(event_keys, sink.events, strict=True), key=lambda p: p[0])]
    if out is not None:
        doc = [r.resource for r in results]
        _atomic_write(out / "recordings.json", (json.dumps(doc, indent=2) + "\n").encode())
        lines = "".join(json.dumps(e.to_json(), sort_keys=False) + "\n" for e in sink.events)
        _atomic_write(out / "events.jsonl", lines.encode())
        _atomic_write(out / "timelines.jsonl", "".join(
            json.dumps(with_callbacks(writer.timelines[r.sid], sink.events)) + "\n" for r in results).encode())
    transcriptions = [t.to_json(sim) for t in sim.transcriptions.values()]
    if out is not None and transcriptions:
        _atomic_write(out / "transcriptions.json", (json.dumps(transcriptions, indent=2) + "\n").encode())
    return RunResult(recordings=results, events=sink.events, out_dir=out, account_sid=sim.account_sid,
                     transcriptions=transcriptions)
