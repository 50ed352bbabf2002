"""Track selection, channel layout, downmix and mix (spec 000 track/channels, 002)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from strategies import pcm

from recsim.audio import compose, downmix, mix
from recsim.errors import InvalidAudioError


def test_downmix_saturates_instead_of_wrapping() -> None:
    """The sum is clipped to int16 limits: 30000 + 30000 -> 32767, never negative."""
    x = np.array([[30000, 30000], [-30000, -30000], [100, -50], [32767, -32768]], np.int16)
    assert downmix(x).tolist() == [32767, -32768, 50, -1]


def test_downmix_does_not_average() -> None:
    """One silent party leaves the other's level unchanged."""
    x = np.zeros((4, 2), np.int16)
    x[:, 0] = [1000, -1000, 5, 0]
    assert downmix(x).tolist() == [1000, -1000, 5, 0]


@given(pcm(channels=2))
def test_downmix_matches_wide_sum_and_is_symmetric(x: np.ndarray) -> None:
    """downmix == clip(int32 sum); swapping channels gives the same samples."""
    ref = np.clip(x[:, 0].astype(np.int32) + x[:, 1], -32768, 32767).astype(np.int16)
    out = downmix(x)
    assert out.dtype == np.int16 and out.shape == (x.shape[0],)
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(downmix(np.ascontiguousarray(x[:, ::-1])), out)


def test_compose_dual_puts_inbound_on_channel_one() -> None:
    """Dual: channel 1 = inbound (parent), channel 2 = outbound (child); same length."""
    inb = np.array([1, 2, 3], np.int16)
    outb = np.array([10, 20, 30], np.int16)
    y = compose(inb, outb, track="both", channels="dual")
    assert y.shape == (3, 2)
    assert y[:, 0].tolist() == [1, 2, 3] and y[:, 1].tolist() == [10, 20, 30]


@pytest.mark.parametrize(
    ("track", "channels", "expected"),
    [
        ("inbound", "dual", [1, 2, 3]),
        ("inbound", "mono", [1, 2, 3]),
        ("outbound", "dual", [10, 20, 30]),
        ("both", "mono", [11, 22, 33]),
    ],
)
def test_compose_one_channel_layouts(track: str, channels: str, expected: list[int]) -> None:
    """A one-track recording has one channel; mono both is the downmix."""
    y = compose(np.array([1, 2, 3], np.int16), np.array([10, 20, 30], np.int16), track=track, channels=channels)
    assert y.shape == (3,)
    assert y.tolist() == expected


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"track": "all"}, "track: 'all' is not allowed"),
        ({"channels": "stereo"}, "channels: 'stereo' is not allowed"),
    ],
)
def test_compose_rejects_unknown_values(kwargs: dict[str, str], needle: str) -> None:
    """The error names the argument, the value and the allowed values."""
    with pytest.raises(InvalidAudioError, match=needle):
        compose(np.zeros(2, np.int16), np.zeros(2, np.int16), **kwargs)


def test_compose_rejects_different_lengths() -> None:
    with pytest.raises(InvalidAudioError, match="outbound: length 3 differs"):
        compose(np.zeros(2, np.int16), np.zeros(3, np.int16))


@pytest.mark.parametrize(
    ("x", "needle"),
    [
        (np.zeros(4, np.float32), "dtype float32 is not allowed"),
        (np.zeros((4, 3), np.int16), r"shape \(4, 3\) is not allowed"),
        (np.zeros((4, 1), np.int16), r"shape \(4, 1\) is not allowed"),
        ([1, 2], "expected a numpy.ndarray"),
    ],
)
def test_downmix_rejects_bad_arrays(x: object, needle: str) -> None:
    with pytest.raises(InvalidAudioError, match=needle):
        downmix(x)  # type: ignore[arg-type]


def test_mix_needs_equal_length_streams() -> None:
    with pytest.raises(InvalidAudioError, match="at least one"):
        mix([])
    with pytest.raises(InvalidAudioError, match=r"streams\[1\]: length 2 differs"):
        mix([np.zeros(3, np.int16), np.zeros(2, np.int16)])


def test_mix_of_three_saturates_once() -> None:
    """Conference mix: the wide sum of every stream, clipped once."""
    a = np.array([20000, -100, 5], np.int16)
    b = np.array([20000, 100, 5], np.int16)
    c = np.array([-15000, 0, 5], np.int16)
    assert mix([a, b, c]).tolist() == [25000, 0, 15]
    assert mix([a, b]).tolist() == [32767, 0, 10]
