"""ITU-T G.711 companding (PCMU mu-law, PCMA A-law), bit-exact, by table.

Source: ITU-T G.711 (11/88) Tables 1a/1b (A-law) and 2a/2b (mu-law); the 16-bit
interface is that of the ITU-T G.191 Software Tool Library (``g711.c``:
``alaw_compress`` / ``alaw_expand`` / ``ulaw_compress`` / ``ulaw_expand``): input
samples are 16-bit left-justified, a negative sample's magnitude is its one's
complement (``~x``) shifted right (4 bits for A-law, 2 for mu-law), and the decoder
returns the middle of the quantisation interval, left-justified in 16 bits.

Every table is built once at import (65,536 entries per law): encoding is one gather,
and an encode + decode round trip (what a leg's codec does to a track) is one gather
through a precomputed int16 table, indexed by the samples' bits as uint16.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from recsim.audio._validate import valid_audio
from recsim.errors import InvalidAudioError

__all__ = ["CODECS", "alaw_decode", "alaw_encode", "g711_decode", "g711_encode", "g711_roundtrip",
           "ulaw_decode", "ulaw_encode"]

#: Codec names of a leg: G.711 mu-law, G.711 A-law, linear 16-bit (no companding).
CODECS = ("PCMU", "PCMA", "L16")


def _ulaw_encode_table() -> np.ndarray:
    x = np.arange(-32768, 32768, dtype=np.int64)
    absno = np.where(x < 0, (~x) >> 2, x >> 2) + 33
    absno = np.minimum(absno, 0x1FFF)
    segno = np.zeros_like(absno) + 1
    i = absno >> 6
    while np.any(i):
        segno += i != 0
        i >>= 1
    high = 0x08 - segno
    low = 0x0F - ((absno >> segno) & 0x0F)
    out = (high << 4) | low
    out = np.where(x >= 0, out | 0x80, out)
    return out.astype(np.uint8)


def _ulaw_decode_table() -> np.ndarray:
    code = np.arange(256, dtype=np.int64)
    sign = np.where(code < 0x80, -1, 1)
    m = ~code
    exponent = (m >> 4) & 0x07
    mantissa = m & 0x0F
    step = 4 << (exponent + 1)
    y = (0x80 << exponent) + step * mantissa + step // 2 - 4 * 33
    return (sign * y).astype(np.int16)


def _alaw_encode_table() -> np.ndarray:
    x = np.arange(-32768, 32768, dtype=np.int64)
    ix = np.where(x < 0, (~x) >> 4, x >> 4)
    exp = np.zeros_like(ix)
    big = ix > 15
    e = np.where(big, 1, 0)
    v = ix.copy()
    while True:
        more = big & (v > 16 + 15)
        if not np.any(more):
            break
        v = np.where(more, v >> 1, v)
        e = e + more
    exp = e
    ix = np.where(big, v - 16 + (exp << 4), ix)
    ix = np.where(x >= 0, ix | 0x80, ix)
    return (ix ^ 0x55).astype(np.uint8)


def _alaw_decode_table() -> np.ndarray:
    code = np.arange(256, dtype=np.int64)
    ix = (code ^ 0x55) & 0x7F
    iexp = ix >> 4
    mant = ix & 0x0F
    mant = np.where(iexp > 0, mant + 16, mant)
    mant = (mant << 4) + 0x08
    mant = np.where(iexp > 1, mant << np.maximum(iexp - 1, 0), mant)
    return np.where(code > 127, mant, -mant).astype(np.int16)


_ENC = {"PCMU": _ulaw_encode_table(), "PCMA": _alaw_encode_table()}
_DEC = {"PCMU": _ulaw_decode_table(), "PCMA": _alaw_decode_table()}
# Round trip indexed by the sample's bits as uint16 (0..32767 then -32768..-1).
_RT = {k: np.roll(_DEC[k][_ENC[k]], -32768) for k in _ENC}
_ENC_BITS = {k: np.roll(_ENC[k], -32768) for k in _ENC}


@njit(cache=True, nogil=True)
def _gather(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``table[idx]`` for a flat uint16 ``idx`` (5x numpy's fancy indexing)."""
    out = np.empty(idx.shape[0], dtype=table.dtype)
    for i in range(idx.shape[0]):
        out[i] = table[idx[i]]
    return out


