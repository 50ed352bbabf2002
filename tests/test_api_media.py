"""Media downloads (002): formats, RequestedChannels, 16113 for one-channel storage; the
emulator serves stored WAV bytes as stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from simkit import build, tone, wav

from recsim.api import Backend, CreateCall, MediaRequest, PageRequest, RecordingFilter, encode_media, media_bytes
from recsim.audio import decode_mp3, decode_wav, downmix
from recsim.errors import InvalidRequestError, NotFoundError
from recsim.scenario import OutboundRecording
from recsim.sim import Simulation
from recsim.store import Store


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


# ------------------------------------------------------------- the emulator's store
AC = "AC" + "5" * 32


@pytest.fixture
def backend(tmp_path: Path) -> Backend:
    """The emulator's backend in process (no HTTP, no FastAPI), manual clock."""
    sc = build(tmp_path, [], parties={"+1700": {"audio": wav(tmp_path, "a.wav", tone(6.0, freq=900)),
                                                "answer_delay_s": 0}})
    return Backend(Store(":memory:", tmp_path / "media"), {AC: "t"}, scenario=sc)


def _completed(backend: Backend, **record: str) -> str:
    twiml = "<Response><Pause length='3'/></Response>"
    options = OutboundRecording.model_validate({"Record": True, **record})
    call = backend.create_call(AC, CreateCall(to="+1700", from_="+1500", twiml=twiml, record=options))
    backend.advance(10.0)
    page = backend.list_recordings(AC, PageRequest(), RecordingFilter(call_sid=call["sid"]))
    (resource,) = page.items
    assert resource["status"] == "completed"
    return str(resource["sid"])


@pytest.mark.parametrize("channels", ["mono", "dual"])
def test_stored_wav_is_served_as_stored(backend: Backend, channels: str) -> None:
    """A download in the stored format is the stored file's bytes (no decode and
    re-encode); every other request equals encoding the decoded samples as asked."""
    sid = _completed(backend, RecordingChannels=channels)
    stored = (backend.store.media_dir / f"{sid}.wav").read_bytes()
    data, media_type = backend.media(AC, sid, MediaRequest("wav"))
    assert (data, media_type) == (stored, "audio/x-wav")
    dual_path = backend.store.media_dir / f"{sid}.dual.wav"
    dual = decode_wav(dual_path.read_bytes()) if dual_path.exists() else None
    samples = decode_wav(stored)
    for fmt in ("wav", "mp3"):
        for requested in (None, 1, 2):
            got = backend.media(AC, sid, MediaRequest(fmt, requested))[0]
            assert got == encode_media(samples, dual, sid=sid, fmt=fmt, requested_channels=requested), (fmt,
                                                                                                      requested)
    assert decode_wav(backend.media(AC, sid, MediaRequest("wav", 2))[0]).shape[1] == 2
    np.testing.assert_array_equal(decode_wav(backend.media(AC, sid, MediaRequest("wav", 1))[0]),
                                  downmix(decode_wav(backend.media(AC, sid, MediaRequest("wav", 2))[0])))


def test_the_models_layer_needs_no_web_framework() -> None:
    """recsim.api (the backend, its typed arguments, media) imports neither FastAPI nor
    Starlette: it runs in process without the server extra."""
    code = "import sys, recsim.api; print(sorted(m for m in ('fastapi', 'starlette') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
