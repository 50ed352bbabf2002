"""The Calls resource of the emulator (issue 17): fetch, list (filters, paging), update
(Status completed / canceled, Url / Twiml redirect re-running TwiML at that simulated
moment) and delete, in process (the app over an in-memory store, as the mock serves it)."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recsim import scenario_from_dict
from recsim.api import Backend
from recsim.audio import say_duration_s
from recsim.server import create_app
from recsim.store import Store

AC = "AC" + "4" * 32
TOKEN = "calls"
AUTH = (AC, TOKEN)
V1 = f"/2010-04-01/Accounts/{AC}"
CALLEE = "+15550001111"
AGENT = "+15550002222"
EPOCH = 1767225600.0  # 2026-01-01T00:00:00Z, the scenario default
LONG = "<Response><Pause length='60'/></Response>"


class Api:
    def __init__(self, tmp: Path) -> None:
        sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 90, "seed": 1}},
                                                      "answer_delay_s": 1.0},
                                             AGENT: {"audio": {"synthetic": {"seconds": 90, "seed": 2}},
                                                     "answer_delay_s": 2.0}},
                                 "apps": {"https://app/next": "<Response><Pause length='2'/></Response>"}},
                                source="calls.yaml")
        self.backend = Backend(Store(":memory:", tmp / "media"), {AC: TOKEN}, scenario=sc)
        self.http = TestClient(create_app(self.backend))

    def create(self, twiml: str = LONG, to: str = CALLEE, **form: str) -> dict[str, Any]:
        r = self.http.post(f"{V1}/Calls.json", data={"To": to, "From": "+15559990000", "Twiml": twiml, **form},
                           auth=AUTH)
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    def update(self, sid: str, **form: str) -> Any:
        return self.http.post(f"{V1}/Calls/{sid}.json", data=form, auth=AUTH)

    def fetch(self, sid: str) -> dict[str, Any]:
        r = self.http.get(f"{V1}/Calls/{sid}.json", auth=AUTH)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def list(self, **query: Any) -> dict[str, Any]:
        r = self.http.get(f"{V1}/Calls.json", params=query, auth=AUTH)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


def _at(date: str | None) -> float:
    assert date is not None
    return email.utils.parsedate_to_datetime(date).timestamp() - EPOCH


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield Api(tmp_path)


def test_status_lifecycle_hangup_and_cancel(api: Api) -> None:
    """queued -> ringing -> in-progress; completed hangs up at that moment (duration from
    answer to hangup); canceled ends a ringing call unanswered (no duration) and is
    ignored on an answered one."""
    a, b = api.create(), api.create()
    assert (a["status"], a["start_time"], a["duration"]) == ("queued", None, None)
    api.backend.advance(0.5)
    assert api.fetch(a["sid"])["status"] == "ringing"
    canceled = api.update(b["sid"], Status="canceled").json()
    assert (canceled["status"], canceled["duration"], _at(canceled["end_time"])) == ("canceled", None, 0.0)
    api.backend.advance(3.0)  # answered at 1 s
    assert api.update(a["sid"], Status="canceled").json()["status"] == "in-progress"
    done = api.update(a["sid"], Status="completed").json()
    assert (done["status"], done["duration"], _at(done["end_time"])) == ("completed", "2", 3.0)  # whole seconds
    api.backend.advance(5.0)
    assert api.fetch(a["sid"])["end_time"] == done["end_time"]
    assert api.fetch(b["sid"])["status"] == "canceled"


def test_twiml_redirect_runs_at_that_moment(api: Api) -> None:
    """A Twiml update at 6 s replaces the 60 s pause: the call ends when the new <Say>
    ends; the recording of the call (Record=true) ends there too."""
    call = api.create(Record="true", Trim="do-not-trim")
    api.backend.advance(6.0)
    assert api.update(call["sid"], Twiml="<Response><Say>thank you goodbye</Say></Response>").status_code == 200
    api.backend.advance(30.0)
    done = api.fetch(call["sid"])
    end = 6.0 + say_duration_s("thank you goodbye")
    assert done["status"] == "completed" and _at(done["end_time"]) == int(end)
    assert done["duration"] == str(round(end - 1.0))
    (rec,) = api.http.get(f"{V1}/Calls/{call['sid']}/Recordings.json", auth=AUTH).json()["recordings"]
    assert rec["status"] == "completed" and float(rec["recsim_duration_s"]) == pytest.approx(end - 1.0)


def test_url_redirect_requests_the_app_then_runs_it(api: Api) -> None:
    """A Url update at 4 s: the TwiML request (reason redirect, the call's standard
    parameters) is an event at 4 s and the app's 2 s pause ends the call at 6 s."""
    call = api.create()
    api.backend.advance(4.0)
    assert api.update(call["sid"], Url="https://app/next", Method="GET").json()["status"] == "in-progress"
    api.backend.advance(10.0)
    (ev,) = [e for _, e in api.backend.events if e.kind == "twiml-request" and e.url == "https://app/next"]
    assert ev.time == 4.0 and ev.method == "GET" and ev.parameters["CallSid"] == call["sid"]
    assert _at(api.fetch(call["sid"])["end_time"]) == 6.0


