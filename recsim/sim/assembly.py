"""Assembling a stopped recording's samples from its segments and its leg's streams.

Samples are built once, when the recording stops: ``captured`` segments render the
leg's tracks (composed per track and channels, 000/002) minus its *no media* spans,
``paused-silence`` segments are digital zeros, ``paused-skip`` segments nothing; then
trim-silence (leading and trailing only) and, for a mono track-both recording, the
downmix (the dual original is kept as ``stored``, 002).
"""

from __future__ import annotations

import numpy as np

from recsim.audio import compose, downmix, trim_silence
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
    holes = sorted((to_sample(a), to_sample(b)) for a, b in no_media)
    parts: list[np.ndarray] = []
    span = skipped = removed = 0
    for kind, t0, t1 in rec.segments:
        s0, s1 = to_sample(t0), to_sample(t1)
        span += s1 - s0
        if kind == SegmentKind.PAUSED_SKIP:
            skipped += s1 - s0
        elif kind == SegmentKind.PAUSED_SILENCE:
            parts.append(np.zeros((s1 - s0,) if nch == 1 else (s1 - s0, 2), dtype=np.int16))
        else:
            for p0, p1 in cut(s0, s1, holes):
                parts.append(_render(rec, p0, p1))
            removed += (s1 - s0) - sum(p1 - p0 for p0, p1 in cut(s0, s1, holes))
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
    )
