"""A Flask voicemail: <Record> with an action, transcription and a status callback.

Run by its test with recsim's ``twilio_platform`` fixture (no network, no port).
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from twilio.request_validator import RequestValidator

app = Flask(__name__)
#: What the platform told the app, for the test to look at.
received: dict[str, list[dict[str, str]]] = {"action": [], "status": [], "transcription": []}


def _check_signature() -> None:
    token = os.environ["TWILIO_AUTH_TOKEN"]
    if not RequestValidator(token).validate(request.url, request.form.to_dict(),
                                            request.headers.get("X-Twilio-Signature", "")):
        abort(403)


@app.post("/voice")
def voice() -> tuple[str, int, dict[str, str]]:
    """The voice URL: a greeting, then <Record> with an action, transcription and a callback."""
    _check_signature()
    twiml = ('<Response><Say>Please leave a message after the beep.</Say>'
             '<Record action="/recorded" maxLength="60" timeout="5" transcribe="true" '
             'transcribeCallback="/transcription" recordingStatusCallback="/recording-status"/>'
             '</Response>')
    return twiml, 200, {"Content-Type": "text/xml"}


@app.post("/recorded")
def recorded() -> tuple[str, int, dict[str, str]]:
    """The <Record> action: RecordingUrl, RecordingDuration (before trim), Digits."""
    _check_signature()
    received["action"].append(request.form.to_dict())
    return "<Response><Say>Thank you, goodbye.</Say><Hangup/></Response>", 200, {"Content-Type": "text/xml"}


@app.post("/recording-status")
def recording_status() -> str:
    """The recordingStatusCallback: the final RecordingDuration."""
    _check_signature()
    received["status"].append(request.form.to_dict())
    return ""


@app.post("/transcription")
def transcription() -> str:
    """The transcribeCallback: TranscriptionText and TranscriptionStatus."""
    _check_signature()
    received["transcription"].append(request.form.to_dict())
    return ""
