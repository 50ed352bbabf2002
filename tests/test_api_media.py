"""Media downloads (002): formats, RequestedChannels, 16113 for one-channel storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from simkit import build, tone, wav

from recsim.api import media_bytes
from recsim.audio import decode_mp3, decode_wav, downmix
from recsim.errors import InvalidRequestError, NotFoundError
from recsim.sim import Simulation


def _recordings(tmp_path: Path, twiml: str) -> list:
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml}],
               parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(3.0))},
                        "+1700": {"audio": wav(tmp_path, "a.wav", tone(3.0, freq=900)), "answer_delay_s": 0,
                                  "hangup_after_s": 3.0}})
    sim = Simulation(sc)
    sim.run()
    return list(sim.recordings.values())


def test_mono_call_recording_is_stored_dual(tmp_path: Path) -> None:
    """A mono <Dial record> downloads mono by default, and dual with RequestedChannels=2
    (call recordings are stored in dual channel)."""
    (rec,) = _recordings(tmp_path, "<Response><Dial record='record-from-answer'>+1700</Dial></Response>")
    mono = decode_wav(media_bytes(rec))
    dual = decode_wav(media_bytes(rec, requested_channels=2))
    assert mono.shape == (24000,) and dual.shape == (24000, 2)
    np.testing.assert_array_equal(mono, downmix(dual))
    np.testing.assert_array_equal(dual[:, 1], tone(3.0, freq=900))
    np.testing.assert_array_equal(decode_wav(media_bytes(rec, requested_channels=1)), mono)


def test_dual_recording_downmixes_on_request(tmp_path: Path) -> None:
    (rec,) = _recordings(tmp_path, "<Response><Dial record='record-from-answer-dual'>+1700</Dial></Response>")
    assert decode_wav(media_bytes(rec)).shape == (24000, 2)
    one = decode_wav(media_bytes(rec, requested_channels=1))
    np.testing.assert_array_equal(one, downmix(decode_wav(media_bytes(rec))))
    assert abs(decode_mp3(media_bytes(rec, fmt="mp3")).shape[0] - 24000) <= 576


def test_one_channel_storage_has_no_dual_download(tmp_path: Path) -> None:
    (rec,) = _recordings(tmp_path, "<Response><Record playBeep='false' maxLength='2' action='https://a/x'/>"
                                   "</Response>")
    with pytest.raises(NotFoundError) as e:
        media_bytes(rec, requested_channels=2)
    assert (e.value.code, e.value.status) == (16113, 404)


def test_bad_arguments(tmp_path: Path) -> None:
    (rec,) = _recordings(tmp_path, "<Response><Start><Recording/></Start><Pause length='2'/></Response>")
    with pytest.raises(InvalidRequestError, match="RequestedChannels=3 is not allowed"):
        media_bytes(rec, requested_channels=3)
    with pytest.raises(InvalidRequestError, match="format 'ogg' is not allowed"):
        media_bytes(rec, fmt="ogg")
