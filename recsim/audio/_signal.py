"""scipy.signal, imported on first use.

``import scipy.signal`` costs about 0.8 s (it pulls in scipy.stats, optimize, sparse,
...), and most runs never resample or synthesise speech; so ``import recsim`` does not
pay for it. These wrappers import it the first time they are called; after that the
import is a dictionary lookup.
"""

from __future__ import annotations

import numpy as np


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


def lfilter(b: np.ndarray, a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """:func:`scipy.signal.lfilter`: the IIR filter ``b / a`` applied to ``x``.

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
    from scipy.signal import lfilter as _lfilter  # deferred: heavy import

    return np.asarray(_lfilter(b, a, x))
