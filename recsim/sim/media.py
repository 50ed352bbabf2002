"""The media model: each leg's inbound and outbound audio as clips on the timeline.

A :class:`Stream` is a list of clips placed at sample offsets of simulated time (time
``t`` seconds is sample ``round(t * 8000)``). Nothing is mixed until a recording asks
for a span with :meth:`Stream.render`; a bridged leg's outbound links to the other leg's
inbound instead of copying it. So a call costs O(clips), and audio is touched once, when
a recording is assembled (DESIGN.md, "SimPy schedules, numpy computes").
"""

from __future__ import annotations

import numpy as np

from recsim.audio import SAMPLE_RATE, to_int16
from recsim.scenario.words import Word

__all__ = ["Stream", "cut", "to_sample"]


def to_sample(t: float) -> int:
    """Sample index of simulated time ``t`` seconds (rounded to the nearest sample)."""
    return round(t * SAMPLE_RATE)


def cut(a: int, b: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces of samples ``[a, b)`` left when ``holes`` (``[h0, h1)`` spans) are
    removed, in order (no-media spans cut out of a captured segment)."""
    pieces = [(a, b)]
    for h0, h1 in holes:
        nxt: list[tuple[int, int]] = []
        for p0, p1 in pieces:
            if h1 <= p0 or h0 >= p1:
                nxt.append((p0, p1))
                continue
            if p0 < h0:
                nxt.append((p0, h0))
            if h1 < p1:
                nxt.append((h1, p1))
        pieces = nxt
    return pieces


class Stream:
    """One direction of one call leg: audio clips and links to other streams.

    Attributes
    ----------
    clips : list of (int, numpy.ndarray)
        ``(start_sample, samples)``, samples ``(n,)`` int16.
    links : list of [int, int, Stream]
        ``[start_sample, stop_sample, source]``: ``source``'s audio over that span
        (a bridge; ``stop_sample`` moves when the bridge ends).
    words : list of (int, tuple of Word)
        ``(start_sample, words)``: the words a clip says, times in seconds from the
        clip's start (read by :mod:`recsim.sim.words`).
    """

    def __init__(self) -> None:
        self.clips: list[tuple[int, np.ndarray]] = []
        self.links: list[list] = []
        self.words: list[tuple[int, tuple[Word, ...]]] = []

    def add(self, start: int, samples: np.ndarray, words: tuple[Word, ...] = ()) -> None:
        """Place ``samples`` ((n,) int16) from sample ``start`` on (mixed with others),
        and the ``words`` they say (seconds from the clip's start)."""
        if samples.shape[0]:
            self.clips.append((start, samples))
            if words:
                self.words.append((start, words))

    def link(self, start: int, stop: int, source: Stream) -> list:
        """Carry ``source``'s audio over samples ``[start, stop)``; returns the link
        entry, whose stop (index 1) the caller may move when the bridge ends."""
        entry = [start, stop, source]
        self.links.append(entry)
        return entry

    def end(self) -> int:
        """Sample just after the last audio of this stream (own clips only)."""
        return max((s + c.shape[0] for s, c in self.clips), default=0)

    def render(self, a: int, b: int) -> np.ndarray:
        """The audio of samples ``[a, b)``: ``(b - a,)`` int16, clips summed with
        saturation, digital silence where nothing plays."""
        n = max(0, b - a)
        parts: list[tuple[int, np.ndarray]] = []
        for s, c in self.clips:
            lo, hi = max(a, s), min(b, s + c.shape[0])
            if lo < hi:
                parts.append((lo - a, c[lo - s : hi - s]))
        for s, e, src in self.links:
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                parts.append((lo - a, src.render(lo, hi)))
        if not parts:
            return np.zeros(n, dtype=np.int16)
        if len(parts) == 1:
            out = np.zeros(n, dtype=np.int16)
            off, p = parts[0]
            out[off : off + p.shape[0]] = p
            return out
        acc = np.zeros(n, dtype=np.int32)
        for off, p in parts:
            acc[off : off + p.shape[0]] += p
        return to_int16(acc)
