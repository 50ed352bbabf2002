"""The one writer of a simulation's outputs, used by ``recsim run``, batch shards and
(per recording) the emulator.

- :func:`recording_outputs` is the per-recording step: the row and the encoded media of
  one finished recording;
- :class:`RecordingWriter` attaches to a :class:`~recsim.sim.Simulation` and, as each
  recording finishes, keeps its row, writes its media ``{RecordingSid}.{fmt}`` into a
  :class:`~recsim.outputs.target.Target` and keeps or drops its samples;
- :func:`write_run_files` writes the metadata files of a run from canonically sorted
  rows (README "Outputs"): ``recordings.json``, ``events.jsonl``, ``timelines.jsonl``,
  ``words.jsonl`` and, when any, ``transcriptions.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recsim.outputs.media import encode
from recsim.outputs.rows import Rows, finish_rows, recording_row
from recsim.outputs.target import FolderTarget, Target
from recsim.outputs.words import words_jsonl

if TYPE_CHECKING:
    from recsim.sim.callbacks import Event
    from recsim.sim.recording import Recording
    from recsim.sim.simulation import Simulation

__all__ = ["RecordingWriter", "media_name", "recording_outputs", "write_run_files"]


def media_name(sid: str, fmt: str) -> str:
    """The file name of a recording's media: ``{RecordingSid}.{fmt}``."""
    return f"{sid}.{fmt}"


def recording_outputs(sim: Simulation, rec: Recording,
                      formats: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The outputs of one finished recording: its row and, when completed, its media.

    Parameters
    ----------
    sim : Simulation
        The simulation ``rec`` ran in.
    rec : Recording
        Completed or absent, its assembly not yet dropped (call this from
        ``Simulation.on_complete``).
    formats : tuple of {"wav", "mp3"}
        As checked by :func:`~recsim.outputs.media.validate_formats`; ``()`` for none.

    Returns
    -------
    row : dict
        :func:`~recsim.outputs.rows.recording_row` (``row["resource"]`` is the
        Recording resource JSON).
    media : dict of str to bytes
        ``{fmt: file bytes}`` of a completed recording (WAV 8 kHz 16-bit PCM, MP3 32
        kbps), in the order of ``formats``; empty for an absent one.

    Raises
    ------
    ScenarioError
        A format that is not wav or mp3.
    """
    row = recording_row(sim, rec)
    if rec.status != "completed" or rec.assembly is None:
        return row, {}
    return row, {fmt: encode(rec.assembly.samples, fmt) for fmt in formats}


class RecordingWriter:
    """Collects what a simulation's recordings leave as they finish.

    Parameters
    ----------
    sim : Simulation
        Its ``on_complete`` is set to :meth:`complete`.
    formats : tuple of {"wav", "mp3"}
        Media formats (validated).
    media : Target or None
        Where media files go (``{RecordingSid}.{fmt}``); None writes none.
    keep_samples : bool
        Keep each completed recording's samples (``(n,)`` or ``(n, 2)`` int16) in
        :attr:`samples`; otherwise every assembly is dropped once written.

    Attributes
    ----------
    rows : list of dict
        One per finished recording, in order of completion.
    media_files : list of [name, size in bytes]
        The media written, in order.
    samples : dict of RecordingSid to numpy.ndarray
        When ``keep_samples``.
    """

    def __init__(self, sim: Simulation, formats: tuple[str, ...], media: Target | None, *,
                 keep_samples: bool = False) -> None:
        self.sim = sim
        self.formats = formats if media is not None else ()
        self.media = media
        self.keep_samples = keep_samples
        self.rows: list[dict[str, Any]] = []
        self.media_files: list[list[Any]] = []
        self.samples: dict[str, np.ndarray] = {}
        sim.on_complete = self.complete

    def complete(self, rec: Recording) -> None:
        """Keep the row of ``rec``, write its media, keep or drop its samples.

        Raises
        ------
        OutputError
            A media file cannot be written.
        """
        row, media = recording_outputs(self.sim, rec, self.formats)
        self.rows.append(row)
        for fmt, data in media.items():
            name = media_name(rec.sid, fmt)
            assert self.media is not None
            self.media.write(name, data)
            self.media_files.append([name, len(data)])
        a = rec.assembly
        assert a is not None
        if self.keep_samples and rec.status == "completed":
            self.samples[rec.sid] = np.ascontiguousarray(a.samples)
        if not self.keep_samples:
            a.drop()

    def finish(self, events: list[Event]) -> Rows:
        """After the simulation: the rows, events and transcriptions, canonically sorted
        (:func:`~recsim.outputs.rows.finish_rows`; ``events`` is sorted in place)."""
        return finish_rows(self.sim, self.rows, events)


def _json_file(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2) + "\n").encode()


def _array_item(first: bool, doc: Any) -> bytes:
    """One item of a JSON array written as ``json.dumps(items, indent=2)`` writes it."""
    return (("[\n  " if first else ",\n  ") + json.dumps(doc, indent=2).replace("\n", "\n  ")).encode()


def write_run_files(target: Target | str | Path, rows: Iterable[dict[str, Any]], events: Iterable[dict[str, Any]],
                    transcriptions: Iterable[dict[str, Any]]) -> None:
    """The metadata files of a run, streamed from canonically sorted rows, events and
    transcriptions (README "Outputs"): memory does not grow with their number.
    ``words.jsonl`` (one line per captured word, :mod:`recsim.outputs.words`) is always
    written, empty when no recording captured a word.

    ``recordings.json`` is byte for byte ``json.dumps(resources, indent=2) + "\n"``;
    ``transcriptions.json`` is written only when there is at least one.

    Parameters
    ----------
    target : Target, str or Path
        Where the files go (a path is a :class:`~recsim.outputs.target.FolderTarget`).
    rows, events, transcriptions : iterable of dict
        As :func:`~recsim.outputs.rows.finish_rows` returns them, or the streaming
        merge of shards; each consumed once.

    Raises
    ------
    OutputError
        The folder is not writable or full.
    """
    out = FolderTarget(target) if isinstance(target, str | Path) else target
    with (out.open_write("recordings.json") as rec, out.open_write("timelines.jsonl") as tl,
          out.open_write("words.jsonl") as words):
        first = True
        for r in rows:
            rec.write(_array_item(first, r["resource"]))
            tl.write((json.dumps(r["timeline"]) + "\n").encode())
            words.write(words_jsonl(r.get("words", [])))
            first = False
        rec.write(b"[]\n" if first else b"\n]\n")
    with out.open_write("events.jsonl") as ev:
        for e in events:
            ev.write((json.dumps(e["event"]) + "\n").encode())
    trs = iter(transcriptions)
    head = next(trs, None)
    if head is None:
        return
    with out.open_write("transcriptions.json") as f:
        f.write(_array_item(True, head["transcription"]))
        for t in trs:
            f.write(_array_item(False, t["transcription"]))
        f.write(b"\n]\n")
