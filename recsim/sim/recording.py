"""A recording: its options, its status, and the time segments it captured.

State lives here and in the simulation only; samples are assembled once, when the
recording stops (:func:`assemble`), from the leg's streams and the segment list:

- ``captured``: the leg's audio, composed per track and channels (000/002);
- ``paused-silence``: digital zeros in every channel (002 PauseBehavior=silence);
- ``paused-skip``: nothing (002 PauseBehavior=skip);
- a *no media* span of the leg removes captured time (no RTP, nothing to record).

Then trim-silence (leading and trailing only) and the duration in whole seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.sim.lifecycle import ACTIVE, transition
from recsim.sim.media import cut, to_sample
from recsim.sim.options import CallbackSpec, RecordingOptions
from recsim.values import PauseBehavior, SegmentKind, Source, Status

if TYPE_CHECKING:
    from recsim.sim.leg import Leg

__all__ = ["Assembly", "AudioSource", "CallbackSpec", "Recording", "RecordingOptions", "timeline", "whole_seconds"]


#: Renders a finished recording's ``(samples, stored)`` when they are first read.
AudioSource = Callable[[], tuple[np.ndarray, np.ndarray | None]]


@dataclass
class Assembly:
    """How a finished recording's length came about (samples), and its samples, rendered
    from the leg's streams when first read (:attr:`samples`, :attr:`stored`): a run
    without media only measures edges (trim-silence), never the whole recording."""

    untrimmed: int
    span: int
    skipped: int
    no_media: int
    trimmed: int
    silent: bool
    #: Renders ``(samples, stored)`` on first read (then dropped).
    source: AudioSource = field(repr=False, compare=False)
    channels: int = 1  # of ``samples``: 2 for a dual recording
    dropped: bool = False  # samples released after writing (bounded memory)
    trim_start: int = 0  # first kept sample of the untrimmed samples
    #: ``(first sample, t0, t1)`` of each part of the untrimmed samples, in order: maps a
    #: sample of the recording back to simulated time (captured or paused-silence).
    pieces: list[tuple[int, float, float]] = field(default_factory=list)
    _audio: tuple[np.ndarray, np.ndarray | None] | None = field(default=None, repr=False, compare=False)

    @property
    def n_samples(self) -> int:
        """Length of :attr:`samples` (samples at 8 kHz), known without rendering them."""
        return self.untrimmed - self.trimmed

    @property
    def samples(self) -> np.ndarray:
        """``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8 kHz, after trimming and
        downmix (rendered on first read)."""
        return self._rendered()[0]

    @property
    def stored(self) -> np.ndarray | None:
        """The dual original of a mono track-both recording (002: stored dual), else None."""
        return self._rendered()[1]

    def _rendered(self) -> tuple[np.ndarray, np.ndarray | None]:
        if self._audio is None:
            self._audio = self.source()
            self.source = _GONE
        return self._audio

    def drop(self) -> None:
        """Release the samples (media is on disk): keep memory bounded by the calls in
        flight. A new empty array, not a view, so the buffers are freed."""
        self._audio = (np.zeros((0,) if self.channels == 1 else (0, 2), dtype=np.int16), None)
        self.source = _GONE
        self.dropped = True


def _gone() -> tuple[np.ndarray, np.ndarray | None]:  # pragma: no cover - never called
    raise AssertionError("an assembly renders its samples once")


_GONE: AudioSource = _gone


def whole_seconds(n_samples: int, rounding: str) -> int:
    """Whole seconds of ``n_samples`` at 8 kHz: floor (default), ceil or round."""
    exact = n_samples / SAMPLE_RATE
    if rounding == "ceil":
        return math.ceil(exact - 1e-12)
    if rounding == "round":
        return math.floor(exact + 0.5)
    return n_samples // SAMPLE_RATE


class Recording:
    """One recording of a call leg: options, status and segments (state only).

    Parameters
    ----------
    sid : str
        RecordingSid (RE + 32 hex).
    leg : Leg
        The recorded leg (the parent leg of a two-leg call).
    options : RecordingOptions
        Source, track, channels, trim, callbacks.
    start : float
        Simulated time (s) capture begins.
    """

    def __init__(self, sid: str, leg: Leg, options: RecordingOptions, start: float) -> None:
        self.sid = sid
        self.leg = leg
        self.options = options
        self.start = start
        self.status = Status.IN_PROGRESS
        #: ``[kind, t0, t1]`` in time order: kind a :class:`SegmentKind`, times in
        #: simulated seconds, ``t1`` None while the segment is open.
        self.segments: list[list] = [[SegmentKind.CAPTURED, start, None]]
        self.stopped_at: float | None = None
        self.updated_at = start
        self.assembly: Assembly | None = None
        self.error_code: int | None = None
        self.duration: int | None = None
        self.completed_at: float | None = None
        self.conference_sid: str | None = None
        self.end_reason: str | None = None  # <Record>: timeout, key, max-length, hangup, redirect
        self.beep = False  # <Record> played a beep before capture
        self.transcribe = False  # <Record transcribe="true">
        self.transcribe_callback: str | None = None
        #: ``(assembly, channels)``: its captured words kept by :mod:`recsim.sim.words`
        #: between the two reads of a transcribed recording (rows, transcription).
        self.kept_words: tuple[Assembly, list] | None = None

    @property
    def active(self) -> bool:
        """In-progress or paused."""
        return self.status in ACTIVE

    def _close(self, t: float) -> None:
        seg = self.segments[-1]
        if seg[2] is None:
            seg[2] = max(t, seg[1])

    def pause(self, t: float, behavior: PauseBehavior | str = PauseBehavior.SILENCE) -> None:
        """Pause at ``t`` (002 update ``Status=paused``): until the resume, the span is
        left out of the recording (``skip``) or recorded as digital zeros (``silence``).

        Parameters
        ----------
        t : float
            Simulated time (s).
        behavior : PauseBehavior or str
            002 ``PauseBehavior``: ``skip`` or ``silence`` (the default), spelled
            exactly as on the wire.

        Raises
        ------
        InvalidRequestError
            20001 if ``behavior`` is not skip or silence (the message names
            PauseBehavior, the value and the allowed values); 16114 if the recording is
            no longer active.
        """
        kind = SegmentKind.paused(PauseBehavior.parse(behavior, "PauseBehavior"))
        new = transition(self.status, "pause")
        if self.status == Status.IN_PROGRESS:
            self._close(t)
            self.segments.append([kind, t, None])
        self.status = new
        self.updated_at = t

    def resume(self, t: float) -> None:
        """Resume at ``t`` (a no-op when already in progress).

        Raises
        ------
        InvalidRequestError
            16114 if the recording is no longer active.
        """
        new = transition(self.status, "resume")
        if self.status == Status.PAUSED:
            self._close(t)
            self.segments.append([SegmentKind.CAPTURED, t, None])
        self.status = new
        self.updated_at = t

    def stop(self, t: float) -> None:
        """Stop at ``t``; the recording goes to processing.

        Raises
        ------
        InvalidRequestError
            16114 if already stopped.
        """
        self.status = transition(self.status, "stop")
        self._close(t)
        self.stopped_at = t
        self.updated_at = t
        self.status = transition(self.status, "process")

    def assembled(self, assembly: Assembly, *, rounding: str, min_duration_s: float, delete_silent: bool) -> None:
        """Keep the samples of a stopped recording and decide whether it will be absent.

        Parameters
        ----------
        assembly : Assembly
            What :func:`recsim.sim.assembly.assemble` built (its length is known
            without rendering its samples).
        rounding : str
            floor, ceil or round: how ``duration`` (whole seconds) is counted.
        min_duration_s : float
            Shorter recordings are absent with error 16101 (000 absent event).
        delete_silent : bool
            Entirely silent recordings are absent with error 16102 (account setting).
        """
        n = assembly.n_samples
        self.assembly = assembly
        self.duration = whole_seconds(n, rounding)
        if n / SAMPLE_RATE < min_duration_s:
            self.error_code = 16101
        elif assembly.silent and delete_silent:
            self.error_code = 16102

    def complete(self, t: float) -> None:
        """Processing is over at ``t``: completed, or absent (duration 0) when
        :meth:`assembled` found an error code.

        Raises
        ------
        InvalidRequestError
            21220 if the recording is not processing (:func:`~recsim.sim.lifecycle.transition`).
        """
        absent = self.error_code is not None
        self.status = transition(self.status, "absent" if absent else "complete")
        self.completed_at = t
        self.updated_at = t
        if absent:
            self.duration = 0


def timeline(rec: Recording) -> dict[str, object]:
    """Where a stopped recording's samples sit on the simulated time axis, for plots.

    Returns
    -------
    dict
        ``pieces``: ``[kind, t0, t1]`` in recording order, kind ``captured`` or
        ``paused-silence`` (these make the untrimmed samples, in order); ``skipped``:
        paused-with-skip spans; ``no_media``: spans removed for missing RTP; ``trim``:
        ``[start, stop]`` sample bounds kept of the untrimmed samples; ``dtmf``, ``beep``
        and ``end_reason`` (``<Record>``); with a network path, ``lost_packets`` and
        ``concealed`` spans of the recorded leg; times in simulated seconds.
    """
    holes = sorted((to_sample(a), to_sample(b)) for a, b in rec.leg.no_media)
    pieces: list[list[object]] = []
    skipped: list[list[float]] = []
    gaps: list[list[float]] = []
    for kind, t0, t1 in rec.segments:
        if kind == SegmentKind.PAUSED_SKIP:
            skipped.append([t0, t1])
        elif kind == SegmentKind.PAUSED_SILENCE:
            pieces.append([str(kind), t0, t1])
        else:
            s0, s1 = to_sample(t0), to_sample(t1)
            kept = cut(s0, s1, holes)
            for p0, p1 in kept:
                pieces.append([str(SegmentKind.CAPTURED), p0 / SAMPLE_RATE, p1 / SAMPLE_RATE])
            edges = [s0, *[x for p in kept for x in p], s1]
            for g0, g1 in zip(edges[::2], edges[1::2], strict=False):
                if g1 > g0:
                    gaps.append([g0 / SAMPLE_RATE, g1 / SAMPLE_RATE])
    a = rec.assembly
    trim = [0, 0]
    if a is not None:
        trim = [a.trim_start, a.trim_start + a.untrimmed - a.trimmed]
    stop = rec.stopped_at if rec.stopped_at is not None else rec.start
    out = {
        "sid": rec.sid, "call_sid": rec.leg.sid, "source": str(rec.options.source), "channels": rec.options.n_channels,
        "start": rec.start, "stop": stop, "pieces": pieces, "skipped": skipped, "no_media": gaps, "trim": trim,
        "dtmf": [[t, k] for t, k in rec.leg.dtmf if rec.start <= t <= stop],
        "beep": [rec.start - 0.25, rec.start] if rec.options.source is Source.RECORD_VERB and rec.beep else None,
        "end_reason": rec.end_reason,
    }
    if rec.leg.line is not None:  # a network path (recsim.sim.network): lost and concealed packets
        out["lost_packets"] = [[a, b] for a, b in rec.leg.lost if b > rec.start and a < stop]
        out["concealed"] = [[a, b] for a, b in rec.leg.concealed if b > rec.start and a < stop]
    return out
