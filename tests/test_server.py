"""`recsim serve` driven by the official twilio client against a live server on a free
loopback port: the whole recording flow, media, lists, deletes, auth, errors,
signatures of every webhook, and persistence across a restart."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import mutagen.mp3
import pytest
from servers import UvicornThread, WebhookApp
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from recsim import scenario_from_dict
from recsim.audio import decode_wav
from recsim.server import build

AC = "AC" + "1" * 32
TOKEN = "secret-token-1"
AC2 = "AC" + "2" * 32
TOKEN2 = "secret-token-2"
CALLEE = "+15550001111"


class Emulator:
    def __init__(self, tmp: Path, hook: WebhookApp) -> None:
        sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 120, "seed": 3}},
                                                      "answer_delay_s": 1.0}}},
                                source="serve.yaml")
        self.app, self.backend, self.sender = build(accounts={AC: TOKEN, AC2: TOKEN2}, scenario=sc,
                                                    db=tmp / "recsim.db", media_dir=tmp / "media")
        self.hook = hook
        self.server = UvicornThread(self.app).__enter__()
        self.client = self.client_for(AC, TOKEN)

    def client_for(self, sid: str, token: str) -> Client:
        c = Client(sid, token)
        c.api.base_url = self.server.url
        c.voice.base_url = self.server.url
        return c

    def advance(self, seconds: float) -> None:
        r = httpx.post(f"{self.server.url}/recsim/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200

    def get(self, path: str, auth: tuple[str, str] = (AC, TOKEN), **params: Any) -> httpx.Response:
        return httpx.get(f"{self.server.url}/2010-04-01/Accounts/{auth[0]}{path}", auth=auth, params=params)

    def close(self) -> None:
        self.server.__exit__(None, None, None)
        self.sender.close()


@pytest.fixture
def hook() -> Iterator[WebhookApp]:
    app = WebhookApp().start()
    yield app
    app.stop()


@pytest.fixture
def emu(tmp_path: Path, hook: WebhookApp) -> Iterator[Emulator]:
    e = Emulator(tmp_path, hook)
    yield e
    e.close()


def _start_call(emu: Emulator) -> Any:
    call = emu.client.calls.create(to=CALLEE, from_="+15559990000", url=f"{emu.hook.url}/twiml")
    emu.advance(2.0)  # the callee answers at 1.0 s, the app's TwiML runs
    return call


def test_full_flow_with_the_official_client(emu: Emulator) -> None:
    """Start a call, a dual recording, pause with skip, resume, stop, wait for completed,
    download WAV and MP3, list with filters, delete."""
    call = _start_call(emu)
    assert call.sid.startswith("CA") and call.status == "queued"
    rec = emu.client.calls(call.sid).recordings.create(
        recording_channels="dual", recording_status_callback=f"{emu.hook.url}/status",
        recording_status_callback_event=["in-progress", "completed"])
    assert rec.sid.startswith("RE") and rec.status == "in-progress" and rec.channels == 2
    emu.advance(5.0)
    paused = emu.client.calls(call.sid).recordings(rec.sid).update(status="paused", pause_behavior="skip")
    assert paused.status == "paused"
    emu.advance(3.0)
    resumed = emu.client.calls(call.sid).recordings("Twilio.CURRENT").update(status="in-progress")
    assert resumed.status == "in-progress" and resumed.sid == rec.sid
    emu.advance(4.0)
    stopped = emu.client.calls(call.sid).recordings(rec.sid).update(status="stopped")
    assert stopped.status == "stopped"
    assert emu.client.recordings(rec.sid).fetch().status == "processing"
    emu.advance(2.5)
    done = emu.client.recordings(rec.sid).fetch()
    assert (done.status, done.duration, done.channels, done.source) == ("completed", "9", 2,
                                                                      "StartCallRecordingAPI")
    assert done.call_sid == call.sid and done.date_created is not None
    wav = emu.get(f"/Recordings/{rec.sid}.wav")
    assert wav.headers["content-type"] == "audio/x-wav"
    x = decode_wav(wav.content)
    assert x.shape == (9 * 8000, 2)
    assert emu.get(f"/Recordings/{rec.sid}").content == wav.content
    mono = decode_wav(emu.get(f"/Recordings/{rec.sid}.wav", RequestedChannels=1).content)
    assert mono.shape == (9 * 8000,)
    mp3 = emu.get(f"/Recordings/{rec.sid}.mp3")
    assert mp3.headers["content-type"] == "audio/mpeg"
    info = mutagen.mp3.MP3(io.BytesIO(mp3.content)).info
    assert (info.sample_rate, info.bitrate, info.channels) == (8000, 32000, 2)
    assert info.length == pytest.approx(9.0)
    listed = emu.client.recordings.list(call_sid=call.sid)
    assert [r.sid for r in listed] == [rec.sid]
    assert [r.sid for r in emu.client.calls(call.sid).recordings.list()] == [rec.sid]
    assert emu.client.recordings.list(date_created="2026-01-01") != []
    assert emu.client.recordings.list(date_created="2025-12-31") == []
    assert emu.client.recordings(rec.sid).delete() is True
    with pytest.raises(TwilioRestException) as e:
        emu.client.recordings(rec.sid).fetch()
    assert e.value.status == 404
    soft = emu.get(f"/Recordings/{rec.sid}.json", IncludeSoftDeleted="true").json()
    assert soft["status"] == "deleted"
    assert emu.get(f"/Recordings/{rec.sid}.wav").status_code == 404
    assert emu.client.recordings.list(call_sid=call.sid) == []
    assert len(emu.client.recordings.list(call_sid=call.sid, include_soft_deleted=True)) == 1
    # every webhook the platform sent is signed as the platform signs
    emu.sender.drain()
    validator = RequestValidator(TOKEN)
    statuses = [h for h in emu.hook.hits if h.path == "/status"]
    assert [h.params["RecordingStatus"] for h in statuses] == ["in-progress", "completed"]
    assert statuses[1].params["RecordingDuration"] == "9"
    assert [h.path for h in emu.hook.hits] == ["/twiml", "/status", "/status"]
    for h in emu.hook.hits:
        assert h.signature and validator.validate(h.url, h.params, h.signature), h


def test_auth_failures_and_cross_account(emu: Emulator) -> None:
    call = _start_call(emu)
    bad = emu.client_for(AC, "wrong")
    rec = emu.client.calls(call.sid).recordings.create()
    with pytest.raises(TwilioRestException) as e:
        bad.recordings(rec.sid).fetch()
    assert (e.value.status, e.value.code) == (401, 20003)
    assert emu.get("/Recordings.json", auth=(AC, "wrong")).json()["code"] == 20003
    other = emu.client_for(AC2, TOKEN2)
    with pytest.raises(TwilioRestException) as e:
        other.recordings(rec.sid).fetch()
    assert (e.value.status, e.value.code) == (404, 20404)
    # another account's path with valid credentials of the first: not found
    r = httpx.get(f"{emu.server.url}/2010-04-01/Accounts/{AC2}/Recordings.json", auth=(AC, TOKEN))
    assert r.status_code == 404 and r.json()["code"] == 20404
    assert emu.get(f"/Recordings/{rec.sid}.wav", auth=(AC, "nope")).status_code == 401


@pytest.mark.parametrize(("action", "code", "status"), [
    ("current-two", 16108, 400), ("restart", 16114, 400), ("none", 20404, 404), ("not-live", 21220, 400),
    ("dual-of-mono", 16113, 404), ("page-size", 20007, 400), ("bad-url", 21205, 400), ("delete-live", 20009, 400),
])
def test_error_codes(emu: Emulator, action: str, code: int, status: int) -> None:
    call = _start_call(emu)
    calls = emu.client.calls(call.sid)
    with pytest.raises(TwilioRestException) as e:
        if action == "current-two":
            calls.recordings.create()
            calls.recordings.create()
            calls.recordings("Twilio.CURRENT").update(status="paused")
        elif action == "restart":
            rec = calls.recordings.create()
            calls.recordings(rec.sid).update(status="stopped")
            calls.recordings(rec.sid).update(status="in-progress")
        elif action == "none":
            calls.recordings("Twilio.CURRENT").update(status="paused")
        elif action == "not-live":
            other = emu.client.calls.create(to=CALLEE, from_="+1555", url=f"{emu.hook.url}/twiml")
            emu.client.calls(other.sid).recordings.create()
        elif action == "dual-of-mono":
            raise _dual_of_mono(emu, calls)
        elif action == "page-size":
            r = emu.get("/Recordings.json", PageSize=1001)
            raise TwilioRestException(r.status_code, str(r.url), r.json()["message"], r.json()["code"])
        elif action == "bad-url":
            emu.client.calls.create(to=CALLEE, from_="+1555", url="not a url")
        else:
            rec = calls.recordings.create()
            emu.client.recordings(rec.sid).delete()
    assert (e.value.code, e.value.status) == (code, status)


def _dual_of_mono(emu: Emulator, calls: Any) -> TwilioRestException:
    rec = calls.recordings.create(recording_track="inbound")
    emu.advance(2.0)
    calls.recordings(rec.sid).update(status="stopped")
    emu.advance(3.0)
    r = emu.get(f"/Recordings/{rec.sid}.wav", RequestedChannels=2)
    body = r.json()
    return TwilioRestException(r.status_code, r.url, body["message"], body["code"])


def test_paging_across_several_pages(emu: Emulator) -> None:
    call = _start_call(emu)
    sids = []
    for _ in range(7):
        rec = emu.client.calls(call.sid).recordings.create()
        emu.advance(1.0)
        emu.client.calls(call.sid).recordings(rec.sid).update(status="stopped")
        sids.append(rec.sid)
    page = emu.client.recordings.page(page_size=3)
    seen = []
    pages = 0
    while page is not None:
        seen += [r.sid for r in page]
        pages += 1
        page = page.next_page()
    assert pages == 3 and sorted(seen) == sorted(sids) and len(seen) == 7
    assert [r.sid for r in emu.client.recordings.list(page_size=2)] == seen
    raw = emu.get("/Recordings.json", PageSize=3, Page=1).json()
    assert {k for k in raw if k not in ("first_page_uri", "next_page_uri", "previous_page_uri", "uri", "page",
                                        "page_size", "start", "end")} == {"recordings"}
    assert (raw["page"], raw["page_size"], raw["start"], raw["end"]) == (1, 3, 3, 5)
    assert raw["previous_page_uri"] and raw["next_page_uri"]


def test_xml_metadata_and_configurations(emu: Emulator) -> None:
    call = _start_call(emu)
    rec = emu.client.calls(call.sid).recordings.create()
    xml = emu.get(f"/Recordings/{rec.sid}.xml")
    assert xml.headers["content-type"].startswith("application/xml")
    assert f"<Sid>{rec.sid}</Sid>" in xml.text and "<TwilioResponse>" in xml.text
    base = f"{emu.server.url}/v2/Configurations/Recording"
    body = {"unique_name": "cfg1", "configuration": {"configurationType": "Recording",
                                                     "compositionPolicy": {"channels": "mono"}}}
    created = httpx.post(base, json=body, auth=(AC, TOKEN))
    assert created.status_code == 201 and created.json()["id"].startswith("voice_recordingconfiguration_")
    assert httpx.get(f"{base}/cfg1", auth=(AC, TOKEN)).json()["configuration"]["compositionPolicy"] == {
        "channels": "mono", "trim": "do-not-trim"}
    put = httpx.put(f"{base}/cfg1", json={"configuration": {"configurationType": "Recording"}}, auth=(AC, TOKEN))
    assert put.json()["unique_name"] is None
    cid = created.json()["id"]
    assert httpx.delete(f"{base}/{cid}", auth=(AC, TOKEN)).status_code == 204
    assert httpx.get(f"{base}/{cid}", auth=(AC, TOKEN)).json()["code"] == 20404
    assert httpx.get(f"{base}/{cid}", auth=(AC2, TOKEN2)).status_code == 404


def test_a_failing_webhook_never_loses_a_recording(emu: Emulator) -> None:
    emu.hook.fail_paths.add("/status")
    call = _start_call(emu)
    rec = emu.client.calls(call.sid).recordings.create(recording_status_callback=f"{emu.hook.url}/status")
    emu.advance(2.0)
    emu.client.calls(call.sid).recordings(rec.sid).update(status="stopped")
    emu.advance(3.0)
    emu.sender.drain()
    assert len([h for h in emu.hook.hits if h.path == "/status"]) == 3  # 1 try + 2 retries
    assert emu.sender.failed and emu.client.recordings(rec.sid).fetch().status == "completed"


def test_restart_keeps_recordings_and_media(tmp_path: Path, hook: WebhookApp) -> None:
    emu = Emulator(tmp_path, hook)
    call = _start_call(emu)
    rec = emu.client.calls(call.sid).recordings.create()
    emu.advance(3.0)
    emu.client.calls(call.sid).recordings(rec.sid).update(status="stopped")
    emu.advance(3.0)
    before = emu.get(f"/Recordings/{rec.sid}.wav").content
    emu.close()
    again = Emulator(tmp_path, hook)
    try:
        assert again.client.recordings(rec.sid).fetch().status == "completed"
        assert again.get(f"/Recordings/{rec.sid}.wav").content == before
    finally:
        again.close()


def test_conference_recordings_over_the_api(emu: Emulator) -> None:
    emu.hook.twiml = ("<Response><Dial><Conference record='record-from-start' trim='do-not-trim'>room"
                      "</Conference></Dial></Response>")
    call = _start_call(emu)
    (rec,) = emu.client.recordings.list()
    cf = rec.conference_sid
    assert cf.startswith("CF") and rec.source == "Conference"
    assert [r.sid for r in emu.client.conferences(cf).recordings.list()] == [rec.sid]
    paused = emu.client.conferences(cf).recordings("Twilio.CURRENT").update(status="paused", pause_behavior="skip")
    assert paused.status == "paused"
    with pytest.raises(TwilioRestException) as e:
        emu.client.conferences(cf).recordings(rec.sid).update(status="stopped")
    assert e.value.status == 400
    del call


def test_wire_details(emu: Emulator) -> None:
    """Space-separated RecordingStatusCallbackEvent, DateCreated as date-time and with
    inequalities, media only once completed, the Transcriptions list."""
    call = _start_call(emu)
    r = httpx.post(f"{emu.server.url}/2010-04-01/Accounts/{AC}/Calls/{call.sid}/Recordings.json", auth=(AC, TOKEN),
                   data={"RecordingStatusCallback": f"{emu.hook.url}/status",
                         "RecordingStatusCallbackEvent": "in-progress completed"})
    assert r.status_code == 201
    sid = r.json()["sid"]
    assert emu.get(f"/Recordings/{sid}.wav").status_code == 404  # not completed yet
    emu.advance(2.0)
    emu.client.calls(call.sid).recordings(sid).update(status="stopped")
    emu.advance(3.0)
    emu.sender.drain()
    assert [h.params["RecordingStatus"] for h in emu.hook.hits if h.path == "/status"] == ["in-progress", "completed"]
    created = emu.client.recordings(sid).fetch().date_created
    iso = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(emu.get("/Recordings.json", DateCreated=iso).json()["recordings"]) == 1
    assert len(emu.get("/Recordings.json", **{"DateCreated<": "2025-12-31"}).json()["recordings"]) == 0
    assert len(emu.get("/Recordings.json", **{"DateCreated>": "2025-12-31"}).json()["recordings"]) == 1
    assert len(emu.client.recordings.list(date_created_after=created)) == 1
    assert emu.get(f"/Recordings/{sid}/Transcriptions.json").json()["transcriptions"] == []


def test_realtime_clock_and_media_without_auth(tmp_path: Path, hook: WebhookApp) -> None:
    app, backend, sender = build(accounts={AC: TOKEN}, db=":memory:", media_dir=tmp_path / "m", clock="realtime",
                                 speed=200.0, media_auth=False)
    with UvicornThread(app) as server:
        import time

        time.sleep(0.2)
        now = httpx.get(f"{server.url}/recsim/clock").json()["now"]
        assert now > 10.0  # 0.2 s of wall time at 200x
        client = Client(AC, TOKEN)
        client.api.base_url = server.url
        call = client.calls.create(to="+1", from_="+2", twiml="<Response><Pause length='3600'/></Response>")
        time.sleep(0.05)
        rec = client.calls(call.sid).recordings.create()
        time.sleep(0.05)
        client.calls(call.sid).recordings(rec.sid).update(status="stopped")
        time.sleep(0.1)
        r = httpx.get(f"{server.url}/2010-04-01/Accounts/{AC}/Recordings/{rec.sid}.wav")  # no auth
        assert r.status_code == 200 and r.headers["content-type"] == "audio/x-wav"
    sender.close()
    del backend


def test_start_a_scenario_over_the_control_endpoint(emu: Emulator) -> None:
    yaml_text = (
        "parties: {'+1500': {audio: {synthetic: {seconds: 5}}}}\n"
        "calls:\n  - {from: '+1500', to: '+1600', twiml: \"<Response><Start><Recording/></Start>"
        "<Pause length='4'/></Response>\"}\n")
    r = httpx.post(f"{emu.server.url}/recsim/scenario", content=yaml_text)
    assert r.json() == {"calls_started": 1}
    emu.advance(10.0)
    (rec,) = emu.client.recordings.list()
    assert (rec.source, rec.status, rec.channels) == ("StartCallRecordingTwiML", "completed", 2)
    bad = httpx.post(f"{emu.server.url}/recsim/scenario", content="calls: [{from: x}]")
    assert bad.status_code == 400 and bad.json()["code"] == 20001
