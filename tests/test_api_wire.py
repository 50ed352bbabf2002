"""Wire details of the emulator (issue 17): XML lists and errors, media HEAD and byte
ranges, recording path segments, accepted create parameters, callback URL checks,
IncludeSoftDeleted parsed alike by fetch and list, webhook idempotency tokens, and the
clock kept across a restart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from recsim import scenario_from_dict
from recsim.api import Backend
from recsim.server import WebhookSender, create_app
from recsim.server.media import parse_range
from recsim.sim.callbacks import Event
from recsim.store import Store, StoreConflictError

AC = "AC" + "5" * 32
TOKEN = "wire"
AUTH = (AC, TOKEN)
V1 = f"/2010-04-01/Accounts/{AC}"
CALLEE = "+15550001111"


def _backend(tmp: Path, db: str | Path = ":memory:", **kw: Any) -> Backend:
    sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 60, "seed": 2}},
                                                  "answer_delay_s": 0.0}}}, source="wire.yaml")
    return Backend(Store(db, tmp / "media"), {AC: TOKEN}, scenario=sc, **kw)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[TestClient, Backend, str, str]]:
    """A call with a live API recording, and a completed <Record>-less call recording."""
    backend = _backend(tmp_path)
    http = TestClient(create_app(backend))
    call = http.post(f"{V1}/Calls.json", data={"To": CALLEE, "From": "+1555", "Twiml": "<Response><Pause "
                                                "length='60'/></Response>", "Record": "true"}, auth=AUTH).json()
    backend.advance(4.0)
    http.post(f"{V1}/Calls/{call['sid']}.json", data={"Status": "completed"}, auth=AUTH)
    backend.advance(10.0)
    (rec,) = http.get(f"{V1}/Recordings.json", auth=AUTH).json()["recordings"]
    assert rec["status"] == "completed"
    yield http, backend, call["sid"], rec["sid"]


def test_xml_lists_and_errors(live: tuple[TestClient, Backend, str, str]) -> None:
    """``.xml`` lists are ``<TwilioResponse><Recordings page=...><Recording>``; errors of
    ``.xml`` paths are ``<TwilioResponse><RestException>`` with the JSON error's fields."""
    http, _, call_sid, rec_sid = live
    for path in ("/Recordings.xml", f"/Calls/{call_sid}/Recordings.xml"):
        r = http.get(V1 + path, auth=AUTH)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
        lst = ET.fromstring(r.content).find("Recordings")
        assert lst is not None and lst.get("page") == "0" and lst.get("pagesize") == "50"
        assert [el.findtext("Sid") for el in lst.findall("Recording")] == [rec_sid]
    calls = ET.fromstring(http.get(f"{V1}/Calls.xml", auth=AUTH).content).find("Calls")
    assert calls is not None and [el.findtext("Status") for el in calls.findall("Call")] == ["completed"]
    r = http.get(f"{V1}/Recordings/RE{'0' * 32}.xml", auth=AUTH)
    exc = ET.fromstring(r.content).find("RestException")
    assert r.status_code == 404 and exc is not None
    assert (exc.findtext("Code"), exc.findtext("Status")) == ("20404", "404")
    r = http.get(f"{V1}/Recordings.xml", params={"PageSize": "0"}, auth=AUTH)
    assert r.status_code == 400 and ET.fromstring(r.content).findtext("RestException/Code") == "20007"
    assert http.get(f"{V1}/Recordings.csv", auth=AUTH).status_code == 404


def test_media_head_range_and_validators(live: tuple[TestClient, Backend, str, str]) -> None:
    """HEAD: the GET's headers, no body; Range: 206 with exactly those bytes and
    Content-Range; suffix and open ranges; 416 past the end; ETag / If-None-Match 304;
    Last-Modified is the recording's date_updated."""
    http, _, _, rec_sid = live
    full = http.get(f"{V1}/Recordings/{rec_sid}.wav", auth=AUTH)
    data = full.content
    assert full.status_code == 200 and full.headers["accept-ranges"] == "bytes"
    assert int(full.headers["content-length"]) == len(data) > 44
    head = http.head(f"{V1}/Recordings/{rec_sid}.wav", auth=AUTH)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(data)) and head.headers["etag"] == full.headers["etag"]
    meta = http.get(f"{V1}/Recordings/{rec_sid}.json", auth=AUTH).json()
    assert full.headers["last-modified"] == meta["date_updated"].replace("+0000", "GMT")
    for header, (first, last) in [("bytes=0-43", (0, 43)), ("bytes=100-", (100, len(data) - 1)),
                                  ("bytes=-10", (len(data) - 10, len(data) - 1))]:
        part = http.get(f"{V1}/Recordings/{rec_sid}.wav", headers={"Range": header}, auth=AUTH)
        assert part.status_code == 206 and part.content == data[first:last + 1], header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{len(data)}"
    past = http.get(f"{V1}/Recordings/{rec_sid}.wav", headers={"Range": f"bytes={len(data)}-"}, auth=AUTH)
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(data)}"
    same = http.get(f"{V1}/Recordings/{rec_sid}.wav", headers={"If-None-Match": full.headers["etag"]}, auth=AUTH)
    assert same.status_code == 304 and same.content == b""
    assert parse_range("bytes=0-1,5-6", 10) is None and parse_range("items=0-1", 10) is None


