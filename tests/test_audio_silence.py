"""Silence classification and trim-silence (specs 000/001/002 ``trim``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import FRAME, on_off_audio, pcm

from recsim.audio import (
    frame_rms_dbfs,
    silence_bounds,
    silent_frames,
    trim_silence,
)
from recsim.errors import InvalidAudioError


def _tone(n: int, amp: float = 8000.0) -> np.ndarray:
    t = np.arange(n) / 8000.0
    return np.rint(amp * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


def test_tone_padded_with_silence_trims_to_the_frame() -> None:
    """1.0 s silence + 0.5 s tone + 0.75 s silence: bounds are the tone's frames."""
    x = np.concatenate([np.zeros(8000, np.int16), _tone(4000), np.zeros(6000, np.int16)])
    assert silence_bounds(x) == (8000, 12000)
    y, (a, b) = trim_silence(x)
    assert (a, b) == (8000, 12000)
    assert y.shape == (4000,)
    assert np.shares_memory(y, x)  # a view, not a copy


def test_tone_off_the_frame_grid_keeps_the_partial_frames() -> None:
    """A tone starting mid-frame keeps its whole first frame; bounds are frame edges."""
    x = np.concatenate([np.zeros(8040, np.int16), _tone(4000), np.zeros(6000, np.int16)])
    assert silence_bounds(x) == (8000, 12080)


def test_partial_last_frame_counts() -> None:
    """A signal ending mid-frame keeps its last samples (stop = n_samples)."""
    x = np.concatenate([np.zeros(800, np.int16), _tone(1005)])
    assert silence_bounds(x) == (800, 1805)


def test_interior_silence_is_kept() -> None:
    x = np.concatenate([_tone(800), np.zeros(16000, np.int16), _tone(800)])
    assert silence_bounds(x) == (0, x.shape[0])


def test_fully_silent_is_empty() -> None:
    assert silence_bounds(np.zeros(10_000, np.int16)) == (0, 0)
    assert silence_bounds(np.zeros(0, np.int16)) == (0, 0)


def test_threshold_is_an_rms_level_in_dbfs() -> None:
    """A square wave of amplitude a has RMS a: -50 dBFS is 103.6 in int16 units."""
    quiet = np.tile(np.array([103, -103], np.int16), 400)  # -50.04 dBFS: silent
    loud = np.tile(np.array([104, -104], np.int16), 400)  # -49.96 dBFS: sound
    assert silent_frames(quiet).all()
    assert not silent_frames(loud).any()
    assert frame_rms_dbfs(quiet)[0] == pytest.approx(20 * np.log10(103 / 32768))
    assert silent_frames(loud, threshold_dbfs=-40).all()


def test_dual_frame_is_silent_only_when_both_channels_are() -> None:
    x = np.zeros((1600, 2), np.int16)
    x[800:, 1] = _tone(800)
    assert silent_frames(x).tolist() == [True] * 10 + [False] * 10
    assert silence_bounds(x) == (800, 1600)


@given(on_off_audio(channels=1))
def test_bounds_match_the_frame_classification(case: tuple[np.ndarray, list[bool]]) -> None:
    """Trim never cuts a non-silent frame and leaves no silent frame at either edge."""
    x, flags = case
    a, b = silence_bounds(x)
    loud = [i for i, f in enumerate(flags) if f]
    if not loud:
        assert (a, b) == (0, 0)
    else:
        assert (a, b) == (loud[0] * FRAME, (loud[-1] + 1) * FRAME)


@settings(max_examples=60)
@given(pcm(max_len=3000))
def test_trim_is_idempotent(x: np.ndarray) -> None:
    y, _ = trim_silence(x)
    z, bounds = trim_silence(np.ascontiguousarray(y))
    assert bounds[0] == 0
    np.testing.assert_array_equal(z, y)


@given(on_off_audio(channels=2))
def test_dual_trim_keeps_channels_aligned(case: tuple[np.ndarray, list[bool]]) -> None:
    """Both channels are cut at the same samples: the trimmed pair is a slice of the pair."""
    x, flags = case
    y, (a, b) = trim_silence(x)
    assert y.shape == (b - a, 2)
    np.testing.assert_array_equal(y[:, 0], x[a:b, 0])
    np.testing.assert_array_equal(y[:, 1], x[a:b, 1])
    mask = silent_frames(x)
    assert mask.tolist() == [not f for f in flags]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"threshold_dbfs": float("nan")}, "threshold_dbfs: nan is not allowed"),
        ({"threshold_dbfs": 3.0}, "threshold_dbfs: 3.0 is not allowed"),
        ({"frame_s": 0.0}, "frame_s: 0.0 s is not allowed"),
        ({"frame_s": -1}, "frame_s: -1 s is not allowed"),
    ],
)
def test_bad_settings_are_named(kwargs: dict[str, float], needle: str) -> None:
    with pytest.raises(InvalidAudioError, match=needle):
        silence_bounds(np.zeros(100, np.int16), **kwargs)
