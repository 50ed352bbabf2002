"""The one writer of a simulation's outputs, used by ``recsim run``, batch shards and
(per recording) the emulator.

- :func:`recording_outputs` is the per-recording step: the row and the encoded media of
  one finished recording;
- :class:`RecordingWriter` attaches to a :class:`~recsim.sim.Simulation` and, as each
  recording finishes, keeps its row, writes its media ``{RecordingSid}.{fmt}`` into a
  :class:`~recsim.outputs.target.Target` and keeps or drops its samples;
- :func:`write_run_files` writes the metadata files of a run from canonically sorted
  rows (README "Outputs"): ``recordings.json``, ``events.jsonl``, ``timelines.jsonl``,
  when any ``transcriptions.json``, and with ``--metadata json,words`` ``words.jsonl``
  (the words are captured only then); it encodes each item
  (:func:`encode_row`, ...) and writes the bytes with :func:`write_encoded`, which a
  batch's merge calls with the bytes its shards encoded.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from recsim.errors import ScenarioError
from recsim.outputs.media import encode_parts
from recsim.outputs.rows import Rows, finish_rows, recording_row
from recsim.outputs.target import FolderTarget, Parts, Target
from recsim.outputs.words import words_jsonl

if TYPE_CHECKING:
    from recsim.sim.callbacks import Event
    from recsim.sim.recording import Recording
    from recsim.sim.simulation import Simulation

__all__ = ["METADATA", "EncodedRow", "RecordingWriter", "encode_event", "encode_row", "encode_transcription",
           "media_name", "recording_outputs", "validate_metadata", "write_encoded", "write_run_files"]

#: Metadata file sets (``--metadata``): ``json`` (recordings.json, events.jsonl,
#: timelines.jsonl, transcriptions.json), ``parquet`` (recordings.parquet,
#: events.parquet; batches), ``words`` (words.jsonl: every captured word).
METADATA = ("json", "parquet", "words")


def validate_metadata(metadata: Iterable[str] | str, allowed: tuple[str, ...] = METADATA) -> tuple[str, ...]:
    """The checked metadata file sets, in the order of :data:`METADATA`.

    Parameters
    ----------
    metadata : iterable of str, or str
        Names (``"json,words"`` as the command line gives them, or a tuple).
    allowed : tuple of str
        The sets this caller writes.

    Raises
    ------
    ScenarioError
        A name not in ``allowed``, or none given; the message names the allowed ones.
    """
    items = metadata.split(",") if isinstance(metadata, str) else list(metadata)
    got = {str(m).strip().lower() for m in items if str(m).strip()}
    bad = sorted(got - set(allowed))
    if bad or not got:
        raise ScenarioError(f"metadata: {', '.join(map(repr, bad)) or 'none given'} not allowed; "
                            f"allowed: {', '.join(allowed)}")
    return tuple(m for m in METADATA if m in got)


def media_name(sid: str, fmt: str) -> str:
    """The file name of a recording's media: ``{RecordingSid}.{fmt}``."""
    return f"{sid}.{fmt}"


