"""recsim.audio.interleave: two int16 channels into one (n, 2) array in one pass, the
same values numpy's column copies give (strided inputs too)."""

from __future__ import annotations

import numpy as np
import pytest

from recsim.audio import compose, interleave


@pytest.mark.parametrize("n", [0, 1, 7, 4001])
def test_interleave_equals_column_copies(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.integers(-32768, 32768, n, dtype=np.int16)
    b = rng.integers(-32768, 32768, n, dtype=np.int16)
    want = np.empty((n, 2), dtype=np.int16)
    want[:, 0], want[:, 1] = a, b
    got = interleave(a, b)
    assert got.shape == (n, 2) and got.dtype == np.int16 and got.flags.c_contiguous
    assert np.array_equal(got, want)
    both = np.stack([a, b], axis=1)
    assert np.array_equal(interleave(both[:, 0], both[:, 1]), want)  # strided inputs
    assert np.array_equal(compose(a, b), want)


def test_interleave_extremes() -> None:
    a = np.array([-32768, 32767, -1, 0], dtype=np.int16)
    b = np.array([32767, -32768, 0, -1], dtype=np.int16)
    assert interleave(a, b).tolist() == [[-32768, 32767], [32767, -32768], [-1, 0], [0, -1]]