def test_update_errors(api: Api) -> None:
    """Redirecting an ended call is 21220; a bad Status, Method or URL is 400 naming it;
    an unknown or malformed CallSid is 404."""
    call = api.create()
    api.backend.advance(2.0)
    cases = [({"Status": "busy"}, 20001), ({"Url": "ftp://x"}, 21205), ({"Url": "https://a", "Method": "PUT"}, 20001),
             ({"StatusCallback": "not a url"}, 21609), ({"Twiml": "<Response><Nope/>"}, 20001)]
    for form, code in cases:
        r = api.update(call["sid"], **form)
        assert (r.status_code, r.json()["code"]) == (400, code), (form, r.text)
    api.update(call["sid"], Status="completed")
    r = api.update(call["sid"], Twiml=LONG)
    assert (r.status_code, r.json()["code"]) == (400, 21220)
    for sid in ("CA" + "0" * 32, "1", "CAnope"):
        assert api.http.get(f"{V1}/Calls/{sid}.json", auth=AUTH).status_code == 404


def test_list_filters_and_paging(api: Api) -> None:
    """To, From, Status, StartTime (the day, as twilio-python sends a date) and EndTime
    filters; newest first; PageSize pages with next_page_uri."""
    first = api.create(to=CALLEE)
    api.backend.advance(1.5)
    second = api.create(to="+15550002222")
    third = api.create(to="+15550003333")
    api.backend.advance(0.5)
    api.update(first["sid"], Status="completed")
    sids = [c["sid"] for c in api.list()["calls"]]
    assert sids[0] in (second["sid"], third["sid"]) and sids[-1] == first["sid"] and len(sids) == 3
    assert [c["sid"] for c in api.list(To=CALLEE)["calls"]] == [first["sid"]]
    assert [c["sid"] for c in api.list(Status="completed")["calls"]] == [first["sid"]]
    assert len(api.list(From="+15559990000")["calls"]) == 3 and api.list(From="+1")["calls"] == []
    assert len(api.list(StartTime="2026-01-01T00:00:00Z")["calls"]) == 3
    assert api.list(StartTime="2025-12-31")["calls"] == []
    assert len(api.list(**{"StartTime>": "2026-01-01"})["calls"]) == 3
    assert [c["sid"] for c in api.list(EndTime="2026-01-01")["calls"]] == [first["sid"]]
    page = api.list(PageSize=2)
    assert len(page["calls"]) == 2 and page["next_page_uri"] is not None
    rest = api.http.get(page["next_page_uri"], auth=AUTH).json()
    assert [c["sid"] for c in page["calls"] + rest["calls"]] == sids and rest["next_page_uri"] is None
    r = api.http.get(f"{V1}/Calls.json", params={"Status": "bogus"}, auth=AUTH)
    assert (r.status_code, r.json()["code"]) == (400, 20001)


def test_delete_only_ended_calls(api: Api) -> None:
    """Deleting a live call is 20009; an ended one is 204 and then 404, gone from the list;
    its recordings stay."""
    call = api.create(Record="true")
    api.backend.advance(3.0)
    r = api.http.delete(f"{V1}/Calls/{call['sid']}.json", auth=AUTH)
    assert (r.status_code, r.json()["code"]) == (400, 20009)
    api.update(call["sid"], Status="completed")
    api.backend.advance(10.0)
    assert api.http.delete(f"{V1}/Calls/{call['sid']}.json", auth=AUTH).status_code == 204
    assert api.http.get(f"{V1}/Calls/{call['sid']}.json", auth=AUTH).status_code == 404
    assert api.list()["calls"] == []
    recs = api.http.get(f"{V1}/Recordings.json", params={"CallSid": call["sid"]}, auth=AUTH).json()["recordings"]
    assert [r["status"] for r in recs] == ["completed"]


