"""The words a finished recording captured, per track, in recording time.

Words ride on the leg's streams with the audio (:attr:`recsim.sim.media.Stream.words`,
following bridge links); a recording's :attr:`~recsim.sim.recording.Assembly.pieces`
map its samples back to simulated time, so the words flow through exactly what shaped the
audio: track selection, pause skip (the span is absent: its words are gone), pause
silence (digital zeros: its words are gone, the time stays), no-media spans, trim,
maxLength and finishOnKey (where the capture ended).

**The capture rule** (docs/semantics.md, "Words"): a word is captured when its midpoint
(``(start + end) / 2``, simulated time) lies in a *captured* piece of the recording (not
paused, not no-media) and, mapped into the recording, inside the samples kept after
trimming. Its times in the recording are its times mapped through that piece, clipped to
the piece and to the recording: ``0 <= start <= end <= duration``, rounded to 1 µs
(``numpy.round(x, 6)``).
"""

from __future__ import annotations

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.scenario.words import Word
from recsim.sim.media import Stream
from recsim.sim.recording import Recording
from recsim.values import SegmentKind, Track

__all__ = ["captured_arrays", "captured_words", "recording_arrays", "recording_words", "stream_words"]


#: Parallel arrays of a clip's words: (the words, start s, end s), cached by the tuple.
_ARRAYS: dict[int, tuple[tuple[Word, ...], np.ndarray, np.ndarray]] = {}


def _arrays(words: tuple[Word, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times (s, float64) of a clip's words, computed once per tuple (a
    file's words are one tuple shared by every clip of it)."""
    hit = _ARRAYS.get(id(words))
    if hit is None or hit[0] is not words:
        if len(_ARRAYS) >= 4096:
            _ARRAYS.clear()
        hit = (words, np.array([w.start for w in words]), np.array([w.end for w in words]))
        _ARRAYS[id(words)] = hit
    return hit[1], hit[2]


def _gather(stream: Stream, t0: float, t1: float, texts: list[str], starts: list[np.ndarray],
            ends: list[np.ndarray]) -> None:
    """Append the words of ``stream`` (and its links) with midpoint in ``[t0, t1)``."""
    for first, words in stream.words:
        base = first / SAMPLE_RATE
        s, e = _arrays(words)
        mid = base + 0.5 * (s + e)
        keep = np.flatnonzero((mid >= t0) & (mid < t1))
        if keep.size:
            texts.extend(words[i].text for i in keep.tolist())
            starts.append(s[keep] + base)
            ends.append(e[keep] + base)
    for a, b, src in stream.links:
        lo, hi = max(t0, a / SAMPLE_RATE), min(t1, b / SAMPLE_RATE)
        if lo < hi:
            _gather(src, lo, hi, texts, starts, ends)


def _stream_arrays(stream: Stream, t0: float, t1: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, starts and ends (simulated s) of the words of ``stream`` with midpoint in
    ``[t0, t1)``, in time order (start, then end)."""
    texts: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    _gather(stream, t0, t1, texts, starts, ends)
    if not texts:
        return [], np.zeros(0), np.zeros(0)
    s, e = np.concatenate(starts), np.concatenate(ends)
    order = np.lexsort((e, s))
    return [texts[i] for i in order.tolist()], s[order], e[order]


def stream_words(stream: Stream, t0: float, t1: float) -> list[Word]:
    """The words on ``stream`` whose midpoint lies in ``[t0, t1)`` s of simulated time,
    its own clips' and those of the streams it links (a bridge), in time order; times in
    simulated seconds."""
    texts, s, e = _stream_arrays(stream, t0, t1)
    return [Word(t, a, b) for t, a, b in zip(texts, s.tolist(), e.tolist(), strict=True)]


def captured_arrays(rec: Recording, stream: Stream) -> tuple[list[str], list[float], list[float]]:
    """:func:`captured_words` as parallel lists (texts, starts, ends in recording s), for
    callers that make many rows (``words.jsonl``) without a :class:`Word` per word."""
    a = rec.assembly
    texts: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    if a is None:
        return texts, starts, ends
    silence = {(t0, t1) for kind, t0, t1 in rec.segments if kind == SegmentKind.PAUSED_SILENCE}
    lead = a.trim_start / SAMPLE_RATE
    duration = (a.untrimmed - a.trimmed) / SAMPLE_RATE
    for first, t0, t1 in a.pieces:
        if (t0, t1) in silence:
            continue
        words, s, e = _stream_arrays(stream, t0, t1)
        if not words:
            continue
        at = first / SAMPLE_RATE - lead  # recording time of simulated time t0
        rec_mid = 0.5 * (s + e) - t0 + at
        keep = np.flatnonzero((rec_mid >= 0.0) & (rec_mid < duration))
        texts.extend(words[i] for i in keep.tolist())
        starts.extend(np.round(np.maximum(0.0, np.maximum(s[keep], t0) - t0 + at), 6).tolist())
        ends.extend(np.round(np.minimum(duration, np.minimum(e[keep], t1) - t0 + at), 6).tolist())
    return texts, starts, ends


def captured_words(rec: Recording, stream: Stream) -> list[Word]:
    """The words of ``stream`` that the stopped, assembled recording ``rec`` captured
    (the capture rule, module docstring), in recording time (s from the first sample of
    the recording as stored, after trimming), in order.

    Returns
    -------
    list of Word
        Empty when ``rec`` has no assembly yet.
    """
    return [Word(*w) for w in zip(*captured_arrays(rec, stream), strict=True)]


def recording_arrays(rec: Recording) -> list[tuple[list[str], list[float], list[float]]]:
    """:func:`recording_words` as parallel lists per channel (:func:`captured_arrays`)."""
    leg, track = rec.leg, rec.options.track
    if track is Track.INBOUND:
        return [captured_arrays(rec, leg.inbound)]
    if track is Track.OUTBOUND:
        return [captured_arrays(rec, leg.outbound)]
    inbound, outbound = captured_arrays(rec, leg.inbound), captured_arrays(rec, leg.outbound)
    if rec.options.n_channels == 2:
        return [inbound, outbound]
    texts, starts, ends = inbound[0] + outbound[0], inbound[1] + outbound[1], inbound[2] + outbound[2]
    order = sorted(range(len(texts)), key=lambda i: (starts[i], ends[i]))  # stable: inbound first on ties
    return [([texts[i] for i in order], [starts[i] for i in order], [ends[i] for i in order])]


def recording_words(rec: Recording) -> list[list[Word]]:
    """The captured words of ``rec`` by channel, as its media stores them.

    Returns
    -------
    list of list of Word
        Dual (two channels): ``[inbound words, outbound words]`` (channel 1 the parent
        call, channel 2 the other party or platform audio, DESIGN.md); one channel: one
        list, the recorded track's words, or for a mono track-both recording (the
        downmix) the words of both tracks merged in time order.
    """
    return [[Word(*w) for w in zip(*ch, strict=True)] for ch in recording_arrays(rec)]
