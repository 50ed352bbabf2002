"""recsim.mock_twilio / the ``twilio_platform`` fixture: a Twilio app tested in-process
(issue 11). Every test drives the platform through the official twilio client."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests
import soundfile as sf
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from recsim.testing import TwilioPlatform, UnroutedWebhookError, mock_twilio

TO, FROM = "+15550001111", "+15559990000"


def _flask_app(platform: TwilioPlatform, twiml: str, seen: list[dict[str, str]]):
    flask = pytest.importorskip("flask")
    app = flask.Flask("t")

    @app.post("/voice")
    def voice():
        r = flask.request
        ok = RequestValidator(platform.auth_token).validate(r.url, r.form.to_dict(),
                                                            r.headers.get("X-Twilio-Signature", ""))
        seen.append({**r.form.to_dict(), "valid": str(ok)})
        return twiml, 200, {"Content-Type": "text/xml"}

    @app.post("/status")
    def status():
        seen.append(flask.request.form.to_dict())
        return ""

    return app


def test_wsgi_app_sync_client_signature_and_durations(twilio_platform: TwilioPlatform) -> None:
    """The README flow: webhooks reach a Flask app signed (its RequestValidator passes),
    the recording's duration is exact: a 20 s Pause recorded dual from the answer."""
    seen: list[dict[str, str]] = []
    twiml = ('<Response><Start><Recording channels="dual" trim="do-not-trim" '
             'recordingStatusCallback="https://myapp.example/status"/></Start>'
             '<Pause length="20"/><Hangup/></Response>')
    twilio_platform.route("https://myapp.example", _flask_app(twilio_platform, twiml, seen))
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    call = client.calls.create(to=TO, from_=FROM, url="https://myapp.example/voice")
    twilio_platform.advance(30)
    rec = client.recordings.list(call_sid=call.sid)[0]
    assert rec.duration == "20" and rec.channels == 2 and rec.status == "completed"
    assert seen[0]["valid"] == "True" and seen[0]["CallSid"] == call.sid and seen[0]["To"] == TO
    assert seen[1]["RecordingSid"] == rec.sid and seen[1]["RecordingStatus"] == "completed"
    assert seen[1]["RecordingDuration"] == "20"
    assert [(r.direction, r.kind) for r in twilio_platform.requests] == [
        ("api", "api"), ("webhook", "twiml-request"), ("webhook", "recording-status-callback"), ("api", "api")]
    assert twilio_platform.calls[0]["sid"] == call.sid
    assert [r["sid"] for r in twilio_platform.recordings] == [rec.sid]


def _fastapi_app():
    fastapi = pytest.importorskip("fastapi")
    from fastapi.responses import Response

    app = fastapi.FastAPI()

    @app.post("/voice")
    async def voice() -> Response:
        return Response('<Response><Start><Recording channels="dual" trim="do-not-trim"/></Start>'
                        '<Pause length="30"/><Hangup/></Response>', media_type="text/xml")

    return app


def test_asgi_app_pause_skip_and_media_download_with_requests_and_httpx() -> None:
    """An ASGI app; pause with skip over REST at 10 s for 5 s, resume with Twilio.CURRENT:
    30 s on the line, 25 s of samples in the WAV fetched with requests and with httpx."""
    with mock_twilio() as platform:
        platform.route("https://cc.example", _fastapi_app())
        client = Client(platform.account_sid, platform.auth_token)
        call = client.calls.create(to=TO, from_=FROM, url="https://cc.example/voice")
        platform.advance(10)
        rec = client.calls(call.sid).recordings("Twilio.CURRENT").update(status="paused", pause_behavior="skip")
        platform.advance(5)
        client.calls(call.sid).recordings("Twilio.CURRENT").update(status="in-progress")
        platform.run_until_idle()
        assert client.recordings(rec.sid).fetch().duration == "25"
        url = f"https://api.twilio.com/2010-04-01/Accounts/{platform.account_sid}/Recordings/{rec.sid}.wav"
        for body in (requests.get(url, timeout=5).content, httpx.get(url).content):
            samples, rate = sf.read(io.BytesIO(body), dtype="int16")
            assert rate == 8000 and samples.shape == (25 * 8000, 2)
        mono = requests.get(url + "?RequestedChannels=1", timeout=5).content
        assert sf.info(io.BytesIO(mono)).channels == 1


def test_errors_reach_the_client_as_twilio_rest_exceptions(twilio_platform: TwilioPlatform) -> None:
    """20404 for an unknown recording, 21220 for a call not in progress, 20003 for bad credentials."""
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    with pytest.raises(TwilioRestException) as e:
        client.recordings("RE" + "0" * 32).fetch()
    assert e.value.code == 20404 and e.value.status == 404
    call = client.calls.create(to=TO, from_=FROM, twiml="<Response><Pause length='1'/></Response>")
    twilio_platform.run_until_idle()
    with pytest.raises(TwilioRestException) as e:
        client.calls(call.sid).recordings.create()
    assert e.value.code == 21220
    with pytest.raises(TwilioRestException) as e:
        Client(twilio_platform.account_sid, "wrong").recordings("RE" + "0" * 32).fetch()
    assert e.value.code == 20003 and e.value.status == 401