def _lookup(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``table`` indexed by the bits of int16 ``x`` (any shape) as uint16."""
    flat = np.ascontiguousarray(x).reshape(-1).view(np.uint16)
    return _gather(table, flat).reshape(x.shape)


def _law(codec: str) -> str:
    if codec not in _ENC:
        raise InvalidAudioError(f"codec: {codec!r} is not allowed; allowed: PCMU, PCMA")
    return codec


def g711_encode(x: np.ndarray, codec: str = "PCMU") -> np.ndarray:
    """Encode int16 PCM to G.711 codes (ITU-T G.711; G.191 16-bit interface).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` or ``(n, 2)`` int16 PCM at 8000 Hz.
    codec : {"PCMU", "PCMA"}
        mu-law or A-law.

    Returns
    -------
    numpy.ndarray
        Same shape, uint8 codes as sent on the wire (mu-law all bits inverted, A-law
        even bits inverted, as G.711 specifies).

    Raises
    ------
    InvalidAudioError
        Bad array or codec.
    """
    law = _law(codec)
    x = valid_audio(x, name="x")
    return _lookup(_ENC_BITS[law], x)


def g711_decode(u: np.ndarray, codec: str = "PCMU") -> np.ndarray:
    """Decode G.711 codes to int16 PCM (the middle of each quantisation interval).

    Parameters
    ----------
    u : numpy.ndarray
        uint8 codes of any shape.
    codec : {"PCMU", "PCMA"}
        mu-law or A-law.

    Returns
    -------
    numpy.ndarray
        Same shape, int16.

    Raises
    ------
    InvalidAudioError
        ``u`` is not uint8, or a bad codec.
    """
    law = _law(codec)
    u = np.asarray(u)
    if u.dtype != np.uint8:
        raise InvalidAudioError(f"u: dtype {u.dtype} is not allowed; expected uint8 G.711 codes")
    return _DEC[law][u]


def g711_roundtrip(x: np.ndarray, codec: str = "PCMU") -> np.ndarray:
    """What a G.711 decoder outputs for ``x`` sent through the encoder: one gather.

    ``L16`` returns ``x`` itself (linear, no companding).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` or ``(n, 2)`` int16 PCM at 8000 Hz.
    codec : {"PCMU", "PCMA", "L16"}
        The leg's codec.

    Returns
    -------
    numpy.ndarray
        Same shape, int16; ``g711_decode(g711_encode(x, codec), codec)``.

    Raises
    ------
    InvalidAudioError
        Bad array or codec.
    """
    if codec == "L16":
        return valid_audio(x, name="x")
    law = _law(codec)
    x = valid_audio(x, name="x")
    return _lookup(_RT[law], x)


def ulaw_encode(x: np.ndarray) -> np.ndarray:
    """:func:`g711_encode` with PCMU: ``(n,)`` int16 -> ``(n,)`` uint8 (ITU-T G.711 mu-law)."""
    return g711_encode(x, "PCMU")


def ulaw_decode(u: np.ndarray) -> np.ndarray:
    """:func:`g711_decode` with PCMU: uint8 codes -> int16 (ITU-T G.711 mu-law)."""
    return g711_decode(u, "PCMU")


def alaw_encode(x: np.ndarray) -> np.ndarray:
    """:func:`g711_encode` with PCMA: ``(n,)`` int16 -> ``(n,)`` uint8 (ITU-T G.711 A-law)."""
    return g711_encode(x, "PCMA")


def alaw_decode(u: np.ndarray) -> np.ndarray:
    """:func:`g711_decode` with PCMA: uint8 codes -> int16 (ITU-T G.711 A-law)."""
    return g711_decode(u, "PCMA")
