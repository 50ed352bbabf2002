"""The voicemail app against recsim's in-process platform (the ``twilio_platform`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import voicemail_app as voicemail
from twilio.rest import Client

from recsim import scenario_from_dict

#: A recorded voicemail and its words (fixtures/audio/README.md).
MESSAGE = Path(__file__).resolve().parents[3] / "fixtures" / "audio" / "voicemail.wav"
WORDS = json.loads(MESSAGE.with_suffix(".words.json").read_text())["text"]


@pytest.fixture
def platform(twilio_platform, monkeypatch):
    """The platform with the voicemail app routed and its auth token in the environment."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_platform.auth_token)
    for v in voicemail.received.values():
        v.clear()
    twilio_platform.route("https://voicemail.example", voicemail.app)
    return twilio_platform


def test_a_message_is_recorded_trimmed_and_reported(platform):
    """The action gets the duration before trim, the status callback and the resource the
    final one; the transcription arrives for the same recording."""
    client = Client(platform.account_sid, platform.auth_token)
    call = client.calls.create(to="+15550001111", from_="+15559990000", url="https://voicemail.example/voice")
    platform.run_until_idle()

    [action] = voicemail.received["action"]
    [status] = voicemail.received["status"]
    rec = client.recordings(status["RecordingSid"]).fetch()
    assert action["CallSid"] == call.sid and status["RecordingStatus"] == "completed"
    # the action's RecordingDuration is before trim-silence; the callback's and the resource's after it
    assert int(action["RecordingDuration"]) >= int(status["RecordingDuration"]) == int(rec.duration) > 0
    assert rec.source == "RecordVerb" and rec.channels == 1
    [transcription] = voicemail.received["transcription"]
    assert transcription["RecordingSid"] == rec.sid and transcription["TranscriptionStatus"] == "completed"
    assert [r.kind for r in platform.requests if r.direction == "webhook"][:2] == ["twiml-request", "twiml-request"]


def _callee_says_the_message(start_s: float) -> dict:
    """Platform options: the callee speaks the fixture message ``start_s`` seconds after
    answering (its words come from the sidecar voicemail.words.json)."""
    party = {"audio": [{"file": str(MESSAGE), "at": start_s}], "answer_delay_s": 0.0}
    return {"scenario": scenario_from_dict({"parties": {"+15550001111": party}})}


@pytest.mark.parametrize("twilio_platform_options,lost", [
    (_callee_says_the_message(4.0), ""),
    (_callee_says_the_message(0.0), "Hello, this is Sam Taylor calling for "),
], ids=["after-the-beep", "over-the-greeting"])
def test_the_transcription_is_the_words_the_recording_captured(platform, lost):
    """The callee leaves a known message (fixtures/audio/voicemail.wav): started after the
    greeting and beep, the transcription is the whole message word for word; started
    at the answer, it talks over the greeting, and the words said before the recording
    began are not in it (the reference transcription engine: docs/semantics.md, Words)."""
    client = Client(platform.account_sid, platform.auth_token)
    client.calls.create(to="+15550001111", from_="+15559990000", url="https://voicemail.example/voice")
    platform.run_until_idle()
    [transcription] = voicemail.received["transcription"]
    assert lost + transcription["TranscriptionText"] == WORDS
