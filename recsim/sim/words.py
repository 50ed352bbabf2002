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

from collections.abc import Sequence

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.scenario.words import ClipWords, Word
from recsim.sim._capture import capture_window
from recsim.sim.media import Stream
from recsim.sim.recording import Recording
from recsim.transcription.sources import TalkerSlice
from recsim.values import SegmentKind, Status, Track

__all__ = ["Arrays", "captured_arrays", "captured_words", "recording_arrays", "recording_texts", "recording_words",
           "stream_words"]

#: The words of a stream's own clips: texts (object array), starts and ends (s from their
#: clip's start) and the start of their clip (simulated s); all ``(n,)``.
Flat = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
#: Parallel arrays of a clip's words as Word objects (a file's, a ``<Say>``'s: one tuple
#: shared by every clip of it), made once per tuple: ``id -> (the words, arrays)``.
_ARRAYS: dict[int, tuple[Sequence[Word], ClipWords]] = {}

#: One channel's captured words: texts, starts and ends (recording s), parallel lists.
Arrays = tuple[list[str], list[float], list[float]]
_NO_TEXTS = np.zeros(0, dtype=object)
_NO_TIMES = np.zeros(0)


def _clip_arrays(words: Sequence[Word]) -> ClipWords:
    """A clip's words as arrays: a talker slice's are found (once); a tuple of Word is
    converted once per tuple."""
    if type(words) is TalkerSlice:
        return words.arrays()
    if type(words) is ClipWords:
        return words
    hit = _ARRAYS.get(id(words))
    if hit is None or hit[0] is not words:
        if len(_ARRAYS) >= 4096:
            _ARRAYS.clear()
        hit = _ARRAYS[id(words)] = (words, ClipWords.of(words))
    return hit[1]


def _flat(stream: Stream) -> Flat:
    """The words of ``stream``'s own clips, clip after clip (:data:`Flat`); made once per
    stream and number of clips (clips are only ever appended)."""
    n = len(stream.words)
    hit = stream.flat_words
    if hit is not None and hit[0] == n:
        return hit[1]  # type: ignore[return-value]
    if n == 1:
        first, words = stream.words[0]
        c = _clip_arrays(words)
        flat = (c.texts, c.starts, c.ends, np.full(len(c), first / SAMPLE_RATE))
    else:
        clips = [_clip_arrays(words) for _, words in stream.words]
        base = np.array([first / SAMPLE_RATE for first, _ in stream.words]).repeat([len(c) for c in clips])
        flat = (np.concatenate([c.texts for c in clips]), np.concatenate([c.starts for c in clips]),
                np.concatenate([c.ends for c in clips]), base)
    stream.flat_words = (n, flat)
    return flat


def _gather(stream: Stream, t0: float, t1: float, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
            at: float | None = None, t: float = 0.0, duration: float = 0.0) -> None:
    """Append to ``parts`` the (texts, starts, ends) of the words of ``stream`` and its
    links with midpoint in ``[t0, t1)`` (simulated s); with ``at``, only those whose
    midpoint, with simulated time ``t`` mapped to recording time ``at``, lies in
    ``[0, duration)`` (the capture rule's second test, made in the same pass)."""
    if stream.words:
        texts, s, e, base = _flat(stream)
        mid = base + 0.5 * (s + e)
        starts, ends = s + base, e + base
        inside = (mid >= t0) & (mid < t1)
        if at is not None:
            rec_mid = 0.5 * (starts + ends) - t + at
            inside &= (rec_mid >= 0.0) & (rec_mid < duration)
        keep = inside.nonzero()[0]
        if keep.size:
            parts.append((texts[keep], starts[keep], ends[keep]))
    for a, b, src in stream.links:
        lo, hi = max(t0, a / SAMPLE_RATE), min(t1, b / SAMPLE_RATE)
        if lo < hi:
            _gather(src, lo, hi, parts, at, t, duration)


def _windows(stream: Stream, t0: float, t1: float, out: list[tuple[Stream, float, float]]) -> None:
    """Append ``(stream, lo, hi)`` for ``stream`` and each stream it links within
    ``[t0, t1)`` that has words of its own (what :func:`_gather` would read)."""
    if stream.words:
        out.append((stream, t0, t1))
    for a, b, src in stream.links:
        lo, hi = max(t0, a / SAMPLE_RATE), min(t1, b / SAMPLE_RATE)
        if lo < hi:
            _windows(src, lo, hi, out)