def recording_outputs(sim: Simulation, rec: Recording, formats: tuple[str, ...], *,
                      words: bool = False) -> tuple[dict[str, Any], dict[str, Parts]]:
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
    words : bool
        Capture its words (``row["words"]``, :func:`~recsim.outputs.rows.recording_row`).

    Returns
    -------
    row : dict
        :func:`~recsim.outputs.rows.recording_row` (``row["resource"]`` is the
        Recording resource JSON).
    media : dict of str to Parts
        ``{fmt: file bytes in parts}`` of a completed recording (WAV 8 kHz 16-bit PCM,
        MP3 32 kbps; :func:`~recsim.outputs.media.encode_parts`: a WAV's samples part is
        a view of the assembly's samples, so write it before the assembly is dropped),
        in the order of ``formats``; empty for an absent one.

    Raises
    ------
    ScenarioError
        A format that is not wav or mp3.
    """
    row = recording_row(sim, rec, words=words)
    if rec.status != "completed" or rec.assembly is None:
        return row, {}
    return row, {fmt: encode_parts(rec.assembly.samples, fmt) for fmt in formats}


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
    words : bool
        Capture each recording's words into its row (``--metadata json,words``:
        ``words.jsonl``, ``RunResult.words``); off, no word is captured.

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
                 keep_samples: bool = False, words: bool = False) -> None:
        self.sim = sim
        self.words = words
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
        row, media = recording_outputs(self.sim, rec, self.formats, words=self.words)
        self.rows.append(row)
        for fmt, data in media.items():
            name = media_name(rec.sid, fmt)
            assert self.media is not None
            self.media.write(name, data)
            self.media_files.append([name, sum(len(part) for part in data)])
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


#: One recording row as the bytes of the run files: its ``recordings.json`` item (an
#: indented resource without the array's separator), its ``timelines.jsonl`` line and
#: its ``words.jsonl`` lines.
EncodedRow = tuple[bytes, bytes, bytes]


def _indented(doc: Any) -> bytes:
    """``doc`` as an item of a JSON array that ``json.dumps(items, indent=2)`` writes,
    without the separator before it."""
    return json.dumps(doc, indent=2).replace("\n", "\n  ").encode()


def encode_row(row: dict[str, Any]) -> EncodedRow:
    """The bytes one recording row contributes to the run files (:data:`EncodedRow`).

    Parameters
    ----------
    row : dict
        A finished row (:func:`~recsim.outputs.rows.finish_rows`).

    Returns
    -------
    tuple of bytes
        ``recordings.json`` item, ``timelines.jsonl`` line, ``words.jsonl`` lines
        (:func:`~recsim.outputs.words.words_jsonl`; empty when no word, or when the
        row has no ``words``: they were not captured).
    """
    return (_indented(row["resource"]), (json.dumps(row["timeline"]) + "\n").encode(),
            words_jsonl(row["words"]) if "words" in row else b"")


def encode_event(item: dict[str, Any]) -> bytes:
    """An ``events.jsonl`` line of a finished event item (``{"key", "event"}``)."""
    return (json.dumps(item["event"]) + "\n").encode()


def encode_transcription(item: dict[str, Any]) -> bytes:
    """A ``transcriptions.json`` item of a finished transcription item
    (``{"key", "transcription"}``), without the array's separator."""
    return _indented(item["transcription"])


def _array(f: IO[bytes], items: Iterable[bytes]) -> None:
    """Write ``items`` (:func:`_indented`) as ``json.dumps(list, indent=2) + "\n"``."""
    sep = b"[\n  "
    for item in items:
        f.write(sep)
        f.write(item)
        sep = b",\n  "
    f.write(b"[]\n" if sep == b"[\n  " else b"\n]\n")


def write_run_files(target: Target | str | Path, rows: Iterable[dict[str, Any]], events: Iterable[dict[str, Any]],
                    transcriptions: Iterable[dict[str, Any]], *, json_files: bool = True,
                    words: bool = False) -> None:
    """The metadata files of a run from canonically sorted rows, events and
    transcriptions (README "Outputs"): :func:`write_encoded` of their encodings.

    Parameters
    ----------
    target : Target, str or Path
        Where the files go (a path is a :class:`~recsim.outputs.target.FolderTarget`).
    rows, events, transcriptions : iterable of dict
        As :func:`~recsim.outputs.rows.finish_rows` returns them; each consumed once.
    json_files, words : bool
        As :func:`write_encoded`.

    Raises
    ------
    OutputError
        The folder is not writable or full.
    """
    write_encoded(target, map(encode_row, rows), map(encode_event, events),
                  map(encode_transcription, transcriptions), json_files=json_files, words=words)


def write_encoded(target: Target | str | Path, rows: Iterable[EncodedRow], events: Iterable[bytes],
                  transcriptions: Iterable[bytes], *, json_files: bool = True, words: bool = False) -> None:
    """The metadata files of a run, streamed from encoded items in canonical order
    (:func:`encode_row`, :func:`encode_event`, :func:`encode_transcription`; a batch's
    merge copies them from its shards): memory does not grow with their number.

    ``recordings.json`` is byte for byte ``json.dumps(resources, indent=2) + "\n"``;
    ``transcriptions.json`` is written only when there is at least one.

    Parameters
    ----------
    json_files : bool
        Write ``recordings.json``, ``timelines.jsonl``, ``events.jsonl`` and
        ``transcriptions.json`` (``--metadata json``).
    words : bool
        Write ``words.jsonl`` (``--metadata words``; empty when no recording captured a
        word). ``rows`` is consumed whole even when neither is written (a batch's merge
        counts them).

    Raises
    ------
    OutputError
        The folder is not writable or full.
    """
    out = FolderTarget(target) if isinstance(target, str | Path) else target
    with contextlib.ExitStack() as files:
        rec = files.enter_context(out.open_write("recordings.json")) if json_files else None
        tl = files.enter_context(out.open_write("timelines.jsonl")) if json_files else None
        said = files.enter_context(out.open_write("words.jsonl")) if words else None

        def items() -> Iterator[bytes]:
            for resource, timeline, lines in rows:
                if tl is not None:
                    tl.write(timeline)
                if said is not None:
                    said.write(lines)
                yield resource
        if rec is not None:
            _array(rec, items())
        else:
            collections.deque(items(), maxlen=0)
    if not json_files:
        return
    with out.open_write("events.jsonl") as ev:
        for line in events:
            ev.write(line)
    trs = iter(transcriptions)
    head = next(trs, None)
    if head is None:
        return
    with out.open_write("transcriptions.json") as f:
        _array(f, itertools.chain((head,), trs))
