"""recsim.audio._signal.lfilter: scipy.signal.lfilter bit for bit, without importing it
(the synthetic voices of every traffic run go through it)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsim.audio._signal import lfilter

_coef = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)


@settings(max_examples=300, deadline=None)
@given(b=arrays(np.float64, st.integers(1, 5), elements=_coef),
       a_tail=arrays(np.float64, st.integers(0, 4), elements=st.floats(-0.6, 0.6, allow_subnormal=False)),
       a0=st.sampled_from([1.0, -1.0, 0.5, 3.0]),
       x=arrays(np.float64, st.integers(0, 400), elements=st.floats(-3e4, 3e4, allow_subnormal=False)))
def test_lfilter_equals_scipy_bit_for_bit(b: np.ndarray, a_tail: np.ndarray, a0: float, x: np.ndarray) -> None:
    a = np.concatenate([[a0], a_tail])
    if len(a) == 1 and not x.shape[0]:  # scipy's FIR path refuses empty input
        assert lfilter(b, a, x).shape == (0,)
        return
    want = scipy.signal.lfilter(b, a, x)
    got = lfilter(b, a, x)
    assert got.shape == x.shape and got.dtype == np.float64
    if np.isfinite(want).all():
        assert np.array_equal(got.view(np.int64), want.view(np.int64))


def test_a_traffic_run_does_not_import_scipy_signal() -> None:
    """The talker bank (the voices of every traffic run) needs no scipy.signal (0.8-3 s
    to import)."""
    code = ("import sys; from recsim.traffic import talker_bank; talker_bank(7); "
            "print('scipy.signal' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
