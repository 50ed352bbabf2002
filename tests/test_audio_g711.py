"""ITU-T G.711 known answers: every code decoded, every int16 encoded, against tables
built here from the standard's segment description (Tables 1a and 2a), not from the
implementation's formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsim.audio import g711_decode, g711_encode, g711_roundtrip, mulaw_roundtrip
from recsim.errors import InvalidAudioError

ALL = np.arange(-32768, 32768, dtype=np.int64)


def _ulaw_reference() -> tuple[dict[int, int], np.ndarray]:
    """G.711 Table 2a: 8 segments of 16 intervals; in 14-bit units the first decoder
    output of segment s is 0, 33, 99, ..., 4191 and its step 2**(s+1); decision values
    lie half a step either side. The code of a positive value is 0x80 | ~(s<<4|m)."""
    starts = [0, 33, 99, 231, 495, 1023, 2079, 4191]
    out: dict[int, int] = {}
    edges = []  # (lower decision value, 14-bit output, positive code)
    for s in range(8):
        step = 2 << s
        for m in range(16):
            y = starts[s] + step * m
            code = 0x80 | (~((s << 4) | m) & 0x7F)
            out[code] = 4 * y
            out[code & 0x7F] = -4 * y
            edges.append((0 if (s, m) == (0, 0) else y - step // 2, code))
    lower = np.array([e[0] for e in edges])
    codes = np.array([e[1] for e in edges])
    mag = np.where(ALL < 0, (-ALL - 1) >> 2, ALL >> 2)  # G.191: one's complement
    idx = np.searchsorted(lower, mag, side="right") - 1
    enc = codes[idx]
    enc = np.where(ALL < 0, enc & 0x7F, enc)
    return out, enc.astype(np.uint8)


def _alaw_reference() -> tuple[dict[int, int], np.ndarray]:
    """G.711 Table 1a: in units of 16 (16-bit left-justified 12-bit magnitude) segment 0
    covers [0, 16) and segment s >= 1 covers [16 * 2**(s-1), 32 * 2**(s-1)), 16
    intervals each; the decoder outputs the middle of the interval; the code of a
    positive value is (0x80 | s<<4 | m) with the even bits inverted (XOR 0x55)."""
    out: dict[int, int] = {}
    lower, codes = [], []
    for s in range(8):
        base = 0 if s == 0 else 16 << (s - 1)
        width = 1 if s == 0 else 1 << (s - 1)
        for m in range(16):
            lo = base + width * m
            code = (0x80 | (s << 4) | m) ^ 0x55
            mid = 16 * lo + 8 * width
            out[code] = mid
            out[code ^ 0x80] = -mid
            lower.append(lo)
            codes.append(code)
    mag = np.where(ALL < 0, (-ALL - 1) >> 4, ALL >> 4)
    idx = np.searchsorted(np.array(lower), mag, side="right") - 1
    enc = np.array(codes)[idx]
    enc = np.where(ALL < 0, enc ^ 0x80, enc)
    return out, enc.astype(np.uint8)


@pytest.mark.parametrize("codec,reference", [("PCMU", _ulaw_reference), ("PCMA", _alaw_reference)])
def test_every_code_and_every_sample_match_the_standard(codec: str, reference) -> None:  # type: ignore[no-untyped-def]
    """Each of the 256 codes decodes to the G.711 table value and each of the 65,536
    int16 samples encodes to the code of its decision interval."""
    dec, enc = reference()
    assert len(dec) == 256
    codes = np.arange(256, dtype=np.uint8)
    assert g711_decode(codes, codec).tolist() == [dec[c] for c in range(256)]
    assert np.array_equal(g711_encode(ALL.astype(np.int16), codec), enc)
    assert np.array_equal(g711_roundtrip(ALL.astype(np.int16), codec),
                          np.array([dec[c] for c in range(256)], np.int16)[enc])


def test_known_values_of_the_standard() -> None:
    """mu-law: 0xFF and 0x7F are zero, 0x80 / 0x00 the extremes +-8031 (x4); A-law:
    0xD5 / 0x55 the smallest +-8, 0xAA / 0x2A the extremes +-32256."""
    u = np.array([0xFF, 0x7F, 0x80, 0x00], np.uint8)
    assert g711_decode(u, "PCMU").tolist() == [0, 0, 32124, -32124]
    a = np.array([0xD5, 0x55, 0xAA, 0x2A], np.uint8)
    assert g711_decode(a, "PCMA").tolist() == [8, -8, 32256, -32256]
    assert g711_encode(np.array([0, -1, 32767, -32768], np.int16), "PCMU").tolist() == [0xFF, 0x7F, 0x80, 0x00]
    assert g711_encode(np.array([0, -1, 32767, -32768], np.int16), "PCMA").tolist() == [0xD5, 0x55, 0xAA, 0x2A]


def test_mulaw_roundtrip_of_convert_is_g711() -> None:
    """The older ``mulaw_roundtrip`` uses the same G.711 tables."""
    x = ALL.astype(np.int16)
    assert np.array_equal(mulaw_roundtrip(x), g711_roundtrip(x, "PCMU"))


@given(arrays(np.int16, st.integers(0, 400)), st.sampled_from(["PCMU", "PCMA"]))
def test_roundtrip_is_idempotent_and_odd_symmetric(x: np.ndarray, codec: str) -> None:
    """Decoding is a fixed point of the codec (transcoding twice changes nothing), and
    the decoder is odd: a sample and its one's complement decode to opposite values."""
    y = g711_roundtrip(x, codec)
    assert np.array_equal(g711_roundtrip(y, codec), y)
    assert np.array_equal(g711_roundtrip(~x, codec), -y)
    assert np.array_equal(g711_roundtrip(x, "L16"), x)


def test_two_channel_and_errors() -> None:
    """(n, 2) arrays keep their shape; an unknown codec is refused by name."""
    x = np.array([[1000, -1000], [20000, 5]], np.int16)
    assert g711_roundtrip(x, "PCMA").shape == (2, 2)
    with pytest.raises(InvalidAudioError, match=r"codec.*PCMU, PCMA"):
        g711_encode(x, "G729")
    with pytest.raises(InvalidAudioError, match="uint8"):
        g711_decode(np.zeros(3, np.int16))
