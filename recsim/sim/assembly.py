"""Assembling a stopped recording's samples from its segments and its leg's streams.

Samples are built once, when the recording stops: ``captured`` segments render the
leg's tracks (composed per track and channels, 000/002) minus its *no media* spans,
``paused-silence`` segments are digital zeros, ``paused-skip`` segments nothing; then
trim-silence (leading and trailing only) and, for a mono track-both recording, the
downmix (the dual original is kept as ``stored``, 002).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recsim.audio import SAMPLE_RATE, compose, downmix, trim_silence
from recsim.sim.media import cut, to_sample
from recsim.sim.recording import Assembly, Recording
from recsim.values import SegmentKind, Track

__all__ = ["assemble"]


def _render(rec: Recording, a: int, b: int) -> np.ndarray:
    """The recorded tracks over ``[a, b)``; track both is always rendered dual (call
    recordings are stored in dual channel, 002) and downmixed after trimming if mono."""
    o = rec.options
    leg = rec.leg
    if o.track is Track.INBOUND:
        return leg.inbound.render(a, b)
    if o.track is Track.OUTBOUND:
        return leg.outbound.render(a, b)
    return compose(leg.inbound.render(a, b), leg.outbound.render(a, b), track="both", channels="dual")


@dataclass
class _Collected:
    """The parts of the untrimmed samples in order, and the sample accounting."""

    parts: list[np.ndarray] = field(default_factory=list)
    pieces: list[tuple[int, float, float]] = field(default_factory=list)
    span: int = 0
    skipped: int = 0
    removed: int = 0
    n: int = 0

    def add(self, part: np.ndarray, t0: float, t1: float) -> None:
        """Append ``part``, which carries simulated time ``[t0, t1)`` s."""
        self.parts.append(part)
        self.pieces.append((self.n, t0, t1))
        self.n += part.shape[0]


def _collect(rec: Recording, holes: list[tuple[int, int]], nch: int) -> _Collected:
    """Walk the segments: captured audio minus ``holes`` (no-media sample spans),
    digital zeros for paused-silence, nothing for paused-skip."""
    acc = _Collected()
    for kind, t0, t1 in rec.segments:
        s0, s1 = to_sample(t0), to_sample(t1)
        acc.span += s1 - s0
        if kind == SegmentKind.PAUSED_SKIP:
            acc.skipped += s1 - s0
        elif kind == SegmentKind.PAUSED_SILENCE:
            acc.add(np.zeros((s1 - s0,) if nch == 1 else (s1 - s0, 2), dtype=np.int16), t0, t1)
        else:
            kept = cut(s0, s1, holes)
            for p0, p1 in kept:
                acc.add(_render(rec, p0, p1), p0 / SAMPLE_RATE, p1 / SAMPLE_RATE)
            acc.removed += (s1 - s0) - sum(p1 - p0 for p0, p1 in kept)
    return acc


def assemble(
    rec: Recording,
    *,
    no_media: list[tuple[float, float]],
    threshold_dbfs: float,
    frame_s: float,
) -> Assembly:
    """Build the samples of a stopped recording.

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
        ``span - skipped - no_media - trimmed == len(samples)``.
    """
    nch = 2 if rec.options.track is Track.BOTH else 1
    acc = _collect(rec, sorted((to_sample(a), to_sample(b)) for a, b in no_media), nch)
    parts, span, skipped, removed = acc.parts, acc.span, acc.skipped, acc.removed
    empty = np.zeros((0,) if nch == 1 else (0, 2), dtype=np.int16)
    samples = np.concatenate(parts) if len(parts) > 1 else (parts[0] if parts else empty)
    untrimmed = samples.shape[0]
    trimmed_view, (t_start, b) = trim_silence(samples, threshold_dbfs=threshold_dbfs, frame_s=frame_s)
    silent = b == 0
    if rec.options.trim:
        samples = trimmed_view
    stored = None
    if nch == 2 and rec.options.n_channels == 1:
        stored, samples = samples, downmix(samples)
    return Assembly(
        samples=samples,
        stored=stored,
        untrimmed=untrimmed,
        span=span,
        skipped=skipped,
        no_media=removed,
        trimmed=untrimmed - samples.shape[0],
        silent=silent,
        trim_start=t_start if rec.options.trim else 0,
        pieces=acc.pieces,
    )
