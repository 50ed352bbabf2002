"""WAV 128 kbps per channel and MP3 32 kbps CBR (spec 002 media formats)."""

from __future__ import annotations

import io

import mutagen.mp3
import mutagen.wave
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio import decode_mp3, decode_wav, encode_mp3, encode_wav, speech_like
from recsim.errors import AudioFileError, InvalidAudioError


def test_wav_bytes_are_header_plus_pcm() -> None:
    x = np.array([1, -2, 32767], np.int16)
    b = encode_wav(x)
    assert len(b) == 44 + 6
    assert b[:4] == b"RIFF" and b[8:16] == b"WAVEfmt "
    assert b[44:] == x.astype("<i2").tobytes()


@pytest.mark.parametrize(("channels", "kbps"), [(1, 128), (2, 256)])
def test_wav_bitrate_read_by_mutagen(channels: int, kbps: int) -> None:
    x = speech_like(2.0, seed=1)
    if channels == 2:
        x = np.stack([x, x[::-1]], axis=1)
    info = mutagen.wave.WAVE(io.BytesIO(encode_wav(x))).info
    assert info.sample_rate == 8000
    assert info.channels == channels
    assert info.bitrate == kbps * 1000
    assert info.length == pytest.approx(2.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 30_000), st.sampled_from([1, 2]), st.integers(0, 2**31))
def test_wav_round_trip_is_exact(n: int, channels: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (n,) if channels == 1 else (n, 2)
    x = rng.integers(-32768, 32768, shape).astype(np.int16)
    y = decode_wav(encode_wav(x))
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, x)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 40_000), st.sampled_from([1, 2]))
def test_mp3_round_trip_duration_and_cbr(n: int, channels: int) -> None:
    """Decoded length within one MP3 frame (576 samples) - exact with the LAME tag -
    and mutagen reads 8000 Hz, 32000 bps, CBR."""
    x = speech_like(n / 8000, seed=n)
    if channels == 2:
        x = np.stack([x, x], axis=1)
    b = encode_mp3(x)
    info = mutagen.mp3.MP3(io.BytesIO(b)).info
    assert info.sample_rate == 8000
    assert info.bitrate == 32000
    assert info.bitrate_mode == mutagen.mp3.BitrateMode.CBR
    assert info.channels == channels
    assert abs(info.length * 8000 - n) <= 576
    y = decode_mp3(b)
    assert abs(y.shape[0] - n) <= 576
    assert y.shape[1:] == x.shape[1:]


def test_mp3_is_exactly_32_kbps() -> None:
    """Every frame is 288 bytes: 32000 bit/s x 72 ms / 8."""
    b = encode_mp3(speech_like(10.0, seed=3))
    assert len(b) % 288 == 0
    assert b[0] == 0xFF and (b[1] & 0xE0) == 0xE0


def test_mp3_keeps_the_signal_aligned() -> None:
    """An impulse at sample 4000 decodes at sample 4000 (delay removed)."""
    x = np.zeros(16000, np.int16)
    x[4000] = 30000
    y = decode_mp3(encode_mp3(x))
    assert abs(int(np.argmax(np.abs(y.astype(np.int32)))) - 4000) <= 2


def test_encode_rejects_other_rates() -> None:
    with pytest.raises(InvalidAudioError, match="sample_rate: 16000 Hz is not allowed"):
        encode_wav(np.zeros(3, np.int16), sample_rate=16000)
    with pytest.raises(InvalidAudioError, match="sample_rate: 44100 Hz is not allowed"):
        encode_mp3(np.zeros(3, np.int16), sample_rate=44100)


def test_decode_rejects_garbage() -> None:
    with pytest.raises(AudioFileError, match="not a readable WAV"):
        decode_wav(b"not audio at all")
    with pytest.raises(AudioFileError, match="not a readable MP3"):
        decode_mp3(b"\x00" * 100)