def test_path_segments_that_are_not_recording_sids_are_404(live: tuple[TestClient, Backend, str, str]) -> None:
    """``.../Recordings/1.json`` (an index) and other non-SIDs are 404 for update, fetch
    and delete; nothing changes."""
    http, backend, call_sid, rec_sid = live
    before = backend.fetch_recording(AC, rec_sid)
    for name in ("1", "0", "re" + rec_sid[2:].upper() + "x", "Twilio.CURRENT"):
        r = http.post(f"{V1}/Calls/{call_sid}/Recordings/{name}.json", data={"Status": "paused"}, auth=AUTH)
        assert r.status_code in (400, 404), (name, r.text)
        if name != "Twilio.CURRENT":  # CURRENT is a valid reference (no active recording: 400)
            assert r.status_code == 404 and r.json()["code"] == 20404
            assert http.get(f"{V1}/Recordings/{name}.json", auth=AUTH).status_code == 404
            assert http.delete(f"{V1}/Recordings/{name}.json", auth=AUTH).status_code == 404
    assert backend.fetch_recording(AC, rec_sid) == before


def test_include_soft_deleted_parsed_alike(live: tuple[TestClient, Backend, str, str]) -> None:
    """``IncludeSoftDeleted`` accepts true / false in any case, for fetch and list alike,
    and refuses other values (20001) in both."""
    http, _, _, rec_sid = live
    assert http.delete(f"{V1}/Recordings/{rec_sid}.json", auth=AUTH).status_code == 204
    for value in ("true", "TRUE", "True"):
        assert http.get(f"{V1}/Recordings/{rec_sid}.json", params={"IncludeSoftDeleted": value},
                        auth=AUTH).json()["status"] == "deleted"
        assert len(http.get(f"{V1}/Recordings.json", params={"IncludeSoftDeleted": value},
                            auth=AUTH).json()["recordings"]) == 1
    for path in (f"/Recordings/{rec_sid}.json", "/Recordings.json"):
        assert http.get(V1 + path, params={"IncludeSoftDeleted": "False"}, auth=AUTH).status_code in (200, 404)
        r = http.get(V1 + path, params={"IncludeSoftDeleted": "yes"}, auth=AUTH)
        assert (r.status_code, r.json()["code"]) == (400, 20001), path


def test_create_parameters_accepted_and_callbacks_checked(tmp_path: Path) -> None:
    """Every create parameter of the excerpt is accepted (PlayBeep is accepted and
    ignored); callback URLs that are not absolute http(s) are 21609 and create nothing."""
    backend = _backend(tmp_path)
    http = TestClient(create_app(backend))
    call = http.post(f"{V1}/Calls.json", auth=AUTH, data={
        "To": CALLEE, "From": "+1555", "Twiml": "<Response><Pause length='30'/></Response>", "Method": "GET",
        "FallbackUrl": "https://app/fallback", "FallbackMethod": "POST", "StatusCallback": "https://app/status",
        "StatusCallbackEvent": "completed", "StatusCallbackMethod": "POST", "SendDigits": "1", "Timeout": "30",
        "MachineDetection": "Enable", "CallerId": "+1555", "CallReason": "test", "TimeLimit": "600",
        "RecordingTrack": "inbound", "Trim": "do-not-trim", "AsyncAmd": "false"}).json()
    backend.advance(1.0)
    form = {"RecordingStatusCallbackEvent": "in-progress completed", "RecordingStatusCallback": "https://app/rec",
            "RecordingStatusCallbackMethod": "GET", "Trim": "do-not-trim", "RecordingChannels": "dual",
            "RecordingTrack": "outbound", "PlayBeep": "false"}
    r = http.post(f"{V1}/Calls/{call['sid']}/Recordings.json", data=form, auth=AUTH)
    assert r.status_code == 201 and r.json()["track"] == "outbound", r.text
    assert r.json()["channels"] == 1  # dual has effect with track both only (000, 002)
    for bad in ({"RecordingStatusCallback": "not a url"}, {"RecordingStatusCallback": "/relative"},
                {"PlayBeep": "loud"}):
        r = http.post(f"{V1}/Calls/{call['sid']}/Recordings.json", data=bad, auth=AUTH)
        assert r.status_code == 400 and r.json()["code"] in (21609, 20001), (bad, r.text)
    r = http.post(f"{V1}/Calls.json", auth=AUTH, data={"To": CALLEE, "From": "+1", "Url": "https://app/t",
                                                        "StatusCallback": "nope"})
    assert (r.status_code, r.json()["code"]) == (400, 21609)
    assert len(backend.sim(AC).calls) == 1 and len(backend.sim(AC).recordings) == 1


