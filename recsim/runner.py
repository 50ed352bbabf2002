"""Run a scenario and collect its outputs: the Python API of recsim's main job.

>>> from recsim import run, load_scenario
>>> result = run(load_scenario("examples/default.yaml"), out_dir="out")   # doctest: +SKIP
>>> [(r.source, r.status, r.duration, r.channels) for r in result.recordings]  # doctest: +SKIP

Outputs of a run with ``out_dir`` (README "Outputs"):

- ``recordings.json``: every Recording resource as ``GET .../Recordings/{Sid}.json``
  returns it (:func:`recsim.outputs.recording_json`), in creation order;
- ``events.jsonl``: one line per callback, request or warning, in simulated-time order;
- ``media/{RecordingSid}.wav`` (and ``.mp3``): completed recordings, channels per the
  recording. Files are written to a temporary name and renamed;
- ``timelines.jsonl``: where each recording's samples sit on the simulated time axis
  (captured, paused, no-media, trimmed spans; keys, beep, callbacks), for ``recsim plot``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from recsim import runfolder
from recsim.outputs import RecordingWriter, Rows, Target, is_url, validate_formats, validate_metadata, write_run_files
from recsim.outputs.lock import output_lock
from recsim.rest_steps import simulation
from recsim.scenario import Scenario
from recsim.sim.callbacks import Event, MemorySink
from recsim.sim.simulation import Simulation

__all__ = ["RecordingResult", "RunResult", "run"]

_T = TypeVar("_T")
#: The metadata file sets a single run writes (Parquet: :func:`recsim.batch.run_batch`).
RUN_METADATA = ("json", "words")


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
    accounting : dict
        Sample counts (span, skipped, no_media, trimmed, samples).
    words : list of dict or None
        The words it captured (``words.jsonl`` rows, :mod:`recsim.outputs.words`); None
        when the run captured none (``metadata`` without ``words``).
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
    words: list[dict[str, Any]] | None = None


@dataclass
class RunResult:
    """The recordings and events of a run, and where its files went."""

    recordings: list[RecordingResult]
    events: list[Event]
    out_dir: Path | str | None
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

    def words(self, recording_sid: str) -> list[dict[str, Any]]:
        """The words recording ``recording_sid`` captured, as ``words.jsonl`` has them
        (channel, track, word, start and end in seconds of the recording's media).

        Raises
        ------
        KeyError
            No such recording.
        ValueError
            The run captured no words (run with ``metadata=("json", "words")``).
        """
        words = self.recording(recording_sid).words
        if words is None:
            raise ValueError(f"recording {recording_sid}: this run captured no words; run with "
                             f"metadata=(\"json\", \"words\") (recsim run --metadata json,words)")
        return words

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


def run(scenario: Scenario, *, out_dir: str | Path | None = None, formats: Iterable[str] = ("wav",),
        keep_samples: bool = True, progress: Callable[[int, int], None] | None = None,
        transcription_engine: Any = None, overwrite: bool = False,
        metadata: Iterable[str] = ("json",)) -> RunResult:
    """Simulate every call of ``scenario`` and return (and optionally write) the outputs.

    Parameters
    ----------
    scenario : Scenario
        From :func:`recsim.load_scenario` or :func:`recsim.scenario_from_dict`.
    out_dir : str or Path, optional
        A local folder or an fsspec URL (``s3://bucket/prefix``, ``recsim[s3]``) for the
        ``metadata`` files and media/: new, empty, or holding this same run
        (:mod:`recsim.runfolder`); staged and moved into place only when the run
        succeeded, so a failed run leaves the folder as it was.
    formats : iterable of {"wav", "mp3"}
        Media formats to write (WAV 128 kbps per channel, MP3 32 kbps CBR).
    keep_samples : bool
        Keep each recording's samples in the result (memory grows with the run).
    progress : callable, optional
        ``progress(calls_ended, calls_total)`` every simulated minute.
    transcription_engine : str or object, optional
        The engine of ``<Record transcribe>``: a name or a ``transcribe(samples) -> str``.
    overwrite : bool
        Replace the outputs of another run in ``out_dir`` (only files recsim wrote); they
        are removed only when the new run succeeded (staged beside them until then).
    metadata : iterable of {"json", "words"}
        ``json``: recordings.json, events.jsonl, timelines.jsonl, transcriptions.json;
        ``words``: every recording's words (words.jsonl, :meth:`RunResult.words`).

    Returns
    -------
    RunResult

    Raises
    ------
    ScenarioError
        Invalid formats, metadata, TwiML or audio (before anything is written).
    OutputError
        ``out_dir`` holds another run or foreign files, is a file, not writable, or in use by another run.
    SimulationError
        A call flow that cannot continue; ``out_dir`` is left as it was.
    """
    fmts = validate_formats(formats)
    meta = validate_metadata(metadata, RUN_METADATA)
    sink = MemorySink()
    sim = simulation(scenario, sink=sink)
    sim.transcription_engine = transcription_engine

    job = partial(_outputs, sim, scenario, sink, fmts, keep_samples, progress, meta)
    out = None
    if out_dir is None:
        writer, (rows, _, transcriptions) = job(None)
    else:
        out, (writer, (rows, _, transcriptions)) = _in_folder(
            out_dir, runfolder.identity_of(scenario, fmts, metadata=meta), overwrite, job)
    return RunResult(recordings=[_result(r, writer.samples.get(r["sid"])) for r in rows], events=sink.events,
                     out_dir=out, account_sid=sim.account_sid,
                     transcriptions=[t["transcription"] for t in transcriptions])


def _outputs(sim: Simulation, scenario: Scenario, sink: MemorySink, fmts: tuple[str, ...], keep_samples: bool,
             progress: Callable[[int, int], None] | None, meta: tuple[str, ...],
             stage: Target | None) -> tuple[RecordingWriter, Rows]:
    """Simulate, writing media into ``stage/media`` and the run files of ``meta`` into
    ``stage`` (nothing when None); returns the writer (samples) and the sorted rows."""
    writer = RecordingWriter(sim, fmts, stage.child("media") if stage is not None else None,
                             keep_samples=keep_samples, words="words" in meta)
    _simulate(sim, scenario, progress)
    rows = writer.finish(sink.events)
    if stage is not None:
        write_run_files(stage, *rows, json_files="json" in meta, words="words" in meta)
    return writer, rows


def _in_folder(out_dir: str | Path, identity: runfolder.RunIdentity, overwrite: bool,
               body: Callable[[Target], _T]) -> tuple[Path | str, _T]:
    """Claim ``out_dir`` (a folder or an fsspec URL) for the run ``identity``, run
    ``body(stage)`` writing into a staging folder, and move the staged outputs into
    place; on any failure the folder is left as it was (:mod:`recsim.runfolder`). All of
    it holds the folder's lock (:func:`~recsim.outputs.lock.output_lock`)."""
    with output_lock(out_dir):
        created = is_url(out_dir) or not Path(out_dir).exists()
        out, _ = runfolder.claim(out_dir, identity, overwrite=overwrite, defer=True)
        try:
            result = body(runfolder.staging(out))
            runfolder.commit(out, identity, replace=overwrite)
        except BaseException:
            runfolder.rollback(out, created=created)
            raise
    return (str(out_dir) if is_url(out_dir) else Path(out.url)), result


def _simulate(sim: Simulation, scenario: Scenario, progress: Callable[[int, int], None] | None) -> None:
    """Run every call of ``scenario`` to its end (:meth:`Simulation.run
    <recsim.sim.Simulation.run>`); ``progress(calls_ended, calls_total)`` every
    simulated minute and at the end."""
    sim.run(scenario.indexed_calls(), progress=progress)


def _result(row: dict[str, Any], samples: np.ndarray | None) -> RecordingResult:
    return RecordingResult(
        sid=row["sid"], call_sid=row["call_sid"], call_index=row["call_index"], source=row["source"],
        status=row["status"], track=row["track"], channels=row["channels"], duration=row["duration"],
        duration_s=row["duration_s"], untrimmed_s=row["untrimmed_s"], start_time=row["start"],
        error_code=row["error_code"], samples=samples, resource=row["resource"], accounting=row["accounting"],
        words=row.get("words"))
