"""The one definition of what a recording's timeline shows, shared by the HTML report
(:mod:`recsim.report`) and the PNG plots (:mod:`recsim.plots`): the kinds of spans and
marks, their colours and their names, and :func:`timeline_spans`, which turns a line of
``timelines.jsonl`` into them.

Spans (intervals of simulated time): ``captured`` (in the file), ``paused-silence``
(paused with ``PauseBehavior=silence``: silence in the file), ``paused-skip`` (paused
with ``PauseBehavior=skip``: not in the file), ``no-media`` (no RTP: cut from the file),
``lost`` (packets lost on the network), ``concealed`` (packet loss concealment filled
them), ``trimmed`` (removed by ``trim-silence``). Marks (moments): ``dtmf`` (a key pressed),
``beep``, ``timeout`` (``<Record>`` ended by its timeout) and ``callback`` (a recording
status callback). Source: ``docs/semantics.md``; the pause behaviors of
``twilio_api_v2010_recording_excerpt.json`` (``PauseBehavior``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recsim.audio import SAMPLE_RATE

__all__ = ["KINDS", "MARK_KINDS", "SPAN_KINDS", "Kind", "TimelineView", "timeline_spans"]


@dataclass(frozen=True)
class Kind:
    """How one kind of span or mark is drawn.

    Attributes
    ----------
    key : str
        The kind, as in :class:`TimelineView` (``"paused-skip"``).
    name : str
        Its name in legends (``"paused (skip): not in the file"``).
    color : str
        CSS/matplotlib colour, ``#rrggbb``.
    style : str
        Spans: ``"solid"`` or ``"hatched"``; marks: ``"solid"`` or ``"dashed"``.
    """

    key: str
    name: str
    color: str
    style: str = "solid"


#: Spans, in legend order.
SPAN_KINDS: tuple[Kind, ...] = (
    Kind("captured", "captured (in the file)", "#ffffff"),
    Kind("paused-silence", "paused (silence in the file)", "#9e9e9e"),
    Kind("paused-skip", "paused (skip: not in the file)", "#e53935", "hatched"),
    Kind("no-media", "no media (no RTP)", "#fdd835"),
    Kind("lost", "lost packets", "#6d4c41", "hatched"),
    Kind("concealed", "concealed (packet loss concealment)", "#ff80ab"),
    Kind("trimmed", "trimmed (trim-silence)", "#1e88e5"),
)
#: Marks, in legend order.
MARK_KINDS: tuple[Kind, ...] = (
    Kind("dtmf", "DTMF key", "#43a047"),
    Kind("beep", "beep", "#fb8c00"),
    Kind("timeout", "<Record> timeout", "#8e24aa"),
    Kind("callback", "status callback", "#000000", "dashed"),
)
#: Every kind by key.
KINDS: dict[str, Kind] = {k.key: k for k in (*SPAN_KINDS, *MARK_KINDS)}


@dataclass
class TimelineView:
    """A recording's spans and marks on the simulated time axis (seconds).

    Attributes
    ----------
    spans : list of (kind, t0, t1)
        Kinds of :data:`SPAN_KINDS`, ``t0 <= t1``; captured and paused-silence spans in
        recording order, then skips, no-media gaps and trimmed ends.
    marks : list of (kind, t, label)
        Kinds of :data:`MARK_KINDS`; ``label`` is the key (DTMF), the RecordingStatus
        (callback) or ``""``.
    """

    spans: list[tuple[str, float, float]]
    marks: list[tuple[str, float, str]]


def _sample_time(pieces: list[list[Any]], i: int) -> float:
    """Simulated time (s) of untrimmed sample ``i`` (pieces in order; clamped to the last)."""
    last = 0.0
    for _kind, t0, t1 in pieces:
        s0, s1 = round(t0 * SAMPLE_RATE), round(t1 * SAMPLE_RATE)
        if i < s1 - s0:
            return (s0 + i) / SAMPLE_RATE
        i -= s1 - s0
        last = (s1 - 1) / SAMPLE_RATE if s1 > s0 else last
    return last


def _untrimmed(pieces: list[list[Any]]) -> int:
    return sum(round(t1 * SAMPLE_RATE) - round(t0 * SAMPLE_RATE) for _k, t0, t1 in pieces)


def timeline_spans(tl: dict[str, Any]) -> TimelineView:
    """The spans and marks of one recording.

    Parameters
    ----------
    tl : dict
        Its line of ``timelines.jsonl`` (:func:`recsim.sim.recording.timeline`):
        ``pieces``, ``skipped``, ``no_media``, ``lost_packets`` and ``concealed``
        (optional), ``trim`` (sample bounds at 8000 Hz),
        ``dtmf``, ``beep``, ``end_reason``, ``stop``, ``callbacks``.

    Returns
    -------
    TimelineView
        Trimmed spans run from the first untrimmed sample to the first kept one, and from
        the first sample cut at the end to one sample past the last.
    """
    pieces = tl.get("pieces", [])
    spans = [(str(k), float(t0), float(t1)) for k, t0, t1 in pieces if str(k) in KINDS]
    spans += [("paused-skip", float(t0), float(t1)) for t0, t1 in tl.get("skipped", [])]
    spans += [("no-media", float(t0), float(t1)) for t0, t1 in tl.get("no_media", [])]
    spans += [("lost", float(t0), float(t1)) for t0, t1 in tl.get("lost_packets", [])]
    spans += [("concealed", float(t0), float(t1)) for t0, t1 in tl.get("concealed", [])]
    n = _untrimmed(pieces)
    a, b = tl.get("trim", [0, n]) or [0, n]
    if n and a > 0:
        spans.append(("trimmed", _sample_time(pieces, 0), _sample_time(pieces, min(a, n - 1))))
    if n and b < n:
        spans.append(("trimmed", _sample_time(pieces, b), _sample_time(pieces, n - 1) + 1 / SAMPLE_RATE))
    marks = [("dtmf", float(t), str(k)) for t, k in tl.get("dtmf", [])]
    if tl.get("beep"):
        marks.append(("beep", float(tl["beep"][0]), ""))
    if tl.get("end_reason") == "timeout":
        marks.append(("timeout", float(tl["stop"]), ""))
    marks += [("callback", float(t), str(s)) for t, s in tl.get("callbacks", [])]
    return TimelineView(spans, marks)