def _sorted(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gathered ``parts`` as one (texts, starts, ends), in time order (start, then
    end; ties in gathering order)."""
    if len(parts) == 1:
        texts, s, e = parts[0]
    else:
        texts, s, e = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((e, s))
    return texts[order], s[order], e[order]


def _stream_arrays(stream: Stream, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Texts (object array), starts and ends (simulated s) of the words of ``stream``
    with midpoint in ``[t0, t1)``, in time order (start, then end)."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    _gather(stream, t0, t1, parts)
    return _sorted(parts) if parts else (_NO_TEXTS, _NO_TIMES, _NO_TIMES)


def stream_words(stream: Stream, t0: float, t1: float) -> list[Word]:
    """The words on ``stream`` whose midpoint lies in ``[t0, t1)`` s of simulated time,
    its own clips' and those of the streams it links (a bridge), in time order; times in
    simulated seconds."""
    texts, s, e = _stream_arrays(stream, t0, t1)
    return [Word(t, a, b) for t, a, b in zip(texts.tolist(), s.tolist(), e.tolist(), strict=True)]


def _captured(rec: Recording, stream: Stream) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`captured_words` as arrays: texts (object), starts and ends (recording s)."""
    a = rec.assembly
    if a is None:
        return _NO_TEXTS, _NO_TIMES, _NO_TIMES
    silence = {(t0, t1) for kind, t0, t1 in rec.segments if kind == SegmentKind.PAUSED_SILENCE}
    lead = a.trim_start / SAMPLE_RATE
    duration = (a.untrimmed - a.trimmed) / SAMPLE_RATE
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for first, t0, t1 in a.pieces:
        if (t0, t1) in silence:
            continue
        at = first / SAMPLE_RATE - lead  # recording time of simulated time t0
        windows: list[tuple[Stream, float, float]] = []
        _windows(stream, t0, t1, windows)
        if len(windows) == 1:  # one stream's words (the usual case): one jitted pass
            src, lo, hi = windows[0]
            texts, s, e, base = _flat(src)
            index, s, e = capture_window(s, e, base, float(lo), float(hi), float(t0), float(t1), float(at),
                                         float(duration))
            if index.size:
                out.append((texts[index], s, e))
        elif windows:  # words of several streams over a bridge: gathered and sorted together
            parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            _gather(stream, t0, t1, parts, at, t0, duration)
            if parts:
                texts, s, e = _sorted(parts)
                out.append((texts, np.maximum(0.0, np.maximum(s, t0) - t0 + at),
                            np.minimum(duration, np.minimum(e, t1) - t0 + at)))
    if not out:
        return _NO_TEXTS, _NO_TIMES, _NO_TIMES
    texts, s, e = out[0] if len(out) == 1 else (np.concatenate(x) for x in zip(*out, strict=True))
    return texts, s.round(6), e.round(6)


def captured_arrays(rec: Recording, stream: Stream) -> Arrays:
    """:func:`captured_words` as parallel lists (texts, starts, ends in recording s), for
    callers that make many rows (``words.jsonl``) without a :class:`Word` per word.

    Returns
    -------
    Arrays
        ``(texts, starts, ends)``: lists of str and of float (s, rounded to 1 µs), one
        entry per captured word, in order; empty lists when ``rec`` has no assembly.
    """
    texts, s, e = _captured(rec, stream)
    return texts.tolist(), s.tolist(), e.tolist()


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


def _channels(rec: Recording) -> list[Arrays]:
    leg, track = rec.leg, rec.options.track
    if track is Track.INBOUND:
        return [captured_arrays(rec, leg.inbound)]
    if track is Track.OUTBOUND:
        return [captured_arrays(rec, leg.outbound)]
    if rec.options.n_channels == 2:
        return [captured_arrays(rec, leg.inbound), captured_arrays(rec, leg.outbound)]
    parts = [_captured(rec, leg.inbound), _captured(rec, leg.outbound)]
    texts, s, e = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((e, s))  # stable: inbound first on ties
    return [(texts[order].tolist(), s[order].tolist(), e[order].tolist())]


def recording_arrays(rec: Recording, *, share: bool = False) -> list[Arrays]:
    """:func:`recording_words` as parallel lists per channel (:func:`captured_arrays`).

    With ``share`` (the ``words.jsonl`` rows, read first), a completed ``<Record
    transcribe>`` recording's channels are kept for its transcription, the second read,
    which takes them (shared lists: callers do not change them).
    """
    hit, rec.kept_words = rec.kept_words, None
    if hit is not None and hit[0] is rec.assembly:
        return hit[1]
    channels = _channels(rec)
    if share and rec.transcribe and rec.status == Status.COMPLETED and rec.assembly is not None:
        rec.kept_words = (rec.assembly, channels)  # for the second read, which drops it
    return channels


def recording_texts(rec: Recording) -> list[str]:
    """The captured words of ``rec``, all channels merged in time order (start, then
    end; ties: channel order), as text only: what a word engine transcribes
    (:meth:`recsim.transcription.ReferenceEngine.transcribe_texts`).

    Returns
    -------
    list of str
        The words as written, ``[w.text for w in sorted(words of every channel)]`` of
        :func:`recording_words`; empty when nothing was captured.
    """
    channels = recording_arrays(rec)
    texts = [t for ch in channels for t in ch[0]]
    if not texts:
        return texts
    starts = np.array([a for ch in channels for a in ch[1]])
    order = np.lexsort((np.array([b for ch in channels for b in ch[2]]), starts))
    return [texts[i] for i in order.tolist()]


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
