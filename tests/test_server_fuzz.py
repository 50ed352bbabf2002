"""Malformed bodies and parameters at every route: always a 4xx with a Twilio error
body (never a 500), and no change to stored recordings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recsim import scenario_from_dict
from recsim.server import build
from recsim.server.urls import API

AC = "AC" + "3" * 32
TOKEN = "fuzz"
AUTH = (AC, TOKEN)
V1 = f"/2010-04-01/Accounts/{AC}"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("fuzz")
    sc = scenario_from_dict({"parties": {"+1": {"audio": {"synthetic": {"seconds": 60}}, "answer_delay_s": 0.0}},
                             "apps": {"https://app/t": "<Response><Pause length='600'/></Response>"}})
    app, backend, sender = build(accounts={AC: TOKEN}, scenario=sc, db=tmp / "db.sqlite", media_dir=tmp / "m")
    client = TestClient(app)
    call = client.post(f"{V1}/Calls.json", data={"To": "+1", "From": "+2", "Url": "https://app/t"}, auth=AUTH).json()
    backend.advance(1.0)
    rec = client.post(f"{V1}/Calls/{call['sid']}/Recordings.json", data={}, auth=AUTH).json()
    backend.advance(2.0)
    client.post(f"{V1}/Calls/{call['sid']}/Recordings/{rec['sid']}.json", data={"Status": "stopped"}, auth=AUTH)
    backend.advance(3.0)
    yield client, backend, call["sid"], rec["sid"]
    sender.close()


def _snapshot(backend: Any) -> str:
    rows = backend.store.query(AC, now=backend.now(AC), include_deleted=True, limit=1000)
    media = sorted((p.name, p.stat().st_size) for p in backend.store.media_dir.iterdir())
    return json.dumps([rows, media], sort_keys=True)


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
junk_form = st.dictionaries(st.sampled_from(["Status", "PauseBehavior", "RecordingChannels", "RecordingTrack",
                                             "Trim", "RecordingStatusCallbackEvent", "RecordingStatusCallback",
                                             "RecordingStatusCallbackMethod", "To", "From", "Url", "Record",
                                             "RecordingConfigurationId", "Bogus"]), text, max_size=5)
junk_query = st.dictionaries(st.sampled_from(["PageSize", "Page", "PageToken", "DateCreated", "DateCreated<",
                                              "DateCreated>", "CallSid", "IncludeSoftDeleted", "RequestedChannels"]),
                             text, max_size=4)


def _error_body(r: Any) -> dict[str, Any]:
    """Twilio's error fields of a response: its JSON, or for a ``.xml`` path the
    ``<TwilioResponse><RestException>`` envelope (issue 17) read back as the same keys."""
    if r.url.path.endswith(".xml"):
        import xml.etree.ElementTree as ET

        exc = ET.fromstring(r.content).find("RestException")
        if exc is None:
            raise ValueError("no RestException")
        keys = {"Code": "code", "Message": "message", "MoreInfo": "more_info", "Status": "status"}
        return {keys.get(el.tag, el.tag): int(el.text) if el.tag in ("Code", "Status") else el.text for el in exc}
    body: dict[str, Any] = r.json()
    return body


def _is_twilio_error(r: Any) -> bool:
    try:
        body = _error_body(r)
    except ValueError:
        return False
    return {"code", "message", "more_info", "status"} <= set(body) and body["status"] == r.status_code


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=junk_form, raw=st.binary(max_size=40), target=st.sampled_from([
    "create_call", "create_rec", "update", "update_current", "conf_update", "conf_create", "delete_live"]))
def test_malformed_writes_are_4xx_and_change_nothing(setup: Any, form: dict[str, str], raw: bytes,
                                                     target: str) -> None:
    client, backend, call_sid, rec_sid = setup
    before = _snapshot(backend)
    if target == "create_call":
        form = {**form, "Url": "ftp://" + form.get("Url", "")}  # never a valid Url
        r = client.post(f"{V1}/Calls.json", data=form, auth=AUTH)
    elif target == "create_rec":
        form = {**form, "RecordingChannels": "x" + form.get("RecordingChannels", "")}
        r = client.post(f"{V1}/Calls/{call_sid}/Recordings.json", data=form, auth=AUTH)
    elif target == "update":
        form = {**form, "Status": "z" + form.get("Status", "")}
        r = client.post(f"{V1}/Calls/{call_sid}/Recordings/{rec_sid}.json", data=form, auth=AUTH)
    elif target == "update_current":
        r = client.post(f"{V1}/Calls/{call_sid}/Recordings/Twilio.CURRENT.json", content=raw, auth=AUTH,
                        headers={"content-type": "application/x-www-form-urlencoded"})
    elif target == "conf_update":
        r = client.post(f"{V1}/Conferences/CF{'0' * 32}/Recordings/{rec_sid}.json", data=form, auth=AUTH)
    elif target == "conf_create":
        r = client.post(f"{V1}/Conferences/CF{'0' * 32}/Recordings.json", data=form, auth=AUTH)
    else:
        r = client.delete(f"{V1}/Recordings/RE{raw.hex()[:32]:0<32}.json", auth=AUTH)
    assert 400 <= r.status_code < 500, (target, form, r.status_code, r.text)
    assert _is_twilio_error(r), r.text
    assert _snapshot(backend) == before


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=junk_query, path=st.sampled_from(["/Recordings.json", "/Recordings/{rec}.json", "/Recordings/{rec}",
                                               "/Recordings/{rec}.mp3", "/Calls/{call}/Recordings.json",
                                               "/Recordings/{rec}.xml", "/Recordings/REnope.json",
                                               "/Recordings/{rec}/Transcriptions.json", "/Nothing/here"]))
def test_malformed_reads_never_fail_with_500(setup: Any, query: dict[str, str], path: str) -> None:
    client, backend, call_sid, rec_sid = setup
    before = _snapshot(backend)
    r = client.get(V1 + path.format(rec=rec_sid, call=call_sid), params=query, auth=AUTH)
    assert r.status_code < 500, (path, query, r.text)
    if r.status_code >= 400:
        assert _is_twilio_error(r), r.text
    assert _snapshot(backend) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | text,
                         lambda kids: st.lists(kids, max_size=3) | st.dictionaries(text, kids, max_size=3),
                         max_leaves=8))
def test_malformed_configurations_are_4xx(setup: Any, body: Any) -> None:
    client, _backend, _, _ = setup
    r = client.post("/v2/Configurations/Recording", json=body, auth=AUTH)
    assert 400 <= r.status_code < 500 and _is_twilio_error(r), r.text
    r = client.put("/v2/Configurations/Recording/none", json=body, auth=AUTH)
    assert r.status_code in (400, 404) and _is_twilio_error(r)


@pytest.mark.parametrize("query", [{"Page": "9" * 30}, {"PageSize": "-1"}, {"PageSize": "0"}, {"Page": "-2"},
                                   {"DateCreated": "2026-13-45"}, {"DateCreated<": "yesterday"},
                                   {"IncludeSoftDeleted": "maybe"}, {"RequestedChannels": "9" * 30}])
def test_edge_values_are_4xx(setup: Any, query: dict[str, str]) -> None:
    client, _, _, rec_sid = setup
    path = f"{V1}/Recordings/{rec_sid}.wav" if "RequestedChannels" in query else f"{V1}/Recordings.json"
    r = client.get(path, params=query, auth=AUTH)
    assert 400 <= r.status_code < 500 and _is_twilio_error(r), (query, r.text)


def test_unauthenticated_everywhere(setup: Any, tmp_path: Path) -> None:
    client, _, call_sid, rec_sid = setup
    for method, path in [("GET", f"{V1}/Recordings.json"), ("GET", f"{V1}/Recordings/{rec_sid}.wav"),
                         ("POST", f"{V1}/Calls.json"), ("DELETE", f"{V1}/Recordings/{rec_sid}.json"),
                         ("POST", f"{V1}/Calls/{call_sid}/Recordings.json"), ("GET", "/v2/Configurations/Recording")]:
        r = client.request(method, path, auth=(AC, "bad"))
        assert r.status_code == 401 and r.json()["code"] == 20003, (method, path)


def test_every_api_route_requires_credentials(setup: Any) -> None:
    """Every row of the route table of Twilio's API (recsim.server.urls.API) answers 401,
    code 20003, without credentials and with a wrong token: authentication is a
    dependency of each route, not a call each handler must remember."""
    client, _, call_sid, rec_sid = setup
    values = {"account_sid": AC, "call_sid": call_sid, "conference_sid": "CF" + "0" * 32, "owner": "Calls",
              "owner_sid": call_sid, "name": f"{rec_sid}.json", "sid": rec_sid, "ref": "none", "fmt": "json"}
    assert len(API) >= 16
    for route in API:
        path = route.path.format(**values)
        for auth in (None, (AC, "bad")):
            r = client.request(route.method, path, auth=auth)
            assert r.status_code == 401, (route.method, path, auth, r.text)
            assert route.method == "HEAD" or r.json()["code"] == 20003, (route.method, path, auth, r.text)
            assert r.headers["www-authenticate"].startswith("Basic")
