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


@njit(cache=True, nogil=True, inline="always")
def _sumsq(flat: np.ndarray, a: int, b: int) -> np.int64:
    """``sum(flat[a:b]**2)`` of mono samples, exact (int64). The loop runs over a slice
    from 0, so numba drops the negative-index check of each access and the loop
    vectorises (3-4x faster than indexing ``flat[k]`` with ``k`` from ``a``)."""
    y = flat[a:b]
    s = np.int64(0)
    for k in range(y.shape[0]):
        v = np.int64(y[k])
        s += v * v
    return s


@njit(cache=True, nogil=True, inline="always")
def _sumsq2(flat: np.ndarray, a: int, b: int) -> tuple[np.int64, np.int64]:
    """Per channel sums of squares of interleaved two-channel samples ``a`` to ``b``."""
    y = flat[2 * a : 2 * b]
    s0 = np.int64(0)
    s1 = np.int64(0)
    for k in range(y.shape[0] // 2):
        v0 = np.int64(y[2 * k])
        v1 = np.int64(y[2 * k + 1])
        s0 += v0 * v0
        s1 += v1 * v1
    return s0, s1


@njit(cache=True, nogil=True, inline="always")
def _loud(flat: np.ndarray, nch: int, a: int, b: int, limit: float) -> bool:
    """Whether samples ``a`` to ``b`` reach ``limit`` (sum of squares) in a channel."""
    if nch == 1:
        return bool(_sumsq(flat, a, b) >= limit)
    s0, s1 = _sumsq2(flat, a, b)
    return bool(s0 >= limit or s1 >= limit)


@njit(cache=True, nogil=True)
def first_loud_frame(
    flat: np.ndarray, nch: int, frame: int, amp2: float, first: int, last: int, step: int
) -> int:
    """Index of the first non-silent frame scanning ``first``, ``first+step``, ... up to
    ``last`` (inclusive), or -1 if every one is silent.

    A frame is silent when, for every channel, ``sum(x**2) < len * amp2``
    (``nch`` 1 or 2).
    """
    n = flat.shape[0] // nch
    i = first
    while (step > 0 and i <= last) or (step < 0 and i >= last):
        a = i * frame
        b = min(a + frame, n)
        if _loud(flat, nch, a, b, (b - a) * amp2):
            return i
        i += step
    return -1


@njit(cache=True, nogil=True)
def silent_frame_mask(flat: np.ndarray, nch: int, frame: int, amp2: float) -> np.ndarray:
    """Boolean mask of silent frames (the last frame may be partial; ``nch`` 1 or 2)."""
    n = flat.shape[0] // nch
    n_frames = (n + frame - 1) // frame
    out = np.empty(n_frames, dtype=np.bool_)
    for i in range(n_frames):
        a = i * frame
        b = min(a + frame, n)
        out[i] = not _loud(flat, nch, a, b, (b - a) * amp2)
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
    neither count nor reset the run (``nch`` 1 or 2).

    Returns ``(frame_index_of_hit or -1, run_after)``.
    """
    n_frames = (flat.shape[0] // nch) // frame
    has_nm = no_media.shape[0] > 0
    limit = frame * amp2
    for i in range(n_frames):
        if has_nm and no_media[i]:
            continue
        a = i * frame
        if _loud(flat, nch, a, a + frame, limit):
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


@njit(cache=True, nogil=True)
def interleave_pairs(lo: np.ndarray, hi: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = uint16(lo[i]) | uint16(hi[i]) << 16``: two int16 channels packed into
    uint32 words (a little-endian (n, 2) int16 layout viewed as (n,) uint32). One pass
    that vectorises; numpy's strided copy into each column is ~5x slower."""
    for i in range(out.shape[0]):
        out[i] = np.uint32(np.uint16(lo[i])) | (np.uint32(np.uint16(hi[i])) << np.uint32(16))


@njit(cache=True, nogil=True)
def element_offset(base: np.ndarray, view: np.ndarray) -> int:
    """Index in ``base`` of ``view``'s first element: ``(address of view - address of
    base) // itemsize`` for a non-empty view into the 1-D C-contiguous ``base`` (of its
    dtype; an empty view may give any index). ~0.5 us; numpy's ``__array_interface__``
    builds a dict per call (~1.5 us)."""
    return (view.ctypes.data - base.ctypes.data) // base.itemsize


@njit(cache=True, nogil=True)
def saturate_into(acc: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = clip(acc[i], -32768, 32767)``: an int32 sum saturated into int16
    ``out`` (any strides, the same length); ``to_int16(acc)`` without its two
    temporaries."""
    for i in range(out.shape[0]):
        out[i] = min(max(acc[i], -32768), 32767)


@njit(cache=True, nogil=True)
def add_into(acc: np.ndarray, part: np.ndarray) -> None:
    """``acc += part``: int16 samples added into an int32 sum of the same length, in
    place (any strides); ~3x faster than numpy's mixed-type add."""
    for i in range(part.shape[0]):
        acc[i] += part[i]
