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
the piece and to the recording: ``0 <= start <= end <= duration``.
"""

from __future__ import annotations

from recsim.audio import SAMPLE_RATE
from recsim.scenario.words import Word
from recsim.sim.media import Stream
from recsim.sim.recording import Recording
from recsim.values import SegmentKind, Track

__all__ = ["captured_words", "recording_words", "stream_words"]


def stream_words(stream: Stream, t0: float, t1: float) -> list[Word]:
    """The words on ``stream`` whose midpoint lies in ``[t0, t1)`` s of simulated time,
    its own clips' and those of the streams it links (a bridge), in time order; times in
    simulated seconds."""
    out: list[Word] = []
    for start, words in stream.words:
        base = start / SAMPLE_RATE
        out.extend(w.shifted(base) for w in words if t0 <= base + w.mid < t1)
    for a, b, src in stream.links:
        lo, hi = max(t0, a / SAMPLE_RATE), min(t1, b / SAMPLE_RATE)
        if lo < hi:
            out.extend(stream_words(src, lo, hi))
    out.sort(key=lambda w: (w.start, w.end))
    return out


def captured_words(rec: Recording, stream: Stream) -> list[Word]:
    """The words of ``stream`` that the stopped, assembled recording ``rec`` captured
    (the capture rule, module docstring), in recording time (s from the first sample of
    the recording as stored, after trimming), in order.

    Returns
    -------
    list of Word
        Empty when ``rec`` has no assembly yet.
    """
    a = rec.assembly
    if a is None:
        return []
    silence = {(t0, t1) for kind, t0, t1 in rec.segments if kind == SegmentKind.PAUSED_SILENCE}
    lead = a.trim_start / SAMPLE_RATE
    duration = (a.untrimmed - a.trimmed) / SAMPLE_RATE
    out: list[Word] = []
    for first, t0, t1 in a.pieces:
        if (t0, t1) in silence:
            continue
        at = first / SAMPLE_RATE - lead  # recording time of simulated time t0
        for w in stream_words(stream, t0, t1):
            if not 0.0 <= w.mid - t0 + at < duration:
                continue
            start = max(0.0, max(w.start, t0) - t0 + at)
            end = min(duration, min(w.end, t1) - t0 + at)
            out.append(Word(w.text, round(start, 6), round(end, 6)))
    return out


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
    leg, track = rec.leg, rec.options.track
    if track is Track.INBOUND:
        return [captured_words(rec, leg.inbound)]
    if track is Track.OUTBOUND:
        return [captured_words(rec, leg.outbound)]
    inbound, outbound = captured_words(rec, leg.inbound), captured_words(rec, leg.outbound)
    if rec.options.n_channels == 2:
        return [inbound, outbound]
    return [sorted(inbound + outbound, key=lambda w: (w.start, w.end))]
