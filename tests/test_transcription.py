"""Transcription of <Record> recordings (spec 001 transcribe, transcribeCallback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import ScenarioError, run
from recsim.audio import load_audio
from recsim.transcription import PocketSphinxEngine, get_engine


class Fake:
    """A pluggable engine that returns known text and remembers what it heard."""

    name = "fake"

    def __init__(self) -> None:
        self.heard: list[int] = []

    def transcribe(self, samples: np.ndarray) -> str:
        self.heard.append(samples.shape[0])
        return f"heard {samples.shape[0]} samples"


def _record(tmp_path: Path, seconds: float, attrs: str = 'transcribe="true" transcribeCallback="https://app/tr"',
            engine: Any = None, events: list | None = None) -> Any:
    caller = np.concatenate([tone(seconds), silence(10.0)]) if seconds else silence(20.0)
    twiml = f'<Response><Record playBeep="false" timeout="2" action="https://app/done" {attrs}/></Response>'
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml, "events": events or []}],
               parties={"+1500": {"audio": wav(tmp_path, "c.wav", caller)}},
               account={"transcription_delay_s": 3.0})
    return run(sc, transcription_engine=engine or Fake())


@pytest.mark.parametrize(("seconds", "transcribed"), [(2.0, False), (2.01, True), (119.99, True), (120.0, False)])
def test_duration_window_edges(tmp_path: Path, seconds: float, transcribed: bool) -> None:
    """Greater than 2 s and less than 120 s; otherwise warning 13617 and nothing."""
    engine = Fake()
    res = _record(tmp_path, seconds, engine=engine,
                  attrs='transcribe="true" transcribeCallback="https://app/tr" maxLength="200"')
    (r,) = res.recordings
    assert r.duration_s == seconds
    assert bool(res.transcriptions) is transcribed
    assert bool(res.events_of("transcribe-callback")) is transcribed
    warnings = [e.extra["code"] for e in res.events_of("debugger-warning")]
    assert warnings == ([] if transcribed else [13617])
    assert engine.heard == ([round(seconds * 8000)] if transcribed else [])


def test_callback_parameters_and_timing(tmp_path: Path) -> None:
    res = _record(tmp_path, 5.0)
    (cb,) = res.events_of("transcribe-callback")
    (t,) = res.transcriptions
    (r,) = res.recordings
    done = res.events_of("recording-status-callback", recording_sid=r.sid) or None
    assert done is None  # no recordingStatusCallback in this TwiML
    assert cb.time == 7.0 + 2.0 + 3.0  # stop at 7 s, processing 2 s, transcription 3 s
    assert (cb.url, cb.method) == ("https://app/tr", "POST")
    assert list(cb.parameters) == ["TranscriptionSid", "TranscriptionText", "TranscriptionStatus", "TranscriptionUrl",
                                   "RecordingSid", "RecordingUrl", "CallSid", "AccountSid", "From", "To",
                                   "CallStatus", "ApiVersion", "Direction"]
    assert cb.parameters["TranscriptionText"] == "heard 40000 samples"
    assert cb.parameters["TranscriptionStatus"] == "completed"
    assert cb.parameters["TranscriptionSid"] == t["sid"] and t["sid"].startswith("TR") and len(t["sid"]) == 34
    assert (t["status"], t["recording_sid"], t["transcription_text"], t["duration"]) == (
        "completed", r.sid, "heard 40000 samples", "5")
    assert t["uri"].endswith(f"/Transcriptions/{t['sid']}.json")


def test_transcribe_without_callback_is_stored_without_request(tmp_path: Path) -> None:
    res = _record(tmp_path, 5.0, attrs='transcribe="true"')
    assert len(res.transcriptions) == 1 and res.events_of("transcribe-callback") == []


def test_callback_without_transcribe_transcribes_nothing_and_warns(tmp_path: Path) -> None:
    res = _record(tmp_path, 5.0, attrs='transcribeCallback="https://app/tr"')
    assert res.transcriptions == [] and res.events_of("transcribe-callback") == []
    assert [e.extra["code"] for e in res.events_of("debugger-warning")] == [13622]


def test_absent_recording_is_never_transcribed(tmp_path: Path) -> None:
    res = _record(tmp_path, 0.0)
    assert res.recordings[0].status == "absent"
    assert res.transcriptions == [] and res.events_of("transcribe-callback") == []


def test_max_length_defaults_to_120_with_transcribe(tmp_path: Path) -> None:
    res = _record(tmp_path, 150.0, attrs='transcribe="true"')
    assert res.recordings[0].untrimmed_s == 120.0
    assert [e.extra["code"] for e in res.events_of("debugger-warning")] == [13617]  # 120 s is not < 120 s


def test_failing_engine_gives_a_failed_transcription(tmp_path: Path) -> None:
    class Broken:
        name = "broken"

        def transcribe(self, samples: np.ndarray) -> str:
            raise RuntimeError("no model")

    res = _record(tmp_path, 5.0, engine=Broken())
    (cb,) = res.events_of("transcribe-callback")
    assert cb.parameters["TranscriptionStatus"] == "failed" and res.transcriptions[0]["status"] == "failed"


def test_engines_by_name(tmp_path: Path) -> None:
    fake = Fake()
    assert get_engine(fake) is fake
    with pytest.raises(ScenarioError, match="transcription_engine: 'whisper' is not allowed"):
        get_engine("whisper")
    with pytest.raises(ScenarioError, match=r"cannot import 'nope\.nothing:Engine'"):
        get_engine("nope.nothing:Engine")
    assert get_engine("test_transcription:Fake").name == "fake"


def test_pocketsphinx_is_deterministic_on_speech(fixtures_dir: Path) -> None:
    """The PocketSphinx engine runs offline on a speech fixture and gives the same text twice."""
    pytest.importorskip("pocketsphinx")
    x = load_audio(fixtures_dir / "caller.wav")
    engine = PocketSphinxEngine()
    first = engine.transcribe(x)
    assert first and first == engine.transcribe(x)
