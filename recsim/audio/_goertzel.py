"""JIT-compiled DTMF receiver (numba, cached on disk): Goertzel blocks, the per-block key
rules and the press rule in one pass that analyses only the blocks a press can depend on.

The rules are those of :func:`recsim.audio.detect_dtmf` (ITU-T Q.23 frequencies,
Q.24-style checks). Blocks are ``block`` samples long and start every ``hop`` samples.
A block is analysed when its energy could hold two tones (``block * E / 2 >= 2 * P_min``,
``E`` the sum of squares); it then holds key ``row * 4 + column`` when the strongest
low-group and high-group Goertzel powers ``lp``, ``hp`` each exceed ``P_min`` and 4x the
second strongest of their group, ``2 * (lp + hp) / (block * E) > 0.7`` (purity) and each
is under 6.31x the other (twist 8 dB). A press is a key held by two consecutive blocks,
reported at the first one's start, once until a block without it.

Exactly the same answers as computing every block (the float operations of each block
are the same ones, in the same order; no fused multiply-add), with less work:

* a block whose neighbours both hold no key cannot change the presses (any block without
  a key resets the press state, and a lone key block is never reported), so the odd
  blocks are analysed first and an even block only next to an odd block with a key;
* the high group first (speech rarely passes its checks), the low group only when the
  high group passes its own checks and carries enough of the block's energy for the
  purity check to be reachable (see ``_key_from_high``);
* odd blocks are analysed two at a time (independent recurrences side by side);
* the scan stops after the first press of a stop key, or at the last block that can
  start a press at or before ``max_start``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["dtmf_presses"]

_UNKNOWN = -2


@njit(cache=True, nogil=True, inline="always")
def _power(s1: float, s2: float, c: float) -> float:
    return s1 * s1 + s2 * s2 - c * s1 * s2


@njit(cache=True, nogil=True, inline="always")
def _step(v: float, c: float, s1: float, s2: float) -> tuple[float, float]:
    """One Goertzel step: the new ``(s1, s2)`` after sample ``v`` (``c = 2*cos(w)``)."""
    return v + c * s1 - s2, s1


@njit(cache=True, nogil=True)
def _goertzel4(
    x: np.ndarray, a: int, block: int, c0: float, c1: float, c2: float, c3: float
) -> tuple[float, float, float, float]:
    """Goertzel powers ``|X(f)|**2`` of four frequencies over ``x[a:a+block]``."""
    p1 = p2 = q1 = q2 = r1 = r2 = t1 = t2 = 0.0
    for k in range(a, a + block):
        v = float(x[k])
        p1, p2 = _step(v, c0, p1, p2)
        q1, q2 = _step(v, c1, q1, q2)
        r1, r2 = _step(v, c2, r1, r2)
        t1, t2 = _step(v, c3, t1, t2)
    return _power(p1, p2, c0), _power(q1, q2, c1), _power(r1, r2, c2), _power(t1, t2, c3)


@njit(cache=True, nogil=True)
def _goertzel4_pair(
    x: np.ndarray, a: int, b: int, block: int, c0: float, c1: float, c2: float, c3: float
) -> tuple[float, float, float, float, float, float, float, float]:
    """:func:`_goertzel4` of the blocks at ``a`` and at ``b`` side by side (8 powers):
    twice the independent recurrences, so twice the work per cycle."""
    p1 = p2 = q1 = q2 = r1 = r2 = t1 = t2 = 0.0
    u1 = u2 = w1 = w2 = y1 = y2 = z1 = z2 = 0.0
    off = b - a
    for k in range(a, a + block):
        v = float(x[k])
        p1, p2 = _step(v, c0, p1, p2)
        q1, q2 = _step(v, c1, q1, q2)
        r1, r2 = _step(v, c2, r1, r2)
        t1, t2 = _step(v, c3, t1, t2)
        v = float(x[k + off])
        u1, u2 = _step(v, c0, u1, u2)
        w1, w2 = _step(v, c1, w1, w2)
        y1, y2 = _step(v, c2, y1, y2)
        z1, z2 = _step(v, c3, z1, z2)
    return (_power(p1, p2, c0), _power(q1, q2, c1), _power(r1, r2, c2), _power(t1, t2, c3),
            _power(u1, u2, c0), _power(w1, w2, c1), _power(y1, y2, c2), _power(z1, z2, c3))


@njit(cache=True, nogil=True, inline="always")
def _strongest(p0: float, p1: float, p2: float, p3: float) -> tuple[int, float, float]:
    """``(index, power)`` of the strongest of four (the first on ties, as argmax) and
    the second strongest (as ``np.sort(p)[-2]``: the strongest again on a tie)."""
    i, m = 0, p0
    if p1 > m:
        i, m = 1, p1
    if p2 > m:
        i, m = 2, p2
    if p3 > m:
        i, m = 3, p3
    second = -np.inf
    for j, p in enumerate((p0, p1, p2, p3)):
        if j != i and p > second:
            second = p
    return i, m, second


@njit(cache=True, nogil=True, inline="always")
def _energy(x: np.ndarray, a: int, block: int) -> float:
    """Sum of squares of ``x[a:a+block]`` (exact: an integer below 2**53)."""
    y = x[a : a + block]  # a slice from 0: no negative-index check, the loop vectorises
    e = np.int64(0)
    for k in range(y.shape[0]):
        v = np.int32(y[k])
        e += np.uint32(v * v)
    return float(e)


@njit(cache=True, nogil=True)
def _key_from_high(x: np.ndarray, a: int, block: int, coeffs: np.ndarray, level_p: float, e: float,
                   hi: tuple[float, float, float, float]) -> int:
    """The key of the block at ``a`` (energy ``e``) given its high-group powers, or -1.

    Besides its own checks, the high group must carry 4 % of ``block * e``: with less,
    twist (``lp < 6.31 hp``) leaves ``lp + hp < 0.293 block e``, a purity under 0.59,
    far from 0.7 whatever the rounding; the low group is then not computed.
    """
    hi_i, hp, h2 = _strongest(hi[0], hi[1], hi[2], hi[3])
    if not (hp > 4.0 * h2 and hp > level_p and hp >= 0.04 * block * e):
        return -1
    l0, l1, l2, l3 = _goertzel4(x, a, block, coeffs[0], coeffs[1], coeffs[2], coeffs[3])
    lo_i, lp, l2nd = _strongest(l0, l1, l2, l3)
    if not (lp > 4.0 * l2nd and lp > level_p and e > 0):
        return -1
    purity = 2.0 * (lp + hp) / (block * e)
    if purity > 0.7 and lp < hp * 6.31 and hp < lp * 6.31:
        return lo_i * 4 + hi_i
    return -1


@njit(cache=True, nogil=True)
def _block_key(x: np.ndarray, b: int, block: int, hop: int, coeffs: np.ndarray, level_p: float) -> int:
    """The key block ``b`` holds (``row * 4 + column``), or -1."""
    a = b * hop
    e = _energy(x, a, block)
    if block * e / 2.0 < 2.0 * level_p:
        return -1
    hi = _goertzel4(x, a, block, coeffs[4], coeffs[5], coeffs[6], coeffs[7])
    return _key_from_high(x, a, block, coeffs, level_p, e, hi)


@njit(cache=True, nogil=True)
def _odd_keys(x: np.ndarray, block: int, hop: int, coeffs: np.ndarray, level_p: float,
              keys: np.ndarray, first: int, last: int) -> None:
    """Fill ``keys`` of the odd blocks in ``[first, last)``, two analysed blocks at a time."""
    held, held_e = -1, 0.0
    for b in range(first | 1, last, 2):
        a = b * hop
        e = _energy(x, a, block)
        if block * e / 2.0 < 2.0 * level_p:
            keys[b] = -1
        elif held < 0:
            held, held_e = b, e
        else:
            ha = held * hop
            p = _goertzel4_pair(x, ha, a, block, coeffs[4], coeffs[5], coeffs[6], coeffs[7])
            keys[held] = _key_from_high(x, ha, block, coeffs, level_p, held_e, (p[0], p[1], p[2], p[3]))
            keys[b] = _key_from_high(x, a, block, coeffs, level_p, e, (p[4], p[5], p[6], p[7]))
            held = -1
    if held >= 0:
        keys[held] = _block_key(x, held, block, hop, coeffs, level_p)


@njit(cache=True, nogil=True)
def dtmf_presses(
    x: np.ndarray, block: int, hop: int, coeffs: np.ndarray, level_p: float,
    stop_keys: np.ndarray, max_start: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Presses in int16 mono ``x``: ``(starts, keys)``, int64 arrays of equal length,
    ``starts`` the first sample of the first block holding the key, ``keys`` the key's
    ``row * 4 + column``. ``coeffs`` (8,) float64 ``2*cos(2*pi*f/fs)``, four low-group
    then four high-group frequencies; ``level_p`` the minimum tone power. The scan ends
    after the first press of a key ``k`` with ``stop_keys[k]`` (uint8, 16) and reports
    no press starting after ``max_start`` (samples; -1: no limit).
    """
    n = x.shape[0]
    n_blocks = 0 if n < block else (n - block) // hop + 1
    if max_start >= 0:
        n_blocks = min(n_blocks, max_start // hop + 2)
    keys = np.full(n_blocks, _UNKNOWN, dtype=np.int64)
    starts = np.empty(n_blocks // 2 + 1, dtype=np.int64)
    found = np.empty(n_blocks // 2 + 1, dtype=np.int64)
    n_found = 0
    prev, latched = -1, -1
    seg = 256  # even: the odd neighbours of a segment's even blocks are known
    for s in range(0, n_blocks, seg):
        e = min(s + seg, n_blocks)
        _odd_keys(x, block, hop, coeffs, level_p, keys, s, e)
        for b in range(s, e):
            k = keys[b]
            if k == _UNKNOWN:
                lone = (b == 0 or keys[b - 1] == -1) and (b + 1 >= n_blocks or keys[b + 1] == -1)
                k = -1 if lone else _block_key(x, b, block, hop, coeffs, level_p)
                keys[b] = k
            if latched >= 0 and k != latched:
                latched = -1
            if latched < 0 and k >= 0 and k == prev:
                starts[n_found], found[n_found] = (b - 1) * hop, k
                n_found += 1
                latched = k
                if stop_keys[k]:
                    return starts[:n_found], found[:n_found]
            prev = k
    return starts[:n_found], found[:n_found]
