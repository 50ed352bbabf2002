"""Silence-timeout detection (spec 001 ``timeout``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FRAME, on_off_audio

from recsim.audio import SilenceTimeoutScanner, find_silence_timeout
from recsim.errors import InvalidAudioError


def _reference(x: np.ndarray, timeout_s: float, no_media_frames: set[int] | None = None) -> int | None:
    """Brute force: classify every whole frame in float64, count runs."""
    need = max(1, math.ceil(round(timeout_s * 8000) / FRAME))
    x2 = (x if x.ndim == 2 else x[:, None]).astype(np.float64)
    limit = FRAME * (32768 * 10 ** (-50 / 20)) ** 2
    run = 0
    for i in range(x.shape[0] // FRAME):
        if no_media_frames and i in no_media_frames:
            continue
        sums = (x2[i * FRAME : (i + 1) * FRAME] ** 2).sum(axis=0)
        if (sums < limit).all():
            run += 1
            if run >= need:
                return (i + 1) * FRAME
        else:
            run = 0
    return None


def test_five_seconds_of_digital_silence() -> None:
    assert find_silence_timeout(np.zeros(80_000, np.int16), timeout_s=5.0) == 40_000


def test_speech_then_silence() -> None:
    """The timeout fires timeout_s after the last loud frame ends."""
    x = np.zeros(100_000, np.int16)
    x[:12_345] = 5000
    assert find_silence_timeout(x, timeout_s=2.0) == 12_400 + 16_000


def test_short_pauses_do_not_fire() -> None:
    x = np.full(80_000, 3000, np.int16)
    x[1000:5000] = 0
    assert find_silence_timeout(x, timeout_s=1.0) is None


def test_no_media_neither_counts_nor_resets() -> None:
    """Silence 0.5 s, no RTP 3 s, silence 0.5 s: one second of silence in all."""
    x = np.zeros(8000 * 4, np.int16)
    hit = find_silence_timeout(x, timeout_s=1.0, no_media=[(4000, 28000)])
    assert hit == 32000
    assert find_silence_timeout(x, timeout_s=1.01, no_media=[(4000, 28000)]) is None


@settings(max_examples=80)
@given(on_off_audio(channels=1, max_frames=600), st.sampled_from([0.05, 0.3, 1.0, 2.5]))
def test_agrees_with_brute_force(case: tuple[np.ndarray, list[bool]], timeout_s: float) -> None:
    x, _ = case
    assert find_silence_timeout(x, timeout_s=timeout_s) == _reference(x, timeout_s)


@settings(max_examples=40)
@given(on_off_audio(channels=2, max_frames=300), st.sampled_from([0.05, 0.4, 1.0]))
def test_dual_agrees_with_brute_force(case: tuple[np.ndarray, list[bool]], timeout_s: float) -> None:
    x, _ = case
    assert find_silence_timeout(x, timeout_s=timeout_s) == _reference(x, timeout_s)


@settings(max_examples=80)
@given(
    on_off_audio(channels=1, max_frames=500),
    st.sampled_from([0.05, 0.5, 1.2]),
    st.lists(st.integers(1, 5000), max_size=8),
)
def test_chunked_equals_whole(case: tuple[np.ndarray, list[bool]], timeout_s: float, cuts: list[int]) -> None:
    """Fed in arbitrary chunks (not frame aligned), the answer is the same."""
    x, _ = case
    whole = find_silence_timeout(x, timeout_s=timeout_s)
    scanner = SilenceTimeoutScanner(timeout_s=timeout_s)
    got = None
    pos = 0
    for c in [*cuts, x.shape[0]]:
        got = scanner.feed(x[pos : pos + c])
        pos += c
        if got is not None or pos >= x.shape[0]:
            break
    assert got == whole


@settings(max_examples=50)
@given(on_off_audio(channels=1, max_frames=400), st.integers(0, 399), st.integers(0, 80))
def test_no_media_agrees_with_brute_force(case: tuple[np.ndarray, list[bool]], a: int, length: int) -> None:
    x, _ = case
    span = (a * FRAME, (a + length) * FRAME)
    frames = set(range(a, a + length))
    assert find_silence_timeout(x, timeout_s=0.5, no_media=[span]) == _reference(x, 0.5, frames)


@pytest.mark.parametrize(
    ("timeout_s", "needle"),
    [(-1.0, "timeout_s: -1.0 s is not allowed"), (0, "timeout_s: 0 s is not allowed"),
     (float("nan"), "timeout_s: nan is not allowed"), ("5", "timeout_s: expected seconds")],
)
def test_bad_timeout_is_named(timeout_s: object, needle: str) -> None:
    with pytest.raises(InvalidAudioError, match=needle):
        find_silence_timeout(np.zeros(10, np.int16), timeout_s=timeout_s)  # type: ignore[arg-type]


def test_scanner_rejects_a_change_of_channels() -> None:
    s = SilenceTimeoutScanner(timeout_s=1.0)
    s.feed(np.full(100, 5000, np.int16))
    with pytest.raises(InvalidAudioError, match="2 channel"):
        s.feed(np.zeros((10, 2), np.int16))
