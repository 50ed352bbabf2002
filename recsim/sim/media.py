"""The media model: each leg's inbound and outbound audio as clips on the timeline.

A :class:`Stream` is a list of clips placed at sample offsets of simulated time (time
``t`` seconds is sample ``round(t * 8000)``). Nothing is mixed until a recording asks
for a span with :meth:`Stream.render`; a bridged leg's outbound links to the other leg's
inbound instead of copying it. So a call costs O(clips), and audio is touched once, when
a recording is assembled (DESIGN.md, "SimPy schedules, numpy computes").
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recsim.audio import SAMPLE_RATE, g711_roundtrip, to_int16
from recsim.audio._kernels import add_into, element_offset, saturate_into
from recsim.audio.line import noise_span
from recsim.scenario.words import Word

__all__ = ["Floor", "Stream", "coded", "cut", "to_sample"]


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


@dataclass
class Floor:
    """The noise under a party's audio from ``start`` to ``stop`` (samples; ``stop`` None
    while the leg lasts): background noise at ``noise_dbov`` everywhere, and RFC 3389
    comfort noise at ``comfort_dbov`` where no clip plays (either may be None).

    ``bank`` is a seeded noise bank (:func:`recsim.audio.line.noise_bank`) read at the
    absolute sample position plus the stream's ``offset``, so any cut of the stream
    renders the same noise.
    """

    bank: np.ndarray
    start: int
    stop: int | None = None
    noise_dbov: float | None = None
    comfort_dbov: float | None = None
    offset: int = 0

    def add_to(self, acc: np.ndarray, a: int, covered: np.ndarray | None) -> None:
        """Add the noise of samples ``[a, a + len(acc))`` to ``acc`` (float64, in place);
        ``covered`` (bool per sample, or None) marks where a clip plays."""
        lo = max(a, self.start)
        hi = a + acc.shape[0] if self.stop is None else min(a + acc.shape[0], self.stop)
        if lo >= hi:
            return
        if self.noise_dbov is not None:
            acc[lo - a : hi - a] += noise_span(self.bank, lo + self.offset, hi + self.offset, self.noise_dbov)
        if self.comfort_dbov is not None:
            cn = noise_span(self.bank, lo + self.offset, hi + self.offset, self.comfort_dbov)
            if covered is not None:
                cn[covered[lo - a : hi - a]] = 0.0
            acc[lo - a : hi - a] += cn


#: Coded copies of clips shared by many streams: ``(id, codec)`` -> ``(clip, coded,
#: whether its slices are sliced from the coded copy)``; the clip is held so its id is not
#: reused while cached. Read-only arrays (the talker bank's voices, synthetic voices) have
#: a cache of their own, so the many one-off arrays (a beep, a ringback) never evict a voice.
_CODED: dict[tuple[int, str], tuple[np.ndarray, np.ndarray, bool]] = {}
_SHARED: dict[tuple[int, str], tuple[np.ndarray, np.ndarray, bool]] = {}
_CODED_MAX = 256


def _coded_whole(samples: np.ndarray, codec: str) -> tuple[np.ndarray, np.ndarray, bool]:
    key = (id(samples), codec)
    cache = _CODED if samples.flags.writeable else _SHARED
    hit = cache.get(key)
    if hit is not None and hit[0] is samples:
        return hit
    out = g711_roundtrip(samples, codec)
    out.flags.writeable = False
    if len(cache) >= _CODED_MAX:
        cache.pop(next(iter(cache)))
    sliceable = type(samples) is np.ndarray and samples.ndim == 1 and samples.flags.c_contiguous
    entry = cache[key] = (samples, out, sliceable and not samples.flags.writeable)
    return entry


def _shared_base(samples: np.ndarray) -> np.ndarray | None:
    """The read-only 1-D array ``samples`` is a contiguous slice of (a talker's voice,
    a loaded file), or None."""
    base = samples.base
    if (type(base) is np.ndarray and not base.flags.writeable and base.ndim == 1 and samples.ndim == 1
            and base.dtype == samples.dtype and base.flags.c_contiguous and samples.flags.c_contiguous):
        return base
    return None


def coded(samples: np.ndarray, codec: str) -> np.ndarray:
    """``samples`` through G.711 ``codec`` (encode then decode), cached per array.

    G.711 codes sample by sample, so a slice of a read-only shared array (a clip of a
    talker's voice) is the same slice of that array's coded copy: coded once, sliced
    per clip (no copy). The result is read-only.
    """
    base = samples.base
    hit = _SHARED.get((id(base), codec))
    if (hit is None or hit[0] is not base or not hit[2] or base.flags.writeable  # first clip of a base
            or samples.ndim != 1 or not samples.flags.c_contiguous or samples.dtype is not base.dtype):
        base = _shared_base(samples)
        if base is None:
            return _coded_whole(samples, codec)[1]
        hit = _coded_whole(base, codec)
    off = element_offset(base, samples)
    return hit[1][off : off + samples.shape[0]]


def _disjoint(spans: list[tuple[int, int]]) -> bool:
    """Whether no two ``(offset, length)`` spans overlap."""
    ends = sorted((off, off + m) for off, m in spans)
    return all(ends[i + 1][0] >= ends[i][1] for i in range(len(ends) - 1))


class Stream:
    """One direction of one call leg: audio clips and links to other streams.

    Attributes
    ----------
    clips : list of [int, numpy.ndarray, str or None]
        ``[start_sample, samples, codec]``, samples ``(n,)`` int16; ``codec`` the
        stream's codec when the clip was added, None once ``samples`` hold its coded
        copy (a clip is coded when first rendered: one never rendered costs nothing).
    links : list of [int, int, Stream]
        ``[start_sample, stop_sample, source]``: ``source``'s audio over that span
        (a bridge; ``stop_sample`` moves when the bridge ends).
    words : list of (int, sequence of Word)
        ``(start_sample, words)``: the words a clip says, times in seconds from the
        clip's start (read by :mod:`recsim.sim.words`).
    codec : str
        PCMU, PCMA or L16: every rendered sample passes through it. Clips are coded
        once, when first rendered, by the codec of their stream when added; a sum of
        several, the noise floor or a link from a stream of another codec is coded when
        rendered (sample by sample, so any cut of the stream gives the same samples).
    floor : Floor or None
        Background / comfort noise under the clips.
    """

    def __init__(self) -> None:
        self.clips: list[list] = []
        self.links: list[list] = []
        self.words: list[tuple[int, Sequence[Word]]] = []
        self.codec = "L16"
        self.floor: Floor | None = None
        self._starts: list[int] | None = []  # clip starts while clips come in time order
        self._longest = 0
        #: The words of its own clips flattened by :mod:`recsim.sim.words`, with the
        #: number of clips they cover (clips are only appended).
        self.flat_words: tuple[int, tuple[np.ndarray, ...]] | None = None

    def add(self, start: int, samples: np.ndarray, words: Sequence[Word] = ()) -> None:
        """Place ``samples`` ((n,) int16) from sample ``start`` on (mixed with others),
        and the ``words`` they say (seconds from the clip's start)."""
        m = samples.shape[0]
        if m:
            starts = self._starts
            if starts is not None:
                if starts and start < starts[-1]:
                    self._starts = None  # added out of time order: every clip is looked at
                else:
                    starts.append(start)
            if m > self._longest:
                self._longest = m
            self.clips.append([start, samples, None if self.codec == "L16" else self.codec])
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
        return max((s + c.shape[0] for s, c, _ in self.clips), default=0)

    def render(self, a: int, b: int) -> np.ndarray:
        """The audio of samples ``[a, b)``: ``(b - a,)`` int16, clips summed with
        saturation, digital silence where nothing plays; then the floor noise and the
        stream's codec."""
        out = np.zeros(max(0, b - a), dtype=np.int16)
        self.render_into(out, a)
        return out

    def render_into(self, out: np.ndarray, a: int) -> None:
        """:meth:`render` of samples ``[a, a + len(out))`` written into ``out``: ``(n,)``
        int16, any stride (a channel of a dual recording), all zeros on entry. Disjoint
        clips and links are copied straight in (a link renders into its own span)."""
        if self.floor is None and not self.links and self._copied(out, a):
            return  # the common case: clips only, none overlapping
        n = out.shape[0]
        b = a + n
        clips = self._clip_parts(a, b)
        links = [(lo - a, hi - lo, lo, src) for s, e, src in self.links if (lo := max(a, s)) < (hi := min(b, e))]
        spans = [(off, p.shape[0]) for off, p in clips] + [(off, m) for off, m, _, _ in links]
        if self.floor is None and (len(spans) <= 1 or _disjoint(spans)):  # nothing to sum: copy
            for off, p in clips:
                out[off : off + p.shape[0]] = p
            for off, m, lo, src in links:
                src.render_into(out[off : off + m], lo)
            if spans and not all(src.codec == self.codec for _, _, src in self.links):  # links carry coded audio
                out[:] = self._idle_silent(self._code(out, False), spans)
            return
        self._mix_into(out, a, clips + [(off, src.render(lo, lo + m)) for off, m, lo, src in links])

    def _clips_over(self, a: int, b: int) -> list[list]:
        """The clips that may play in samples ``[a, b)``: when in time order, only those
        starting in ``(a - longest, b)``, in order; otherwise all of them."""
        if self._starts is None:
            return self.clips
        return self.clips[bisect_left(self._starts, a - self._longest + 1) : bisect_left(self._starts, b)]

    def _copied(self, out: np.ndarray, a: int) -> bool:
        """Copy the (coded) clips over samples ``[a, a + len(out))`` straight into
        ``out``, one pass over the clips: True when no two overlap (``out`` is then the
        render); False when some do (``out`` partly written: it must be overwritten)."""
        b = a + out.shape[0]
        end = a  # in time order, clips overlap iff one starts before the previous ends
        spans: list[tuple[int, int]] | None = None if self._starts is not None else []
        for clip in self._clips_over(a, b):
            s, c, codec = clip
            m = c.shape[0]
            lo, hi = (a if a > s else s), (b if b < s + m else s + m)
            if lo < hi:
                if lo < end:
                    return False
                if codec is not None:  # first rendered: code it (once)
                    c = clip[1] = coded(c, codec)
                    clip[2] = None
                out[lo - a : hi - a] = c if hi - lo == m else c[lo - s : hi - s]
                if spans is None:
                    end = hi
                else:
                    spans.append((lo - a, hi - lo))
        return spans is None or _disjoint(spans)

    def _clip_parts(self, a: int, b: int) -> list[tuple[int, np.ndarray]]:
        """``(offset from a, coded samples)`` of the clips over samples ``[a, b)``."""
        parts = []
        for clip in self._clips_over(a, b):
            s, c = clip[0], clip[1]
            lo, hi = max(a, s), min(b, s + c.shape[0])
            if lo < hi:
                if clip[2] is not None:  # first rendered: code it (once)
                    c = clip[1] = coded(c, clip[2])
                    clip[2] = None
                parts.append((lo - a, c[lo - s : hi - s]))
        return parts

    def _mix_into(self, out: np.ndarray, a: int, parts: list[tuple[int, np.ndarray]]) -> None:
        """Overlapping parts (or any under a noise floor) summed with saturation, coded,
        written into ``out``."""
        n = out.shape[0]
        if self.floor is not None:
            out[:] = self._code(self._with_floor(a, n, parts), False)
            return
        acc = np.zeros(n, dtype=np.int32)
        for off, p in parts:
            add_into(acc[off : off + p.shape[0]], p)
        saturate_into(acc, out)  # to_int16(acc), written in place
        if self.codec != "L16":
            out[:] = self._idle_silent(g711_roundtrip(out, self.codec), [(off, p.shape[0]) for off, p in parts])

    def _idle_silent(self, out: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
        """``out`` (coded) with digital silence where no ``(offset, length)`` span plays:
        A-law codes 0 as +8, and a gap must read the same whether its cut was coded
        (a sum, a link of another codec) or copied."""
        if self.codec == "PCMA":
            idle = np.ones(out.shape[0], dtype=bool)
            for off, m in spans:
                idle[off : off + m] = False
            out[idle] = 0
        return out

    def _code(self, out: np.ndarray, coded: bool) -> np.ndarray:
        """``out`` through the stream's codec, unless its samples are already decoder
        output of that codec (G.711 is idempotent: coding again changes nothing)."""
        return out if coded or self.codec == "L16" else g711_roundtrip(out, self.codec)

    def _with_floor(self, a: int, n: int, parts: list[tuple[int, np.ndarray]]) -> np.ndarray:
        assert self.floor is not None
        acc = np.zeros(n, dtype=np.float64)
        covered = np.zeros(n, dtype=bool) if self.floor.comfort_dbov is not None else None
        for off, p in parts:
            acc[off : off + p.shape[0]] += p
            if covered is not None:
                covered[off : off + p.shape[0]] = True
        self.floor.add_to(acc, a, covered)
        return to_int16(acc, scale=1.0)
