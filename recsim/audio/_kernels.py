"""JIT-compiled inner loops of the audio core (numba, cached on disk).

Each kernel reads int16 samples once, in order, and stops as early as its answer
allows; numpy would need several full passes (widen, square, reduce, compare).
The public, validated API is in the sibling modules; these take trusted arguments.

Interleaved layout: ``flat`` is a C-contiguous int16 array of ``n_frames_total * nch``
values, sample ``k`` of channel ``c`` at ``flat[k * nch + c]``.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def first_loud_frame(
    flat: np.ndarray, nch: int, frame: int, amp2: float, first: int, last: int, step: int
) -> int:
    """Index of the first non-silent frame scanning ``first``, ``first+step``, ... up to
    ``last`` (inclusive), or -1 if every one is silent.

    A frame is silent when, for every channel, ``sum(x**2) < len * amp2``.
    """
    n = flat.shape[0] // nch
    i = first
    while (step > 0 and i <= last) or (step < 0 and i >= last):
        a = i * frame
        b = min(a + frame, n)
        limit = (b - a) * amp2
        if nch == 1:
            s0 = np.int64(0)
            for k in range(a, b):
                v = np.int64(flat[k])
                s0 += v * v
            if s0 >= limit:
                return i
        else:
            s0 = np.int64(0)
            s1 = np.int64(0)
            for k in range(a, b):
                v0 = np.int64(flat[2 * k])
                v1 = np.int64(flat[2 * k + 1])
                s0 += v0 * v0
                s1 += v1 * v1
            if s0 >= limit or s1 >= limit:
                return i
        i += step
    return -1


@njit(cache=True, nogil=True)
def silent_frame_mask(flat: np.ndarray, nch: int, frame: int, amp2: float) -> np.ndarray:
    """Boolean mask of silent frames (the last frame may be partial)."""
    n = flat.shape[0] // nch
    n_frames = (n + frame - 1) // frame
    out = np.empty(n_frames, dtype=np.bool_)
    for i in range(n_frames):
        a = i * frame
        b = min(a + frame, n)
        limit = (b - a) * amp2
        loud = False
        for c in range(nch):
            s = np.int64(0)
            for k in range(a, b):
                v = np.int64(flat[k * nch + c])
                s += v * v
            if s >= limit:
                loud = True
        out[i] = not loud
    return out


@njit(cache=True, nogil=True)
def silence_run(
    flat: np.ndarray,
    nch: int,
    frame: int,
    amp2: float,
    need: int,
    run: int,
    no_media: np.ndarray,
) -> tuple[int, int]:
    """Scan whole frames for ``need`` consecutive silent frames, starting with ``run``
    already counted. Frames flagged in ``no_media`` (uint8, one per frame, or empty)
    neither count nor reset the run.

    Returns ``(frame_index_of_hit or -1, run_after)``.
    """
    n_frames = (flat.shape[0] // nch) // frame
    has_nm = no_media.shape[0] > 0
    limit = frame * amp2
    for i in range(n_frames):
        if has_nm and no_media[i]:
            continue
        a = i * frame
        loud = False
        if nch == 1:
            s0 = np.int64(0)
            for k in range(a, a + frame):
                v = np.int64(flat[k])
                s0 += v * v
            loud = bool(s0 >= limit)
        else:
            s0 = np.int64(0)
            s1 = np.int64(0)
            for k in range(a, a + frame):
                v0 = np.int64(flat[2 * k])
                v1 = np.int64(flat[2 * k + 1])
                s0 += v0 * v0
                s1 += v1 * v1
            loud = bool(s0 >= limit or s1 >= limit)
        if loud:
            run = 0
        else:
            run += 1
            if run >= need:
                return i, run
    return -1, run


@njit(cache=True, nogil=True)
def saturating_add(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = clip(a[i] + b[i], -32768, 32767)`` for int16 arrays (any strides)."""
    for i in range(out.shape[0]):
        s = np.int32(a[i]) + np.int32(b[i])
        out[i] = min(max(s, -32768), 32767)


@njit(cache=True, nogil=True)
def downmix_interleaved(flat: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = clip(flat[2i] + flat[2i+1])``: downmix of C-contiguous (n, 2) int16."""
    for i in range(out.shape[0]):
        s = np.int32(flat[2 * i]) + np.int32(flat[2 * i + 1])
        out[i] = min(max(s, -32768), 32767)
