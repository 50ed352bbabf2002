"""Issue 10, "Outputs you can trust", for `recsim serve`: SIDs never repeat across
accounts, restarts and resets, and nothing stored changes; recordings are served only
under their own parent; a stop response carries no error code; the clock refuses values
it cannot show, and no error is ever a plain-text 500.

Driven through the official twilio client (and httpx for recsim's /recsim/* control
endpoints) against a live server on a free loopback port."""

from __future__ import annotations

import email.utils
import json
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from servers import UvicornThread
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from recsim import scenario_from_dict
from recsim.errors import InvalidRequestError, RecsimError
from recsim.server import build
from recsim.store import Store

AC = "AC" + "1" * 32
TOKEN = "secret-token-1"
AC2 = "AC" + "2" * 32
TOKEN2 = "secret-token-2"
TOKENS = {AC: TOKEN, AC2: TOKEN2}
CALLEE = "+15550001111"
#: A call recorded from answer (1 s) to hang-up (5 s later): a completed recording.
SHORT = "<Response><Pause length='5'/></Response>"
ROOM = ("<Response><Dial><Conference record='record-from-start' trim='do-not-trim'>room</Conference>"
        "</Dial></Response>")


class Server:
    """recsim serve over ``db`` and ``media``, both accounts, manual clock."""

    def __init__(self, db: Path, media: Path) -> None:
        sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 120, "seed": 3}},
                                                      "answer_delay_s": 1.0}}}, source="serve.yaml")
        self.app, self.backend, self.sender = build(accounts=dict(TOKENS), scenario=sc, db=db, media_dir=media)
        self.server = UvicornThread(self.app).__enter__()
        self.url = self.server.url

    def client(self, account: str) -> Client:
        c = Client(account, TOKENS[account])
        c.api.base_url = self.url
        return c

    def advance(self, seconds: float) -> None:
        r = httpx.post(f"{self.url}/recsim/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200, r.text

    def get(self, account: str, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}/2010-04-01/Accounts/{account}{path}", auth=(account, TOKENS[account]),
                         params=params)

    def close(self) -> None:
        self.server.__exit__(None, None, None)
        self.sender.close()
        self.backend.store.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "recsim.db", tmp_path / "media")
    yield s
    s.close()


def _rows(db: Path) -> dict[str, tuple[Any, ...]]:
    con = sqlite3.connect(str(db))
    try:
        rows = con.execute("SELECT sid, account_sid, call_sid, conference_sid, created, status, deleted_at, "
                           "resource FROM recordings").fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r) for r in rows}


