"""The voicemail app against recsim's in-process platform (the ``twilio_platform`` fixture)."""

from __future__ import annotations

import pytest
import voicemail_app as voicemail
from twilio.rest import Client


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
