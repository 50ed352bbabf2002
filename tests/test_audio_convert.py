"""Input conversion to 8 kHz int16 mono, and G.711 mu-law."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from recsim.audio import load_audio, mulaw_decode, mulaw_encode, mulaw_roundtrip, to_int16
from recsim.errors import AudioFileError, InvalidAudioError


@pytest.mark.parametrize(("rate", "fmt", "subtype"), [(44100, "WAV", "FLOAT"), (16000, "FLAC", "PCM_16"),
                                                     (48000, "OGG", "VORBIS"), (22050, "MP3", "MPEG_LAYER_III")])
def test_any_file_becomes_8k_mono(tmp_path: Path, rate: int, fmt: str, subtype: str) -> None:
    """A 1 kHz stereo tone of 2 s at any rate: 16000 samples at 8 kHz, tone kept."""
    t = np.arange(2 * rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 1000 * t)
    path = tmp_path / f"tone.{fmt.lower()}"
    sf.write(path, np.stack([tone, tone], axis=1), rate, format=fmt, subtype=subtype)
    y = load_audio(path)
    assert y.dtype == np.int16 and y.ndim == 1
    assert abs(y.shape[0] - 16000) <= (1200 if fmt == "MP3" else 1)
    spectrum = np.abs(np.fft.rfft(y[2000:10000].astype(np.float64)))
    assert np.argmax(spectrum) == pytest.approx(1000, abs=2)  # bin = Hz for 8000 samples


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("hello")
    with pytest.raises(AudioFileError, match=r"notes.wav: cannot read audio .*readable formats"):
        load_audio(bad)
    with pytest.raises(AudioFileError, match="no such audio file"):
        load_audio(tmp_path / "missing.wav")


def test_to_int16_rejects_nan() -> None:
    with pytest.raises(InvalidAudioError, match="sample 1 is nan"):
        to_int16(np.array([0.0, np.nan]))


@pytest.mark.parametrize(("y", "scale", "expected"), [
    (np.array([0.5, -0.5, 1.0, -1.0, 2.0, -2.0]), 32768.0, [16384, -16384, 32767, -32768, 32767, -32768]),
    (np.array([0.5, 1.5, 2.5, -0.5, -1.5]), 1.0, [0, 2, 2, 0, -2]),  # half to even
    (np.array([40000.0, -40000.0, 12.4], np.float32), 1.0, [32767, -32768, 12]),
    (np.array([1 / 65536, 3 / 65536]), 32768.0, [0, 2]),  # 0.5 and 1.5 after scaling
    (np.array([70000, -70000, 5], np.int32), 32768.0, [32767, -32768, 5]),  # integers: saturated, not scaled
    (np.array([[40000, -1], [2, -40000]], np.int64), 1.0, [[32767, -1], [2, -32768]]),
])
def test_to_int16_scales_rounds_half_to_even_and_saturates(y: np.ndarray, scale: float, expected: list) -> None:
    """The one float -> int16 rule: clip(rint(y * scale), -32768, 32767); integer input
    saturates as it is; the shape is kept."""
    out = to_int16(y, scale=scale)
    assert out.dtype == np.int16 and out.shape == y.shape
    assert out.tolist() == expected


def test_to_int16_returns_int16_unchanged() -> None:
    x = np.array([1, -2, 3], np.int16)
    assert to_int16(x) is x


@pytest.mark.parametrize("y", [np.array([1, 2], np.uint16), np.array([True]), np.array([1j]), [0.0]])
def test_to_int16_rejects_other_types(y: object) -> None:
    with pytest.raises(InvalidAudioError, match="y: "):
        to_int16(y)  # type: ignore[arg-type]


def test_mulaw_known_codes() -> None:
    """G.711: 0 -> 0xFF, full positive -> 0x80, full negative -> 0x00."""
    x = np.array([0, 32767, -32768], np.int16)
    assert mulaw_encode(x).tolist() == [0xFF, 0x80, 0x00]
    assert mulaw_decode(np.array([0xFF, 0x80, 0x00], np.uint8)).tolist() == [0, 32124, -32124]


def test_mulaw_roundtrip_error_is_logarithmic() -> None:
    x = np.arange(-32768, 32768, 7, dtype=np.int16)
    err = np.abs(mulaw_roundtrip(x).astype(np.int32) - x)
    assert np.all(err <= np.maximum(8, np.abs(x.astype(np.int32)) // 16 + 4))
