"""The lines of ``words.jsonl`` written by one compiled pass (numba, cached on disk).

A line is ``json.dumps(row)`` of a word row: its recording's channel head, then
``"word"``, ``"start"`` and ``"end"``. The head and the word are JSON-encoded by the
caller (once per head, once per distinct word); the times are written here as
``float.__repr__`` writes them (the JSON of a finite float) for the times recsim makes:
``0.0`` or ``1e-4 <= t < 1e9`` with at most six decimals (``t == rint(t * 1e6) / 1e6``).
Such a ``t`` is the double nearest to the decimal ``k / 10**6`` (``k = rint(t * 1e6)``),
and no other decimal of at most six decimals lies within one ulp of it (an ulp is below
``1e-6`` under ``1e9``), so its shortest round-tripping repr is that decimal, without
trailing zeros (at least one decimal), positional (between ``1e-4`` and ``1e16``). Any
other time (negative zero, tiny, huge, more decimals) makes :func:`encode_lines` decline
and the caller encode the rows with ``repr``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["encode_lines"]

_WORD = np.frombuffer(b', "word": ', dtype=np.uint8)
_START = np.frombuffer(b', "start": ', dtype=np.uint8)
_END = np.frombuffer(b', "end": ', dtype=np.uint8)


@njit(cache=True, nogil=True, inline="always")
def _copy(buf: np.ndarray, pos: int, src: np.ndarray, a: int, b: int) -> int:  # pragma: no cover - jitted
    """Write ``src[a:b]`` at ``buf[pos:]``; the new position."""
    part, out = src[a:b], buf[pos:pos + b - a]  # slices: loops from 0 skip index wraparound
    for q in range(part.shape[0]):
        out[q] = part[q]
    return pos + b - a


@njit(cache=True, nogil=True, inline="always")
def _time(buf: np.ndarray, pos: int, t: float) -> int:  # pragma: no cover - jitted
    """Write ``repr(t)`` at ``buf[pos:]``; the new position, or -1 when ``t`` is not a
    time this module writes (module docstring)."""
    if t == 0.0:
        if np.signbit(t):
            return -1
        buf[pos], buf[pos + 1], buf[pos + 2] = 48, 46, 48  # 0.0
        return pos + 3
    if not (1e-4 <= t < 1e9):
        return -1
    k = np.rint(t * 1e6)
    if k / 1e6 != t:
        return -1
    units = np.int64(k)
    whole, frac = units // 1000000, units % 1000000
    digits, power = 1, 10
    while whole >= power:
        digits += 1
        power *= 10
    for d in range(digits - 1, -1, -1):
        buf[pos + d] = 48 + whole % 10
        whole //= 10
    pos += digits
    buf[pos] = 46  # .
    pos += 1
    if frac == 0:
        buf[pos] = 48
        return pos + 1
    width = 6
    while frac % 10 == 0:
        frac //= 10
        width -= 1
    for d in range(width - 1, -1, -1):
        buf[pos + d] = 48 + frac % 10
        frac //= 10
    return pos + width


@njit(cache=True, nogil=True)
def encode_lines(heads: np.ndarray, run_len: np.ndarray, words: np.ndarray, starts: np.ndarray,
                 ends: np.ndarray) -> np.ndarray:  # pragma: no cover - jitted
    """The bytes of the lines of word rows, run by run.

    Parameters
    ----------
    heads : numpy.ndarray
        uint8, the JSON heads of the runs (``json.dumps(head)`` without its ``}``), each
        followed by a newline (which JSON never contains unescaped).
    run_len : numpy.ndarray
        ``(g,)`` int64 rows per run, in order (one head per run).
    words : numpy.ndarray
        uint8, each row's word as ``json.dumps`` writes it (quoted; a quote inside is
        escaped), concatenated in row order.
    starts, ends : numpy.ndarray
        ``(n,)`` float64 seconds.

    Returns
    -------
    numpy.ndarray
        uint8, the lines (each ending ``}\\n``); empty when a time is not one this
        module writes (then the caller encodes the rows itself).
    """
    g_count = run_len.shape[0]
    head_at = np.empty(g_count + 1, np.int64)
    head_at[0] = 0
    g = 0
    for q in range(heads.shape[0]):
        if heads[q] == 10:
            g += 1
            head_at[g] = q + 1
    n = starts.shape[0]
    size = words.shape[0] + n * 80
    for g in range(g_count):
        size += run_len[g] * (head_at[g + 1] - head_at[g])
    buf = np.empty(size, np.uint8)
    pos = 0
    i = 0
    w0 = 0
    for g in range(g_count):
        h0, h1 = head_at[g], head_at[g + 1] - 1
        for _ in range(run_len[g]):
            pos = _copy(buf, pos, heads, h0, h1)
            pos = _copy(buf, pos, _WORD, 0, _WORD.shape[0])
            w1 = w0 + 1  # past the opening quote, to the closing one
            while words[w1] != 34:
                w1 += 2 if words[w1] == 92 else 1
            pos = _copy(buf, pos, words, w0, w1 + 1)
            w0 = w1 + 1
            pos = _time(buf, _copy(buf, pos, _START, 0, _START.shape[0]), starts[i])
            if pos < 0:
                return buf[:0]
            pos = _time(buf, _copy(buf, pos, _END, 0, _END.shape[0]), ends[i])
            if pos < 0:
                return buf[:0]
            buf[pos], buf[pos + 1] = 125, 10  # }\n
            pos += 2
            i += 1
    return buf[:pos]