def _media(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _date(text: str) -> float:
    return email.utils.parsedate_to_datetime(text).timestamp()


def _phase(srv: Server, calls: dict[str, list[str]], recs: dict[str, list[str]], confs: list[str]) -> None:
    """In both accounts: two recorded calls (completed) and one conference call."""
    for account in (AC, AC2):
        client = srv.client(account)
        for _ in range(2):
            calls[account].append(client.calls.create(to=CALLEE, from_="+15559990000", twiml=SHORT, record=True).sid)
        calls[account].append(client.calls.create(to=CALLEE, from_="+15559990000", twiml=ROOM).sid)
    srv.advance(12.0)
    for account in (AC, AC2):
        client = srv.client(account)
        for call_sid in calls[account][-3:-1]:
            (rec,) = client.recordings.list(call_sid=call_sid)
            assert rec.status == "completed"
            recs[account].append(rec.sid)
        (conf,) = [r for r in client.recordings.list() if r.call_sid == calls[account][-1]]
        assert conf.conference_sid.startswith("CF")
        confs.append(conf.conference_sid)
        recs[account].append(conf.sid)


def test_sids_never_repeat_across_accounts_restarts_and_resets(tmp_path: Path) -> None:
    """Two accounts, a restart on the same database and media folder, then a reset: no
    CallSid, RecordingSid or ConferenceSid repeats; each account lists and fetches only its
    own recordings; every row and media file stored before is byte-identical after; new
    recordings are never dated before stored ones."""
    db, media = tmp_path / "recsim.db", tmp_path / "media"
    calls: dict[str, list[str]] = {AC: [], AC2: []}
    recs: dict[str, list[str]] = {AC: [], AC2: []}
    confs: list[str] = []
    srv = Server(db, media)
    try:
        srv.advance(3600.0)  # stored recordings are dated an hour after the epoch
        _phase(srv, calls, recs, confs)
        first_recs = {a: list(v) for a, v in recs.items()}
    finally:
        srv.close()
    rows_before, media_before = _rows(db), _media(media)
    assert len(rows_before) == 6 and len(media_before) >= 4
    latest_stored = max(_date(json.loads(row[7])[key]) for row in rows_before.values()
                        for key in ("date_created", "date_updated"))

    srv = Server(db, media)  # restart on the same --db and media folder
    try:
        _phase(srv, calls, recs, confs)
        r = httpx.post(f"{srv.url}/recsim/reset")
        assert r.status_code == 200
        _phase(srv, calls, recs, confs)

        all_calls = calls[AC] + calls[AC2]
        all_recs = recs[AC] + recs[AC2]
        assert len(set(all_calls)) == len(all_calls) == 18
        assert len(set(all_recs)) == len(all_recs) == 18
        assert len(set(confs)) == len(confs) == 6
        for account, other in ((AC, AC2), (AC2, AC)):
            client = srv.client(account)
            listed = {rec.sid for rec in client.recordings.list(page_size=100)}
            assert listed == set(recs[account])
            for sid in recs[account]:
                fetched = client.recordings(sid).fetch()
                assert (fetched.sid, fetched.account_sid) == (sid, account)
            for sid in recs[other]:
                with pytest.raises(TwilioRestException) as e:
                    client.recordings(sid).fetch()
                assert (e.value.status, e.value.code) == (404, 20404)
        # nothing stored before changed
        rows_after, media_after = _rows(db), _media(media)
        assert {sid: rows_after[sid] for sid in rows_before} == rows_before
        assert {name: media_after[name] for name in media_before} == media_before
        # new recordings are never dated before stored ones
        for account in (AC, AC2):
            for sid in set(recs[account]) - set(first_recs[account]):
                created = srv.client(account).recordings(sid).fetch().date_created
                assert created.timestamp() >= latest_stored, (sid, created)
    finally:
        srv.close()


def test_reset_never_dates_new_recordings_before_stored_ones(server: Server) -> None:
    """An in-memory reset (no restart) keeps the clock: after an hour of simulated time
    and a reset, a new recording is dated after the first."""
    client = server.client(AC)
    server.advance(3600.0)
    call = client.calls.create(to=CALLEE, from_="+1555", twiml=SHORT, record=True)
    server.advance(12.0)
    (old,) = client.recordings.list(call_sid=call.sid)
    assert httpx.post(f"{server.url}/recsim/reset").status_code == 200
    call2 = client.calls.create(to=CALLEE, from_="+1555", twiml=SHORT, record=True)
    server.advance(12.0)
    (new,) = client.recordings.list(call_sid=call2.sid)
    assert new.sid != old.sid and call2.sid != call.sid
    assert new.date_created >= old.date_updated > old.date_created


def test_store_refuses_to_overwrite_another_accounts_row(tmp_path: Path) -> None:
    """A store-level guard: a resource of another account under a stored SID, or a
    different resource over a finished row, raises and leaves the row unchanged."""
    store = Store(tmp_path / "db.sqlite", tmp_path / "m")
    sid = "RE" + "a" * 32
    mine = {"sid": sid, "account_sid": AC, "call_sid": "CA" + "b" * 32, "conference_sid": None,
            "status": "processing", "duration": "-1"}
    store.save(mine, 100.0)
    theirs = dict(mine, account_sid=AC2, status="completed", duration="9")
    with pytest.raises(RecsimError, match="stored for account"):
        store.save(theirs, 200.0)
    assert store.get(AC, sid, now=300.0).resource == mine  # type: ignore[union-attr]
    assert store.get(AC2, sid, now=300.0) is None
    done = dict(mine, status="completed", duration="9")
    store.save(done, 100.0)
    store.save(done, 100.0)  # the same resource again: allowed, nothing changes
    with pytest.raises(RecsimError):
        store.save(dict(mine, status="processing"), 100.0)
    with pytest.raises(RecsimError):
        store.save_media(sid, np.zeros(8000, np.int16), None, account_sid=AC2)
    assert store.get(AC, sid, now=300.0).resource == done  # type: ignore[union-attr]
    assert not store.mark_deleted(AC2, sid, dict(done, status="deleted"), 300.0)
    assert store.get(AC, sid, now=300.0).resource == done  # type: ignore[union-attr]
    store.close()


def test_store_sid_generators_never_repeat_across_restarts(tmp_path: Path) -> None:
    """Every generator a store hands out draws other SIDs, in one process and after a
    restart on the same file, for one account or several."""
    sids: list[str] = []
    for _ in range(2):
        store = Store(tmp_path / "db.sqlite", tmp_path / "m")
        for account in (AC, AC2, AC):
            f = store.issue_sids(account)
            sids += [f.new("CA"), f.new("RE"), f.new("CF")]
        store.close()
    assert len(set(sids)) == len(sids) == 18
    assert all(len(s) == 34 for s in sids)


def test_a_killed_emulators_part_files_are_removed_on_restart(tmp_path: Path) -> None:
    """SIGKILL while a media file is written leaves ``RE....wav.PID.part`` in the media
    folder; the next store on that folder removes it, but never a live process's."""
    import os
    import subprocess
    import sys

    media = tmp_path / "m"
    media.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()  # a PID that has just ended
    stale = media / f"RE{'a' * 32}.wav.{dead}.part"
    live = media / f"RE{'b' * 32}.wav.{os.getpid()}.part"
    kept = media / f"RE{'c' * 32}.wav"
    for f in (stale, live, kept):
        f.write_bytes(b"RIFF")
    Store(tmp_path / "db.sqlite", media).close()
    assert sorted(p.name for p in media.iterdir()) == sorted([live.name, kept.name])


def test_wrong_parent_paths_are_not_found(server: Server) -> None:
    """Fetch, media and delete under another call, an unknown conference, or a resource
    that is not a parent: 404, code 20404, Twilio's error JSON; the recording is kept and
    answers under its own call."""
    client = server.client(AC)
    call = client.calls.create(to=CALLEE, from_="+1555", twiml=SHORT, record=True)
    other = client.calls.create(to=CALLEE, from_="+1555", twiml=SHORT)
    server.advance(12.0)
    (rec,) = client.recordings.list(call_sid=call.sid)
    assert rec.status == "completed"
    wrong = [f"/Calls/{other.sid}", "/Conferences/CF" + "0" * 32, f"/Conferences/{call.sid}", "/Foo/x",
             f"/Foo/{call.sid}"]
    for parent in wrong:
        for ext in (".json", ".xml", ".wav", ".mp3", ""):
            r = server.get(AC, f"{parent}/Recordings/{rec.sid}{ext}")
            assert r.status_code == 404, (parent, ext, r.status_code)
            if ext == ".xml":  # errors of .xml paths are XML envelopes (issue 17)
                exc = ET.fromstring(r.content).find("RestException")
                assert exc is not None, r.text
                body = {el.tag: el.text for el in exc}
                assert set(body) == {"Code", "Message", "MoreInfo", "Status"}
                assert (body["Code"], body["Status"]) == ("20404", "404")
                continue
            body = r.json()
            assert set(body) == {"code", "message", "more_info", "status"}
            assert (body["code"], body["status"]) == (20404, 404)
        d = httpx.delete(f"{server.url}/2010-04-01/Accounts/{AC}{parent}/Recordings/{rec.sid}.json",
                         auth=(AC, TOKEN))
        assert d.status_code == 404 and d.json()["code"] == 20404, (parent, d.text)
    with pytest.raises(TwilioRestException) as e:
        client.calls(other.sid).recordings(rec.sid).fetch()
    assert (e.value.status, e.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as e:
        client.calls(other.sid).recordings(rec.sid).delete()
    assert (e.value.status, e.value.code) == (404, 20404)
    assert client.recordings(rec.sid).fetch().status == "completed"
    # its own parent still serves it, and deletes it
    assert client.calls(call.sid).recordings(rec.sid).fetch().sid == rec.sid
    assert server.get(AC, f"/Calls/{call.sid}/Recordings/{rec.sid}.wav").status_code == 200
    assert client.calls(call.sid).recordings(rec.sid).delete() is True
    assert server.get(AC, f"/Recordings/{rec.sid}.json", IncludeSoftDeleted="true").json()["status"] == "deleted"


def test_conference_recording_only_under_its_conference(server: Server) -> None:
    client = server.client(AC)
    call = client.calls.create(to=CALLEE, from_="+1555", twiml=ROOM)
    server.advance(3.0)
    (rec,) = client.recordings.list()
    cf = rec.conference_sid
    assert client.conferences(cf).recordings(rec.sid).fetch().sid == rec.sid
    for parent in ("/Conferences/CF" + "1" * 32, f"/Calls/{'CA' + '1' * 32}"):
        r = server.get(AC, f"{parent}/Recordings/{rec.sid}.json")
        assert r.status_code == 404 and r.json()["code"] == 20404
    del call


def test_stop_response_has_no_error_code(server: Server) -> None:
    """A recording stopped at once (shorter than the minimum, so it will be absent):
    the update response shows stopped with error_code null; only the absent recording
    carries 16101."""
    client = server.client(AC)
    call = client.calls.create(to=CALLEE, from_="+1555", twiml="<Response><Pause length='600'/></Response>")
    server.advance(2.0)
    rec = client.calls(call.sid).recordings.create()
    r = httpx.post(f"{server.url}/2010-04-01/Accounts/{AC}/Calls/{call.sid}/Recordings/{rec.sid}.json",
                   data={"Status": "stopped"}, auth=(AC, TOKEN))
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["error_code"]) == ("stopped", None)
    assert server.get(AC, f"/Recordings/{rec.sid}.json").json()["error_code"] is None  # processing
    server.advance(5.0)
    done = client.recordings(rec.sid).fetch()
    assert (done.status, done.error_code) == ("absent", 16101)
    # a normal stop, through the client
    rec2 = client.calls(call.sid).recordings.create()
    server.advance(3.0)
    stopped = client.calls(call.sid).recordings(rec2.sid).update(status="stopped")
    assert (stopped.status, stopped.error_code) == ("stopped", None)


def test_clock_refuses_values_it_cannot_show(server: Server) -> None:
    """Not finite, negative, or past year 9999: 400, code 20001, a message naming
    seconds, the value and what is allowed; nothing moves and Calls.json still works."""
    for value in ("inf", "nan", "3e11", "1e300", "1e400", "-inf", "-1"):
        before = httpx.get(f"{server.url}/recsim/clock").json()["now"]
        r = httpx.post(f"{server.url}/recsim/clock/advance", data={"seconds": value})
        assert r.status_code == 400, (value, r.text)
        body = r.json()
        assert (body["code"], body["status"]) == (20001, 400)
        assert "seconds" in body["message"] and "allowed" in body["message"], body
        assert httpx.get(f"{server.url}/recsim/clock").json()["now"] == before
        call = server.client(AC).calls.create(to=CALLEE, from_="+1555", twiml=SHORT)
        assert call.sid.startswith("CA") and call.date_created is not None
    # the last second a date can show is allowed
    left = 253402300799 - server.backend.now(AC)
    assert httpx.post(f"{server.url}/recsim/clock/advance", data={"seconds": str(left + 1)}).status_code == 400
    assert httpx.post(f"{server.url}/recsim/clock/advance", data={"seconds": str(left)}).status_code == 200
    call = server.client(AC).calls.create(to=CALLEE, from_="+1555", twiml=SHORT)
    assert call.date_created.year == 9999
    assert httpx.post(f"{server.url}/recsim/clock/advance", data={"seconds": "1"}).status_code == 400


def test_clock_json_body_infinity_and_the_in_process_advance(server: Server) -> None:
    r = httpx.post(f"{server.url}/recsim/clock/advance", content=b'{"seconds": Infinity}',
                   headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == 20001
    r = httpx.post(f"{server.url}/recsim/clock/advance", json=[1, 2])
    assert r.status_code == 400 and r.json()["code"] == 20001
    for bad in (float("inf"), float("nan"), 3e11, 1e300, -1.0):
        with pytest.raises(InvalidRequestError) as e:
            server.backend.advance(bad)
        assert e.value.code == 20001 and "seconds" in e.value.message
    assert server.backend.advance(10.0) == 10.0
    assert server.client(AC).calls.create(to=CALLEE, from_="+1555", twiml=SHORT).sid.startswith("CA")


def test_unexpected_errors_are_twilio_json_500(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception no handler expects is a JSON 500 with code 20500, never plain text."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(server.backend, "create_call", broken)
    r = httpx.post(f"{server.url}/2010-04-01/Accounts/{AC}/Calls.json", auth=(AC, TOKEN),
                   data={"To": CALLEE, "From": "+1555", "Twiml": SHORT})
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"code", "message", "more_info", "status"} and (body["code"], body["status"]) == (20500, 500)


def test_invalid_twiml_is_refused_at_create_and_never_stops_the_clock(server: Server) -> None:
    """Calls.json with a Twiml that does not parse: 400, code 20001, naming Twiml; a
    scenario with one: 400 at once. The clock keeps moving exactly."""
    r = httpx.post(f"{server.url}/2010-04-01/Accounts/{AC}/Calls.json", auth=(AC, TOKEN),
                   data={"To": CALLEE, "From": "+1555", "Twiml": "not xml"})
    assert r.status_code == 400 and r.json()["code"] == 20001 and "Twiml" in r.json()["message"], r.text
    bad = "calls: [{from: '+1', to: '+2', twiml: \"<Response><Pause length='1e400'/></Response>\"}]"
    r = httpx.post(f"{server.url}/recsim/scenario", content=bad)
    assert r.status_code == 400 and r.json()["code"] == 20001 and "calls[0].twiml" in r.json()["message"], r.text
    for seconds, now in ((1.0, 1.0), (5.0, 6.0), (100.0, 106.0)):
        r = httpx.post(f"{server.url}/recsim/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200 and r.json()["now"] == now, r.text


def test_a_failing_call_flow_never_stops_the_clock(server: Server) -> None:
    """A call whose flow cannot go on (a <Dial> to a party the scenario does not know)
    is reported, and stops; the clock still reaches the target and other calls go on."""
    client = server.client(AC)
    good = client.calls.create(to=CALLEE, from_="+1555", twiml=SHORT, record=True)
    client.calls.create(to=CALLEE, from_="+1555", twiml="<Response><Pause length='2'/><Dial>+1999</Dial></Response>")
    r = httpx.post(f"{server.url}/recsim/clock/advance", json={"seconds": 12.0})
    assert r.status_code == 400 and "+1999" in r.json()["message"], r.text
    assert httpx.get(f"{server.url}/recsim/clock").json()["now"] == 12.0
    (rec,) = client.recordings.list(call_sid=good.sid)
    assert rec.status == "completed"
    r = httpx.post(f"{server.url}/recsim/clock/advance", json={"seconds": 5.0})
    assert r.status_code == 200 and r.json()["now"] == 17.0


def test_scenario_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """POST /recsim/scenario parses YAML within bounds: a billion-laughs document is a
    400 (20001) in well under a second, not a hung server."""
    import time

    from fastapi.testclient import TestClient

    from recsim.server import build

    app, _backend, sender = build(accounts={"AC" + "1" * 32: "t"}, media_dir=tmp_path / "media")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    try:
        with TestClient(app) as client:
            t = time.monotonic()
            r = client.post("/recsim/scenario", content=bomb)
            assert r.status_code == 400 and r.json()["code"] == 20001, r.text
            assert time.monotonic() - t < 1.0
    finally:
        sender.close()
