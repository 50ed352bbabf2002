"""Assembling a stopped recording's samples from its segments and its leg's streams.

Samples are built once, when the recording stops: ``captured`` segments render the
leg's tracks (composed per track and channels, 000/002) minus its *no media* spans,
``paused-silence`` segments are digital zeros, ``paused-skip`` segments nothing; then
trim-silence (leading and trailing only) and, for a mono track-both recording, the
downmix (the dual original is kept as ``stored``, 002).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from recsim.audio import SAMPLE_RATE, downmix, interleave, silence_bounds
from recsim.audio._validate import frame_length
from recsim.sim.media import cut, to_sample
from recsim.sim.recording import Assembly, Recording
from recsim.values import SegmentKind, Track

__all__ = ["EDGE_SAMPLES", "assemble"]


def _render_into(rec: Recording, out: np.ndarray, a: int) -> None:
    """The recorded tracks from sample ``a`` written into ``out`` (zeros on entry;
    ``(n,)``, or ``(2, n)`` for track both: always rendered dual, inbound in row 0 and
    outbound in row 1, each contiguous, interleaved by :func:`_span` as
    :func:`~recsim.audio.compose` lays them out (call recordings are stored in dual
    channel, 002), downmixed after trimming if mono)."""
    o = rec.options
    leg = rec.leg
    if o.track is Track.INBOUND:
        leg.inbound.render_into(out, a)
    elif o.track is Track.OUTBOUND:
        leg.outbound.render_into(out, a)
    else:
        leg.inbound.render_into(out[0], a)
        leg.outbound.render_into(out[1], a)


@dataclass
class _Collected:
    """The parts of the untrimmed samples in order, and the sample accounting. A part is
    ``(first sample, length, p0)``: stream samples from ``p0`` on (captured), or digital
    zeros (``p0`` None, paused-silence)."""

    parts: list[tuple[int, int, int | None]] = field(default_factory=list)
    pieces: list[tuple[int, float, float]] = field(default_factory=list)
    span: int = 0
    skipped: int = 0
    removed: int = 0
    n: int = 0

    def add(self, length: int, p0: int | None, t0: float, t1: float) -> None:
        """Append a part of ``length`` samples carrying simulated time ``[t0, t1)`` s."""
        self.parts.append((self.n, length, p0))
        self.pieces.append((self.n, t0, t1))
        self.n += length


def _collect(rec: Recording, holes: list[tuple[int, int]]) -> _Collected:
    """Walk the segments: captured audio minus ``holes`` (no-media sample spans),
    digital zeros for paused-silence, nothing for paused-skip."""
    acc = _Collected()
    for kind, t0, t1 in rec.segments:
        s0, s1 = to_sample(t0), to_sample(t1)
        acc.span += s1 - s0
        if kind == SegmentKind.PAUSED_SKIP:
            acc.skipped += s1 - s0
        elif kind == SegmentKind.PAUSED_SILENCE:
            acc.add(s1 - s0, None, t0, t1)
        else:
            kept = cut(s0, s1, holes)
            for p0, p1 in kept:
                acc.add(p1 - p0, p0, p0 / SAMPLE_RATE, p1 / SAMPLE_RATE)
            acc.removed += (s1 - s0) - sum(p1 - p0 for p0, p1 in kept)
    return acc


def _span(rec: Recording, parts: list[tuple[int, int, int | None]], lo: int, hi: int, nch: int) -> np.ndarray:
    """Samples ``[lo, hi)`` of the untrimmed recording: ``(hi - lo,)`` or
    ``(hi - lo, 2)`` int16, each captured part rendered straight into its place (two
    channels each into a contiguous row, then interleaved in one pass: copies into a
    strided column cost ~5x more)."""
    out = np.zeros((hi - lo,) if nch == 1 else (2, hi - lo), dtype=np.int16)
    for first, length, p0 in parts:
        x, y = max(lo, first), min(hi, first + length)
        if x < y and p0 is not None:  # paused-silence stays zeros
            _render_into(rec, out[..., x - lo : y - lo], p0 + x - first)
    return out if nch == 1 else interleave(out[0], out[1])


def _cut_invariant(rec: Recording) -> bool:
    """Whether every stream the recording reads renders any cut of a span as the same
    slice of the whole span: no A-law stream among them (where nothing plays, an A-law
    stream gives 0 or the code of 0, +8, depending on how its parts mix)."""
    todo, seen = [rec.leg.inbound, rec.leg.outbound], set()
    while todo:
        s = todo.pop()
        if id(s) not in seen:
            seen.add(id(s))
            if s.codec == "PCMA":
                return False
            todo += [src for _, _, src in s.links]
    return True


#: Samples of the first edge chunk rendered for trim-silence (0.5 s), doubled while silent.
EDGE_SAMPLES = 4000


def _edges(get: Callable[[int, int], np.ndarray], n: int, threshold_dbfs: float, frame_s: float,
           trailing: bool) -> tuple[int, int]:
    """:func:`~recsim.audio.silence_bounds` of the ``n`` untrimmed samples, reading only
    frame-aligned chunks ``get(lo, hi)`` from each edge until a loud frame; without
    ``trailing`` the stop is ``n`` (only whether the recording is silent matters)."""
    frame = frame_length(frame_s)
    size = max(1, EDGE_SAMPLES // frame) * frame
    lo, reach, first = 0, size, -1
    while lo < n and first < 0:
        hi = min(n, lo + reach)
        s, e = silence_bounds(get(lo, hi), threshold_dbfs=threshold_dbfs, frame_s=frame_s)
        first = lo + s if e > 0 else -1
        lo, reach = hi, reach * 2
    if first < 0 or not trailing:
        return (0, 0) if first < 0 else (first, n)
    top, c1, reach = -(-n // frame) * frame, n, size
    while True:
        c0 = max(first, top - reach)
        s, e = silence_bounds(get(c0, c1), threshold_dbfs=threshold_dbfs, frame_s=frame_s)
        if e > 0:
            return first, c0 + e
        c1, reach = c0, reach * 2


def assemble(
    rec: Recording,
    *,
    no_media: list[tuple[float, float]],
    threshold_dbfs: float,
    frame_s: float,
) -> Assembly:
    """Measure a stopped recording; its samples are rendered when first read.

    The streams' past never changes (clips are placed, links and floors end, at the
    current time or later), so rendering later gives the samples of rendering now. When
    every stream renders any cut as the slice of the whole (:func:`_cut_invariant`),
    trim-silence reads only the edges; otherwise everything is rendered now.

    Parameters
    ----------
    rec : Recording
        A recording whose segments are all closed.
    no_media : list of (float, float)
        Simulated-time spans (s) without RTP on the leg.
    threshold_dbfs, frame_s : float
        The trim-silence rule (account settings).

    Returns
    -------
    Assembly
        ``samples``: ``(n,)`` or ``(n, 2)`` int16 after trimming (when the recording
        trims); ``untrimmed`` its length before; and the sample accounting
        ``span - skipped - no_media - trimmed == n_samples``.
    """
    nch = 2 if rec.options.track is Track.BOTH else 1
    acc = _collect(rec, sorted((to_sample(a), to_sample(b)) for a, b in no_media))
    untrimmed, trim, mono = acc.n, rec.options.trim, nch == 2 and rec.options.n_channels == 1
    whole: np.ndarray | None = None
    if _cut_invariant(rec):
        t_start, b = _edges(lambda lo, hi: _span(rec, acc.parts, lo, hi, nch), untrimmed, threshold_dbfs,
                            frame_s, trim)
    else:
        whole = _span(rec, acc.parts, 0, untrimmed, nch)
        t_start, b = silence_bounds(whole, threshold_dbfs=threshold_dbfs, frame_s=frame_s)
    lo, hi = (t_start, b) if trim else (0, untrimmed)

    def source() -> tuple[np.ndarray, np.ndarray | None]:  # cut invariant unless whole: render only [lo, hi)
        samples = whole[lo:hi] if whole is not None else _span(rec, acc.parts, lo, hi, nch)
        return (downmix(samples), samples) if mono else (samples, None)

    return Assembly(
        _audio=source() if whole is not None else None,
        untrimmed=untrimmed,
        span=acc.span,
        skipped=acc.skipped,
        no_media=acc.removed,
        trimmed=untrimmed - (hi - lo),
        silent=b == 0,
        source=source,
        channels=1 if nch == 1 or mono else 2,
        trim_start=t_start if trim else 0,
        pieces=acc.pieces,
    )