def test_idempotency_token_unique_per_request_same_on_retries() -> None:
    """Each callback carries its own I-Twilio-Idempotency-Token; a retried one sends the
    same token again."""
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers["I-Twilio-Idempotency-Token"]))
        return httpx.Response(500 if request.url.path == "/flaky" else 204)

    with WebhookSender({AC: TOKEN}, retries=2) as sender:
        sender._client = httpx.Client(transport=httpx.MockTransport(handler))
        for path in ("/flaky", "/ok", "/ok"):
            sender.send(AC, Event(time=0.0, kind="recording-status-callback", url=f"https://app{path}",
                                  method="POST", parameters={"RecordingSid": "RE1"}))
        sender.drain()
    flaky = [t for p, t in seen if p == "/flaky"]
    ok = [t for p, t in seen if p == "/ok"]
    assert len(flaky) == 3 and len(set(flaky)) == 1 and len(ok) == 2 and len(set(ok)) == 2
    assert len({t for _, t in seen}) == 3 and all(len(t) == 32 for _, t in seen)


@pytest.mark.parametrize("clock", ["manual", "realtime"])
def test_clock_persists_across_a_restart(tmp_path: Path, clock: str) -> None:
    """The simulated time reached (manual advance, or realtime ticks at 1000x) is kept in
    the store: a backend restarted on the same database starts at or after it, so a new
    call is never dated before a stored one."""
    db = tmp_path / "clock.db"
    first = _backend(tmp_path, db, clock=clock, speed=1000.0)
    with TestClient(create_app(first, tick_s=0.005)):
        if clock == "manual":
            first.advance(5000.0)
        else:
            first._wall0 -= 5.0  # five wall seconds ago: the next tick reaches 5000 s
            first.tick()
        reached = first.now(AC)
    assert reached >= first.base.epoch.timestamp() + 5000.0
    first.store.close()
    second = _backend(tmp_path, db, clock=clock, speed=1000.0)
    assert second.now(AC) >= reached


def test_store_id_makes_sids_repeatable_and_is_checked(tmp_path: Path) -> None:
    """Two new stores given the same store_id issue the same SIDs (the mock's seed); an
    existing database given another id is refused, naming both."""
    a = Store(":memory:", tmp_path / "a", store_id="ab" * 16)
    b = Store(":memory:", tmp_path / "b", store_id="ab" * 16)
    assert a.store_id == b.store_id == "ab" * 16
    assert [a.issue_sids(AC).new("CA") for _ in range(3)] == [b.issue_sids(AC).new("CA") for _ in range(3)]
    Store(tmp_path / "s.db", tmp_path / "m", store_id="cd" * 16).close()
    assert Store(tmp_path / "s.db", tmp_path / "m").store_id == "cd" * 16
    with pytest.raises(StoreConflictError, match="store_id"):
        Store(tmp_path / "s.db", tmp_path / "m", store_id="ef" * 16)


def test_on_recording_gets_each_stored_row(tmp_path: Path) -> None:
    """``Backend(on_recording=...)`` receives (account, row) of each finished recording,
    after its resource is stored."""
    rows: list[tuple[str, dict[str, Any]]] = []
    backend = _backend(tmp_path, on_recording=lambda account, row: rows.append((account, row)))
    http = TestClient(create_app(backend))
    http.post(f"{V1}/Calls.json", data={"To": CALLEE, "From": "+1555", "Record": "true",
                                        "Twiml": "<Response><Pause length='3'/></Response>"}, auth=AUTH)
    backend.advance(10.0)
    ((account, row),) = rows
    assert account == AC and row["resource"]["status"] == "completed"
    assert backend.fetch_recording(AC, row["resource"]["sid"]) == row["resource"]
