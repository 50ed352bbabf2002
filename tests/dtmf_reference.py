"""Straightforward reference implementations of the DTMF receiver (every block analysed,
in numpy, as recsim did before issue 14's speed-up) and of the rule that ends a
``<Record>`` capture (stated over the whole captured range, not as a chunked scan). The
fast versions must give the same answers on any input (tests/test_audio_tones_reference.py;
benchmarks/test_record_end_bench.py).

Float operations per block are the same ones, in the same order, as the fast kernel's
(``(v + c*s1) - s2`` per sample; ``(s1*s1 + s2*s2) - (c*s1)*s2`` for the power), so the
comparison is exact, not approximate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from recsim.audio import SAMPLE_RATE, find_silence_timeout
from recsim.sim.media import to_sample
from recsim.sim.record_verb import CHUNK_S, max_length_end

BLOCK, HOP = 205, 102
KEYPAD = ("123A", "456B", "789C", "*0#D")
FREQS = np.array((697.0, 770.0, 852.0, 941.0, 1209.0, 1336.0, 1477.0, 1633.0))
COEFFS = 2.0 * np.cos(2.0 * np.pi * FREQS / SAMPLE_RATE)


def goertzel_blocks(x: np.ndarray, level_p: float) -> tuple[np.ndarray, np.ndarray]:
    """``(power (n_blocks, 8), energy (n_blocks,))``; blocks whose energy cannot hold two
    tones of ``level_p`` have power 0."""
    n = x.shape[0]
    n_blocks = 0 if n < BLOCK else (n - BLOCK) // HOP + 1
    idx = np.arange(n_blocks)[:, None] * HOP + np.arange(BLOCK)[None, :]
    frames = x[idx].astype(np.float64)  # (n_blocks, BLOCK)
    energy = np.square(frames).sum(axis=1)  # exact: integers below 2**53
    s1 = np.zeros((n_blocks, 8))
    s2 = np.zeros((n_blocks, 8))
    for k in range(BLOCK):
        s0 = frames[:, k : k + 1] + COEFFS * s1 - s2
        s2, s1 = s1, s0
    power = s1 * s1 + s2 * s2 - COEFFS * s1 * s2
    power[BLOCK * energy / 2.0 < 2.0 * level_p] = 0.0
    return power, energy


def block_keys(power: np.ndarray, energy: np.ndarray, level_p: float) -> np.ndarray:
    """The key code (``row * 4 + column``) each block holds, or -1."""
    lo, hi = power[:, :4], power[:, 4:]
    lo_i, hi_i = lo.argmax(axis=1), hi.argmax(axis=1)
    rows = np.arange(power.shape[0])
    lo_p, hi_p = lo[rows, lo_i], hi[rows, hi_i]
    lo_2 = np.sort(lo, axis=1)[:, -2]
    hi_2 = np.sort(hi, axis=1)[:, -2]
    with np.errstate(divide="ignore", invalid="ignore"):
        purity = 2.0 * (lo_p + hi_p) / (BLOCK * energy)
    twist_ok = (lo_p < hi_p * 6.31) & (hi_p < lo_p * 6.31)
    ok = ((energy > 0) & (purity > 0.7) & (lo_p > 4.0 * lo_2) & (hi_p > 4.0 * hi_2) & twist_ok
          & (lo_p > level_p) & (hi_p > level_p))
    return np.where(ok, lo_i * 4 + hi_i, -1)


def presses(keys: np.ndarray) -> list[tuple[int, str]]:
    """A key held by two consecutive blocks, reported once until a block without it."""
    out: list[tuple[int, str]] = []
    prev = latched = -1
    for b in range(keys.shape[0]):
        k = int(keys[b])
        if latched >= 0 and k != latched:
            latched = -1
        if latched < 0 and k >= 0 and k == prev:
            out.append(((b - 1) * HOP, KEYPAD[k // 4][k % 4]))
            latched = k
        prev = k
    return out


def detect_dtmf(x: np.ndarray, *, min_level_dbfs: float = -36.0, stop_keys: str = "",
                max_start: int | None = None) -> list[tuple[int, str]]:
    """Every press of the whole of ``x``, then cut to ``max_start`` and the first stop key."""
    level_p = (BLOCK * (32768.0 * 10.0 ** (min_level_dbfs / 20.0))) ** 2 / 2.0
    power, energy = goertzel_blocks(x, level_p)
    out = presses(block_keys(power, energy, level_p)) if power.any() else []
    if max_start is not None:
        out = [p for p in out if p[0] <= max_start]
    for i, (_, key) in enumerate(out):
        if key in stop_keys:
            return out[: i + 1]
    return out


def record_end(account: Any, leg: Any, *, t0: float, timeout: int, finish_on_key: str,
               max_length: float) -> tuple[str, float, str | None]:
    """``(reason, time s, digit)`` of a ``<Record>`` capture from ``t0``, the rule stated
    over the whole captured range rather than as the simulator's scan:

    - ``limit``: ``max_length`` s captured (no-media time not counted), or the first
      out-of-band press of a finishOnKey key at or after ``t0`` when that is earlier;
    - ``T``: the silence timeout over the inbound audio from ``t0`` to ``limit``
      (``find_silence_timeout``; no timeout when ``timeout`` is 0);
    - the receiver listens in 10 s windows of that audio, window ``j`` starting 410
      samples (two blocks) before sample ``j * 80,000`` (a tone across an edge is heard),
      and the windows are taken in order up to the one in which ``T`` falls: the first
      finishOnKey press ``K`` of the first window holding one ends the capture, unless
      ``T`` falls in the same window and is earlier; else ``T``; else ``limit``.
    """
    end: tuple[str, float, str | None] = ("max-length", max_length_end(t0, max_length, leg.no_media), None)
    out_of_band = [(t, key) for t, key in leg.dtmf if t >= t0 and key in finish_on_key]
    if out_of_band and out_of_band[0][0] < end[1]:
        end = ("key", out_of_band[0][0], out_of_band[0][1])
    if timeout <= 0 and not finish_on_key:
        return end
    s0 = to_sample(t0)
    audio = leg.inbound.render(s0, max(s0, to_sample(end[1])))
    hit = None
    if timeout > 0:
        spans = [(max(0, to_sample(a) - s0), to_sample(b) - s0) for a, b in leg.no_media if to_sample(b) > s0]
        hit = find_silence_timeout(audio, timeout_s=float(timeout), threshold_dbfs=account.trim_threshold_dbfs,
                                   frame_s=account.trim_frame_s, no_media=spans or None)
    chunk = int(CHUNK_S * SAMPLE_RATE)
    for j in range(-(-audio.shape[0] // chunk)):
        first = max(0, j * chunk - 410)
        hit_here = hit is not None and j * chunk < hit <= (j + 1) * chunk
        window = audio[first : (j + 1) * chunk]
        presses = [(first + at, key) for at, key in detect_dtmf(window) if key in finish_on_key]
        if presses and (s0 + presses[0][0]) / SAMPLE_RATE < end[1]:
            end = ("key", (s0 + presses[0][0]) / SAMPLE_RATE, presses[0][1])
        if hit_here and (s0 + hit) / SAMPLE_RATE < end[1]:
            end = ("timeout", (s0 + hit) / SAMPLE_RATE, None)
        if hit_here or presses:
            return end
    return end
