"""The contact-centre app against recsim's in-process platform: the span paused with
skip is absent from the recording's samples."""

from __future__ import annotations

import io

import contact_centre_app as contact_centre
import numpy as np
import requests
import soundfile as sf
from twilio.rest import Client


def test_the_card_number_is_not_recorded(twilio_platform, monkeypatch):
    """Paused with skip for 6 s of a 40 s call: 34 s of samples, the caller's speech cut by 6 s."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio_platform.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_platform.auth_token)
    twilio_platform.route("https://cc.example", contact_centre.app)
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    call = client.calls.create(to="+15550001111", from_="+15559990000", url="https://cc.example/voice")

    twilio_platform.advance(10)                      # answered at once: 10 s recorded
    sid = contact_centre.pause_for_card(call.sid)
    twilio_platform.advance(6)                       # 6 s of card number: skipped
    assert contact_centre.resume_after_card(call.sid) == "in-progress"
    twilio_platform.run_until_idle()                 # the app hangs up at 40 s

    rec = client.recordings(sid).fetch()
    assert rec.status == "completed" and rec.channels == 2
    wav = requests.get(f"https://api.twilio.com/2010-04-01/Accounts/{twilio_platform.account_sid}"
                       f"/Recordings/{sid}.wav", timeout=10)
    samples, rate = sf.read(io.BytesIO(wav.content), dtype="int16")
    assert rate == 8000 and samples.shape[1] == 2
    # 40 s on the line, 6 s skipped: 34 s of samples, and the resource says so
    assert samples.shape[0] == 34 * 8000 and int(rec.duration) == 34
    # the caller talks for the 20 s after the answer; 6 of them were skipped, so the
    # caller's channel holds 14 s of speech and then silence
    caller = np.flatnonzero(samples[:, 0])
    assert caller[0] < 0.01 * 8000 and 13.99 * 8000 <= caller[-1] < 14 * 8000
