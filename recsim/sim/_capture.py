"""The capture rule's inner loop for one window of one stream (numba, cached on disk).

:func:`recsim.sim.words` gathers a recording piece's words with numpy: two midpoint
masks, a stable sort by (start, end), the mapping into recording time, some twenty
small-array operations per piece. For a piece whose words all come from one stream
(no bridge link adds another), :func:`capture_window` does the same in one pass,
operation for operation (the same comparisons and IEEE additions as the numpy
expressions it replaces, so the same bits). Trusted arguments: the caller's flat arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["capture_window"]


@njit(cache=True, nogil=True)
def capture_window(s: np.ndarray, e: np.ndarray, base: np.ndarray, lo: float, hi: float, t0: float, t1: float,
                   at: float, duration: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of one stream captured by one recording piece.

    Parameters
    ----------
    s, e : numpy.ndarray
        ``(n,)`` float64 start and end of the stream's words, seconds from the start of
        their clip.
    base : numpy.ndarray
        ``(n,)`` float64 the start of each word's clip (simulated s): the word's
        simulated times are ``s + base`` and ``e + base``, the midpoint the rule tests
        ``base + 0.5 * (s + e)``.
    lo, hi : float
        The window of the stream (simulated s): the piece, cut to a link's span.
    t0, t1 : float
        The piece (simulated s); recording time ``at`` (s) is simulated time ``t0``.
    at, duration : float
        Recording time of ``t0`` and the recording's duration after trimming (s).

    Returns
    -------
    index : numpy.ndarray
        ``(k,)`` int64 indices of the captured words, in time order (start, then end;
        ties in stream order, as a stable ``numpy.lexsort``).
    start, end : numpy.ndarray
        ``(k,)`` float64 their times in the recording (s), clipped to the piece and to
        ``[0, duration]``, not yet rounded.
    """
    n = s.shape[0]
    index = np.empty(n, np.int64)
    ks = np.empty(n)
    ke = np.empty(n)
    k = 0
    for i in range(n):
        m = base[i] + 0.5 * (s[i] + e[i])
        if m >= lo and m < hi:
            a, b = s[i] + base[i], e[i] + base[i]
            r = 0.5 * (a + b) - t0 + at
            if r >= 0.0 and r < duration:
                j = k
                while j > 0 and (ks[j - 1] > a or (ks[j - 1] == a and ke[j - 1] > b)):
                    index[j], ks[j], ke[j] = index[j - 1], ks[j - 1], ke[j - 1]
                    j -= 1
                index[j], ks[j], ke[j] = i, a, b
                k += 1
    start = np.empty(k)
    end = np.empty(k)
    for q in range(k):
        x = (ks[q] if ks[q] >= t0 else t0) - t0 + at  # numpy.maximum(s, t0) - t0 + at
        start[q] = 0.0 if 0.0 >= x else x  # numpy.maximum(0.0, x)
        y = (ke[q] if ke[q] <= t1 else t1) - t0 + at  # numpy.minimum(e, t1) - t0 + at
        end[q] = duration if duration <= y else y  # numpy.minimum(duration, y)
    return index[:k], start, end
