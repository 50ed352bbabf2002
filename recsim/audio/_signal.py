"""scipy.signal, imported on first use, and an IIR filter that needs none of it.

``import scipy.signal`` costs 0.8-3 s (it pulls in scipy.stats, optimize, sparse, ...),
and most runs never resample; so ``import recsim`` does not pay for it, and
:func:`resample_poly` imports it the first time it is called. :func:`lfilter` (the
synthetic voices of every traffic run) is a numba loop computing exactly what
:func:`scipy.signal.lfilter` computes, operation for operation, so the voices are
bit-identical without the import.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def resample_poly(x: np.ndarray, up: int, down: int) -> np.ndarray:
    """:func:`scipy.signal.resample_poly` (polyphase, Kaiser window) along axis 0.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` float64 samples.
    up, down : int
        Upsampling and downsampling factors (positive integers).

    Returns
    -------
    numpy.ndarray
        ``(ceil(n * up / down),)`` float64.
    """
    from scipy.signal import resample_poly as _resample_poly  # deferred: heavy import

    return np.asarray(_resample_poly(x, up, down))


@njit(cache=True, nogil=True)
def _df2t(b: np.ndarray, a: np.ndarray, x: np.ndarray) -> np.ndarray:  # pragma: no cover - numba
    """Direct form II transposed, as scipy's ``_linear_filter`` (lfilter.c.src) runs
    it: coefficients normalised by ``a[0]`` once, then per sample
    ``y = z[0] + b[0] x``, ``z[i] = z[i+1] + x b[i+1] - y a[i+1]``, ``z[m-2] = x b[m-1] - y a[m-1]``.
    ``b`` and ``a`` have the same length ``m >= 2``."""
    m = b.shape[0]
    a0 = a[0]
    bn = b / a0
    an = a / a0
    z = np.zeros(m - 1)
    y = np.empty(x.shape[0])
    for k in range(x.shape[0]):
        xk = x[k]
        yk = z[0] + bn[0] * xk
        for i in range(m - 2):
            z[i] = z[i + 1] + xk * bn[i + 1] - yk * an[i + 1]
        z[m - 2] = xk * bn[m - 1] - yk * an[m - 1]
        y[k] = yk
    return y


def lfilter(b: np.ndarray, a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """:func:`scipy.signal.lfilter`, bit for bit: the IIR filter ``b / a`` applied to
    ``x`` from rest (direct form II transposed, ``b`` and ``a`` zero-padded to one
    length; a FIR filter (``len(a) == 1``) by convolution: as scipy does).

    Parameters
    ----------
    b, a : numpy.ndarray
        ``(m,)`` float64 numerator and denominator coefficients (``a[0] != 0``).
    x : numpy.ndarray
        ``(n,)`` float64 samples.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    if len(a) == 1 and x.shape[0]:  # FIR: scipy convolves
        return np.convolve(np.asarray(b, dtype=np.float64) / a[0], x)[: x.shape[0]]
    m = max(len(b), len(a))
    bp = np.zeros(m)
    ap = np.zeros(m)
    bp[: len(b)] = b
    ap[: len(a)] = a
    return _df2t(bp, ap, x)
