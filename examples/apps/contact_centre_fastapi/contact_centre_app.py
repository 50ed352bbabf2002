"""A FastAPI contact-centre flow: the call is recorded dual-channel with
``<Start><Recording>``; while the caller reads a card number the app pauses the
recording with ``PauseBehavior=skip`` over REST and resumes it with ``Twilio.CURRENT``.

In a real deployment the pause and resume come from the agent's desktop; here the app
exposes them as two webhooks of its own (``/card-start`` and ``/card-end``) that its test
triggers through the platform's clock.
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Request
from fastapi.responses import Response
from twilio.rest import Client

app = FastAPI()


def _client() -> Client:
    return Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


@app.post("/voice")
async def voice(request: Request) -> Response:
    """Record both parties, then hold the line (the agent talks with the caller)."""
    twiml = ('<Response><Start><Recording channels="dual" trim="do-not-trim"/></Start>'
             '<Pause length="40"/><Hangup/></Response>')
    return Response(twiml, media_type="text/xml")


def pause_for_card(call_sid: str) -> str:
    """The caller is about to read a card number: stop capturing it (skip)."""
    rec = _client().calls(call_sid).recordings("Twilio.CURRENT").update(status="paused", pause_behavior="skip")
    return rec.sid


def resume_after_card(call_sid: str) -> str:
    """The card number has been read: record again."""
    return _client().calls(call_sid).recordings("Twilio.CURRENT").update(status="in-progress").status
