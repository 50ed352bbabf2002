"""recsim.mock_twilio: repeatable with a seed, isolated without one, independent across
pytest-xdist workers, and never a request to the real Twilio (issue 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from recsim.testing import mock_twilio

TO, FROM = "+15550001111", "+15559990000"
TWIML = ("<Response><Record maxLength='5' playBeep='false' trim='do-not-trim' "
         "action='https://app.example/done'/></Response>")


def _twiml_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [b"<Response><Hangup/></Response>" if environ["PATH_INFO"] == "/done" else TWIML.encode()]


def _flow(platform) -> tuple[str, str, str, str]:
    """A call whose <Record> takes 5 s of the default talker: its SIDs and duration."""
    platform.route("https://app.example", _twiml_app)
    client = Client(platform.account_sid, platform.auth_token)
    call = client.calls.create(to=TO, from_=FROM, url="https://app.example/voice")
    platform.run_until_idle()
    rec = client.recordings.list(call_sid=call.sid)[0]
    return platform.account_sid, call.sid, rec.sid, rec.duration


def test_same_seed_same_sids_and_durations() -> None:
    """Two platforms made one after the other with the same seed answer the same flow
    with the same AccountSid, CallSid, RecordingSid and duration; another seed differs."""
    with mock_twilio(seed=7) as platform:
        first = _flow(platform)
    with mock_twilio(seed=7) as platform:
        again = _flow(platform)
    with mock_twilio(seed=8) as platform:
        other = _flow(platform)
    assert first == again and first[3] == "5"
    assert len({first[0], other[0]}) == 2 and len({first[1], other[1]}) == 2 and len({first[2], other[2]}) == 2


def test_unseeded_platforms_never_share_a_sid() -> None:
    """Without a seed, each platform has its own account and SIDs."""
    runs = []
    for _ in range(3):
        with mock_twilio() as platform:
            runs.append(_flow(platform))
    for column in range(3):
        assert len({run[column] for run in runs}) == 3


def test_other_twilio_hosts_are_refused_not_sent(twilio_platform) -> None:
    """A product the mock does not emulate (Conversations) is answered in-process with
    404 naming the host, and the unserved Messages resource of the Voice host with 404:
    nothing reaches the real platform."""
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    with pytest.raises(TwilioRestException) as err:
        client.conversations.v1.conversations("CH" + "0" * 32).fetch()
    assert err.value.status == 404 and "conversations.twilio.com is not emulated" in err.value.msg
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(to=TO, from_=FROM, body="hi")
    assert err.value.status == 404 and err.value.code == 20404
    assert [r.status for r in twilio_platform.requests] == [404, 404]


def test_recording_configurations_on_voice_host(twilio_platform) -> None:
    """004's resource on https://voice.twilio.com/v2/Configurations/Recording is served
    in-process to the user's own httpx code, with the account's credentials."""
    import httpx

    base = "https://voice.twilio.com/v2/Configurations/Recording"
    auth = (twilio_platform.account_sid, twilio_platform.auth_token)
    body = {"unique_name": "cfg1", "configuration": {"configurationType": "Recording",
                                                     "compositionPolicy": {"channels": "mono"}}}
    created = httpx.post(base, json=body, auth=auth)
    assert created.status_code == 201 and created.json()["id"].startswith("voice_recordingconfiguration_")
    fetched = httpx.get(f"{base}/cfg1", auth=auth).json()
    assert fetched["configuration"]["compositionPolicy"] == {"channels": "mono", "trim": "do-not-trim"}
    assert httpx.get(f"{base}/cfg1", auth=(auth[0], "wrong")).status_code == 401


_WORKER_TESTS = '''
import json, os
from pathlib import Path
import pytest
from twilio.rest import Client

OUT = Path(os.environ["RECSIM_XDIST_OUT"])

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [b"<Response><Pause length='5'/></Response>"]

@pytest.mark.parametrize("n", range(4))
def test_call(twilio_platform, n):
    twilio_platform.route("https://app.example", app)
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    call = client.calls.create(to="+15550001111", from_="+15559990000", url="https://app.example/voice")
    twilio_platform.advance(1)
    rec = client.calls(call.sid).recordings.create()
    twilio_platform.run_until_idle()
    assert [r.sid for r in client.recordings.list()] == [rec.sid]  # nothing of another test or worker
    (OUT / f"{n}.json").write_text(json.dumps({"worker": os.environ.get("PYTEST_XDIST_WORKER"),
        "account": twilio_platform.account_sid, "call": call.sid, "recording": rec.sid,
        "duration": client.recordings(rec.sid).fetch().duration}))
'''


def test_pytest_xdist_workers_are_independent(tmp_path: Path) -> None:
    """Four tests using the fixture on two xdist workers all pass, each sees only its own
    recording, and no two share an AccountSid, CallSid or RecordingSid."""
    pytest.importorskip("xdist")
    (tmp_path / "test_app.py").write_text(textwrap.dedent(_WORKER_TESTS))
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "RECSIM_XDIST_OUT": str(out)}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider",
                        "-p", "no:randomly", str(tmp_path / "test_app.py")],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rows = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    assert len(rows) == 4 and {row["worker"] for row in rows} == {"gw0", "gw1"}
    for key in ("account", "call", "recording"):
        assert len({row[key] for row in rows}) == 4
    assert {row["duration"] for row in rows} == {"4"}


def test_recsim_mock_twilio_is_imported_on_first_use() -> None:
    """``recsim.mock_twilio`` is :func:`recsim.testing.mock_twilio`, and ``import recsim``
    alone does not import the mock (nor fastapi, twilio or the interception libraries)."""
    code = ("import sys, recsim; heavy = [m for m in ('recsim.testing', 'fastapi', 'twilio', 'responses', 'respx') "
            "if m in sys.modules]; assert not heavy, heavy; from recsim.testing import mock_twilio; "
            "assert recsim.mock_twilio is mock_twilio; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
