"""The kernels of stream rendering (recsim.audio._kernels: element_offset, add_into,
saturate_into) equal the numpy expressions they replace, on arbitrary arrays: the address
arithmetic of ``__array_interface__`` for a (non-empty) slice of a voice, ``acc += part``
of int16 parts into an int32 sum, and ``to_int16`` of that sum written into any strided
int16 destination."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio import _kernels, to_int16

_VOICE = np.arange(-5000, 5000, dtype=np.int16)
_VOICE.flags.writeable = False


def _address(x: np.ndarray) -> int:
    return int(x.__array_interface__["data"][0])


@settings(max_examples=100, deadline=None)
@given(a=st.integers(0, 9_999), n=st.integers(1, 3_000), writeable=st.booleans())
def test_element_offset_is_the_address_difference(a: int, n: int, writeable: bool) -> None:
    base = _VOICE.copy() if writeable else _VOICE
    view = base[a : a + n]
    expected = (_address(view) - _address(base)) // base.itemsize
    assert _kernels.element_offset(base, view) == expected == a


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(-(2**31), 2**31 - 1), max_size=200), step=st.sampled_from([1, 2]))
def test_saturate_into_equals_to_int16(values: list[int], step: int) -> None:
    acc = np.array(values, dtype=np.int32)
    rows = np.full((2, acc.shape[0]), 7, dtype=np.int16)
    out = rows[0] if step == 1 else rows.T.reshape(-1)[: 2 * acc.shape[0] : 2]  # contiguous, or strided
    _kernels.saturate_into(acc, out)
    np.testing.assert_array_equal(out, to_int16(acc))


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.tuples(st.integers(0, 60), st.lists(st.integers(-32768, 32767), max_size=40)), max_size=6))
def test_add_into_equals_numpy_add(parts: list[tuple[int, list[int]]]) -> None:
    got = np.zeros(100, dtype=np.int32)
    expected = got.copy()
    for off, values in parts:
        p = np.array(values, dtype=np.int16)
        _kernels.add_into(got[off : off + p.shape[0]], p)
        expected[off : off + p.shape[0]] += p
    np.testing.assert_array_equal(got, expected)
