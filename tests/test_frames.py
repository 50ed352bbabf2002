"""Framed shard streams (recsim.batch.frames): the merge copies bytes it never parses."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsim.batch.frames import frame, heads, read_frame


@given(st.lists(st.tuples(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3),
                          st.lists(st.binary(max_size=40), max_size=4)), max_size=8))
def test_heads_skip_parts_and_read_frame_returns_them_exactly(items: list) -> None:
    data = b"".join(frame(key, parts, status="completed") for key, parts in items)
    assert [h["key"] for h in heads(io.BytesIO(data))] == [key for key, _ in items]
    f = io.BytesIO(data)
    for key, parts in items:
        head, got = read_frame(f)
        assert head["key"] == key and head["status"] == "completed"
        assert got == parts  # newlines and any byte inside parts survive
    assert f.read() == b""


def test_a_stream_cut_inside_an_item_is_an_error_not_short_bytes() -> None:
    data = frame([1.0], [b"line one\nline two\n", b"{}"])
    with pytest.raises(ValueError, match="ends inside an item"):
        read_frame(io.BytesIO(data[:-1]))
    with pytest.raises(json.JSONDecodeError):
        read_frame(io.BytesIO(b"not json\n"))
