"""Beep and DTMF: synthesis and Goertzel detection (spec 001 playBeep, finishOnKey)."""

from __future__ import annotations

import numpy as np
import pytest

from recsim.audio import beep, detect_dtmf, dtmf_sequence, dtmf_tone, speech_like
from recsim.errors import InvalidAudioError


def test_beep_length_and_level() -> None:
    b = beep()
    assert b.dtype == np.int16 and b.shape == (2000,)
    assert abs(int(b.max()) - round(32767 * 10 ** (-6 / 20))) <= 2


@pytest.mark.parametrize("digit", list("0123456789*#"))
def test_each_key_is_detected_at_its_onset(digit: str) -> None:
    x = np.concatenate([np.zeros(1000, np.int16), dtmf_tone(digit), np.zeros(1000, np.int16)])
    hits = detect_dtmf(x)
    assert [d for _, d in hits] == [digit]
    assert 1000 - 205 <= hits[0][0] <= 1000 + 102


def test_sequence_gives_each_press_once() -> None:
    x = np.concatenate([np.zeros(400, np.int16), dtmf_sequence("1#55*0")])
    assert [d for _, d in detect_dtmf(x)] == list("1#55*0")


def test_key_over_speech_is_detected_and_speech_alone_is_not() -> None:
    talk = speech_like(8.0, seed=7, level_dbfs=-26.0)
    assert detect_dtmf(talk) == []
    x = talk.copy()
    tone = dtmf_tone("#", duration_s=0.12)
    x[40000 : 40000 + tone.shape[0]] = np.clip(x[40000 : 40000 + tone.shape[0]].astype(np.int32) + tone, -32768, 32767)
    assert [d for _, d in detect_dtmf(x)] == ["#"]


def test_too_short_or_too_quiet_is_not_a_key() -> None:
    assert detect_dtmf(dtmf_tone("5", duration_s=0.02)) == []
    assert detect_dtmf(dtmf_tone("5", level_dbfs=-50.0)) == []


def test_unknown_digit_is_named() -> None:
    with pytest.raises(InvalidAudioError, match="digit: 'x' is not allowed"):
        dtmf_tone("x")


def test_detect_requires_mono() -> None:
    with pytest.raises(InvalidAudioError, match=r"shape \(10, 2\)"):
        detect_dtmf(np.zeros((10, 2), np.int16))