def test_async_client() -> None:
    """twilio's AsyncTwilioHttpClient (aiohttp) talks to the platform too."""
    from twilio.http.async_http_client import AsyncTwilioHttpClient

    async def flow(platform: TwilioPlatform) -> list[str]:
        client = Client(platform.account_sid, platform.auth_token, http_client=AsyncTwilioHttpClient())
        call = await client.calls.create_async(to=TO, from_=FROM, twiml="<Response><Start><Recording/></Start>"
                                                                        "<Pause length='5'/></Response>")
        platform.run_until_idle()
        recs = await client.recordings.list_async(call_sid=call.sid)
        await client.http_client.close()
        return [r.status for r in recs]

    with mock_twilio() as platform:
        assert asyncio.run(flow(platform)) == ["completed"]


def test_other_hosts_pass_through_untouched() -> None:
    """A request to another host (a real server on loopback) is not intercepted."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"real")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x"
        with mock_twilio():
            assert requests.get(url, timeout=5).text == "real"
            assert httpx.get(url).text == "real"
    finally:
        server.shutdown()


def test_two_platforms_share_nothing_and_leaving_restores_the_network() -> None:
    """Two platforms (one after the other and nested) never share SIDs or recordings; after
    the context, api.twilio.com is no longer answered in-process."""
    sids = []
    with mock_twilio() as a:
        ca = Client(a.account_sid, a.auth_token).calls.create(to=TO, from_=FROM, twiml="<Response/>")
        sids.append((a.account_sid, ca.sid))
    with mock_twilio() as b:
        cb = Client(b.account_sid, b.auth_token).calls.create(to=TO, from_=FROM, twiml="<Response/>")
        sids.append((b.account_sid, cb.sid))
        with pytest.raises(TwilioRestException) as e:
            Client(a.account_sid, a.auth_token).calls.create(to=TO, from_=FROM, twiml="<Response/>")
        assert e.value.status in (401, 404)
    assert sids[0][0] != sids[1][0] and sids[0][1] != sids[1][1]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://api.twilio.com.invalid/", timeout=2)


def test_an_unrouted_webhook_is_a_clear_error_naming_the_url() -> None:
    """A voice URL with no routed app stops that call with an error naming the URL."""
    with mock_twilio() as platform:
        Client(platform.account_sid, platform.auth_token).calls.create(
            to=TO, from_=FROM, url="https://nowhere.example/voice")
        with pytest.raises(UnroutedWebhookError, match=re.escape("https://nowhere.example/voice")):
            platform.advance(5)


@mock_twilio()
def test_decorator_form(twilio_platform: TwilioPlatform) -> None:
    """@mock_twilio() gives the test its platform."""
    call = Client(twilio_platform.account_sid, twilio_platform.auth_token).calls.create(
        to=TO, from_=FROM, twiml="<Response><Pause length='3'/></Response>")
    assert call.status == "queued" and twilio_platform.run_until_idle() > 3


def test_bad_arguments_name_the_field() -> None:
    """route() and unrouted= say what is allowed."""
    with pytest.raises(ValueError, match="unrouted"):
        TwilioPlatform(unrouted="drop")
    with mock_twilio() as platform:
        with pytest.raises(ValueError, match="base_url"):
            platform.route("myapp.example", lambda e, s: [])
        with pytest.raises(TypeError, match="app"):
            platform.route("https://myapp.example", object())


def test_one_platform_at_a_time() -> None:
    """A second mock while one is active is refused with a message, and the first keeps working."""
    with mock_twilio() as platform:
        with pytest.raises(RuntimeError, match="already active"), mock_twilio():
            pass
        assert Client(platform.account_sid, platform.auth_token).calls.create(
            to=TO, from_=FROM, twiml="<Response/>").status == "queued"


def test_words_of_a_recording_are_what_its_transcription_reads(twilio_platform: TwilioPlatform) -> None:
    """platform.words(sid): the words the stored recording captured, in media time; the
    reference transcription of the same <Record> reads exactly those words."""
    twiml = ('<Response><Record maxLength="12" playBeep="false" transcribe="true" '
             'action="https://app.example/done"/></Response>')

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b"<Response><Hangup/></Response>" if environ["PATH_INFO"] == "/done" else twiml.encode()]

    twilio_platform.route("https://app.example", app)
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    call = client.calls.create(to=TO, from_=FROM, url="https://app.example/voice")
    twilio_platform.run_until_idle()
    rec = client.recordings.list(call_sid=call.sid)[0]
    words = twilio_platform.words(rec.sid)
    assert words and {w["channel"] for w in words} == {1} and {w["recording_sid"] for w in words} == {rec.sid}
    assert all(0 <= w["start"] < w["end"] <= float(rec.duration) + 1 for w in words)
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    [tr] = client.recordings(rec.sid).transcriptions.list()
    assert tr.transcription_text == " ".join(w["word"] for w in words)
    with pytest.raises(KeyError, match="not a finished recording"):
        twilio_platform.words("RE" + "0" * 32)