def _requested(api: Api, url: str) -> list[float]:
    return [e.time for _, e in api.backend.events if e.kind == "twiml-request" and e.url == url]


def test_redirect_during_record_ends_the_recording_there(api: Api) -> None:
    """A Twiml update at 3 s while <Record> runs (from the answer at 1 s): the recording
    ends at 3 s (2 s captured, completed), its action is not requested, and the new
    TwiML runs from 3 s (a 2 s pause: the call ends at 5 s)."""
    call = api.create(twiml="<Response><Record timeout='0' maxLength='20' playBeep='false' trim='do-not-trim' "
                            "action='https://app/after'/></Response>")
    api.backend.advance(3.0)
    assert api.update(call["sid"], Twiml="<Response><Pause length='2'/></Response>").status_code == 200
    api.backend.advance(30.0)
    (rec,) = api.http.get(f"{V1}/Calls/{call['sid']}/Recordings.json", auth=AUTH).json()["recordings"]
    assert (rec["status"], rec["source"], float(rec["recsim_duration_s"])) == ("completed", "RecordVerb", 2.0)
    assert _requested(api, "https://app/after") == []
    assert _at(api.fetch(call["sid"])["end_time"]) == 5.0


def test_redirect_during_dial_disconnects_the_dialed_party(api: Api) -> None:
    """A Twiml update at 6 s while the caller talks to a dialed number (answered at 3 s):
    the dialed leg ends at 6 s, the <Dial> recording (record-from-answer-dual) ends
    there with 3 s, the <Dial> action is not requested, and the caller goes on with the
    new TwiML (a 2 s pause: the call ends at 8 s)."""
    call = api.create(twiml=f"<Response><Dial action='https://app/after' record='record-from-answer-dual' "
                            f"trim='do-not-trim'><Number>{AGENT}</Number></Dial></Response>")
    api.backend.advance(6.0)
    assert api.update(call["sid"], Twiml="<Response><Pause length='2'/></Response>").status_code == 200
    api.backend.advance(30.0)
    (sim_call,) = [c for c in api.backend.sim(AC).calls if c.parent.sid == call["sid"]]
    (child,) = [leg for leg in sim_call.legs if leg is not sim_call.parent]
    assert (child.to, child.answered_at, child.ended_at) == (AGENT, 3.0, 6.0)
    (rec,) = api.http.get(f"{V1}/Calls/{call['sid']}/Recordings.json", auth=AUTH).json()["recordings"]
    assert (rec["status"], rec["channels"], float(rec["recsim_duration_s"])) == ("completed", 2, 3.0)
    assert _requested(api, "https://app/after") == []
    assert _at(api.fetch(call["sid"])["end_time"]) == 8.0


def test_record_actions_of_twiml_given_to_the_calls_api(api: Api) -> None:
    """001: a live call redirected to a <Record> without action is 11100, and a relative
    <Record action> in a Twiml parameter (create or update) is 11100; the call goes on
    untouched. An absolute action is accepted."""
    relative = "<Response><Record action='/done'/></Response>"
    r = api.http.post(f"{V1}/Calls.json", data={"To": CALLEE, "From": "+15559990000", "Twiml": relative}, auth=AUTH)
    assert (r.status_code, r.json()["code"]) == (400, 11100) and "absolute" in r.json()["message"]
    call = api.create()
    api.backend.advance(2.0)
    for twiml, words in (("<Response><Record/></Response>", "needs its action"),
                         ("<Response><Record action='done'/></Response>", "absolute")):
        r = api.update(call["sid"], Twiml=twiml)
        assert (r.status_code, r.json()["code"]) == (400, 11100) and words in r.json()["message"]
    assert api.fetch(call["sid"])["status"] == "in-progress"
    ok = api.update(call["sid"], Twiml="<Response><Record action='https://app/next' maxLength='3'/></Response>")
    assert ok.status_code == 200
