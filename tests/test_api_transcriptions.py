"""Transcriptions in the emulator (issue 15, "Emulator"): stored in SQLite as the
simulation makes them, served at account and recording level (list, fetch, delete), and
the same after a restart of the server on the same database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from servers import UvicornThread
from twilio.rest import Client

from recsim import scenario_from_dict
from recsim.server import build

AC = "AC" + "6" * 32
TOKEN = "words"
CALLEE = "+15550001111"
RECORD = ("<Response><Record transcribe='true' timeout='0' maxLength='4' trim='do-not-trim' playBeep='false' "
          "action='http://127.0.0.1:9/next'/></Response>")


def _serve(tmp: Path) -> tuple[Any, Any, UvicornThread, Client]:
    sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 30, "seed": 5}},
                                                  "answer_delay_s": 0.5}},
                             "account": {"transcription_engine": "reference", "transcription_delay_s": 2.0,
                                         "processing_delay_s": 1.0}},
                            source="words.yaml")
    app, backend, sender = build(accounts={AC: TOKEN}, scenario=sc, db=tmp / "recsim.db", media_dir=tmp / "media",
                                 webhook_retries=0, webhook_timeout_s=0.5)
    server = UvicornThread(app).__enter__()
    client = Client(AC, TOKEN)
    client.api.base_url = server.url
    return backend, sender, server, client


def _stop(backend: Any, sender: Any, server: UvicornThread) -> None:
    server.__exit__(None, None, None)
    sender.close()
    backend.store.close()


def _get(server: UvicornThread, path: str) -> httpx.Response:
    return httpx.get(f"{server.url}/2010-04-01/Accounts/{AC}{path}", auth=(AC, TOKEN))


def test_transcriptions_survive_a_restart(tmp_path: Path) -> None:
    """Two <Record transcribe> calls: their transcriptions are served (in-progress while
    the engine works, then finished), and after a restart every list and fetch answers
    the same JSON; a delete is kept across the next restart."""
    backend, sender, server, client = _serve(tmp_path)
    calls = [client.calls.create(to=CALLEE, from_="+1555", twiml=RECORD) for _ in range(2)]
    backend.advance(6.0)  # recorded 0.5-4.5 s, processing, transcription started
    pending = _get(server, "/Transcriptions.json").json()["transcriptions"]
    assert [t["status"] for t in pending] == ["in-progress", "in-progress"]
    backend.advance(20.0)
    trs = _get(server, "/Transcriptions.json").json()["transcriptions"]
    assert len(trs) == 2 and {t["status"] for t in trs} <= {"completed", "failed"}
    recs = {r.call_sid: r.sid for r in client.recordings.list()}
    assert {t["recording_sid"] for t in trs} == {recs[c.sid] for c in calls}
    before = {
        "list": _get(server, "/Transcriptions.json").json(),
        "fetch": [_get(server, f"/Transcriptions/{t['sid']}.json").json() for t in trs],
        "per-recording": [_get(server, f"/Recordings/{t['recording_sid']}/Transcriptions.json").json()
                          for t in trs],
        "per-recording fetch": [_get(server, f"/Recordings/{t['recording_sid']}/Transcriptions/{t['sid']}.json")
                                .json() for t in trs],
    }
    assert before["fetch"] == trs
    _stop(backend, sender, server)

    backend, sender, server, client = _serve(tmp_path)
    assert backend.sim(AC).transcriptions == {}  # nothing in memory: served from the store
    after = {
        "list": _get(server, "/Transcriptions.json").json(),
        "fetch": [_get(server, f"/Transcriptions/{t['sid']}.json").json() for t in trs],
        "per-recording": [_get(server, f"/Recordings/{t['recording_sid']}/Transcriptions.json").json()
                          for t in trs],
        "per-recording fetch": [_get(server, f"/Recordings/{t['recording_sid']}/Transcriptions/{t['sid']}.json")
                                .json() for t in trs],
    }
    assert after == before
    client.transcriptions(trs[0]["sid"]).delete()
    assert _get(server, f"/Transcriptions/{trs[0]['sid']}.json").status_code == 404
    wrong = _get(server, f"/Recordings/{trs[1]['recording_sid']}/Transcriptions/{trs[0]['sid']}.json")
    assert wrong.status_code == 404
    _stop(backend, sender, server)

    backend, sender, server, client = _serve(tmp_path)
    assert [t.sid for t in client.transcriptions.list()] == [trs[1]["sid"]]
    _stop(backend, sender, server)
