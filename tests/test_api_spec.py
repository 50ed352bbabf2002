"""Every response of every operation of the platform's OpenAPI excerpt
(``shared/spec/twilio_api_v2010_recording_excerpt.json``), made through the official
twilio client, validates against the excerpt's response schema ($refs resolved through a
``referencing`` registry; OpenAPI 3.0 ``nullable`` by ``openapi-schema-validator``).

Stricter than the excerpt: a resource may carry no field the excerpt does not name,
except recsim's ``recsim_*`` extension fields; the one known enum gap (source
``StartCallRecordingTwiML``, spec README) is added to the source enums."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from servers import UvicornThread
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from recsim import scenario_from_dict
from recsim.server import build

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "twilio_api_v2010_recording_excerpt.json"
if not SPEC.exists():  # the repository's sibling folder, wherever the checkout is
    SPEC = Path("/work/shared/spec/twilio_api_v2010_recording_excerpt.json")
URN = "urn:twilio-excerpt"
AC = "AC" + "1" * 32
TOKEN = "secret-token-1"
CALLEE = "+15550001111"
RECORD = ("<Response><Record transcribe='true' timeout='0' maxLength='4' trim='do-not-trim' playBeep='false' "
          "action='http://127.0.0.1:9/next'/></Response>")


def load_spec() -> dict[str, Any]:
    """The excerpt, made strict: no unnamed fields but ``recsim_*``; the
    ``StartCallRecordingTwiML`` source allowed."""
    spec: dict[str, Any] = json.loads(SPEC.read_text())
    for name, schema in spec["components"]["schemas"].items():
        if "properties" in schema:
            schema["additionalProperties"] = False
            schema["patternProperties"] = {"^recsim_": {}}
        if name.endswith("enum_source"):
            schema["enum"] = [*schema["enum"], "StartCallRecordingTwiML"]
    return spec


def operations(spec: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str, dict[str, Any]]]:
    """(method, path regex, operationId, responses) of every operation of the excerpt."""
    out = []
    for path, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[A-Za-z]+\\}", "[^/]+", re.escape(path)) + "$")
        for method, op in item.items():
            if method in ("get", "post", "delete"):
                out.append((method.upper(), pattern, op["operationId"], op["responses"]))
    return out


class Validator:
    """Validates a response body against the excerpt's schema of its operation and
    status (errors against the excerpt's error object)."""

    def __init__(self) -> None:
        self.spec = load_spec()
        self.registry: Registry = Registry().with_resource(URN, Resource(contents=self.spec, specification=DRAFT4))
        self.ops = operations(self.spec)
        self.error_schema = self.spec["paths"]["/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/"
                                               "{Sid}.json"]["post"]["responses"]["408"]["content"][
                                                   "application/json"]["schema"]
        self.seen: dict[str, set[int]] = {}

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        for m, pattern, op_id, responses in self.ops:
            if m == method and pattern.match(path):
                return op_id, responses
        raise AssertionError(f"{method} {path} is not an operation of the excerpt")

    def check(self, method: str, url: str, status: int, text: str) -> None:
        path = httpx.URL(url).path
        op_id, responses = self.operation(method, path)
        self.seen.setdefault(op_id, set()).add(status)
        if status == 204:
            assert text == "" and "204" in responses, (op_id, text)
            return
        body = json.loads(text)
        if status >= 400:
            schema = dict(self.error_schema, required=["code", "message", "more_info", "status"])
        else:
            assert str(status) in responses, (op_id, status, "not a status of the excerpt")
            schema = responses[str(status)]["content"]["application/json"]["schema"]
        schema = copy.deepcopy(schema)
        if "$ref" in schema:
            schema["$ref"] = URN + schema["$ref"]
        for prop in schema.get("properties", {}).values():
            items = prop.get("items", {})
            if "$ref" in items:
                items["$ref"] = URN + items["$ref"]
        OAS30Validator(schema, registry=self.registry).validate(body)


class RecordingHttpClient(TwilioHttpClient):
    """The client's own HTTP client, validating every response it receives."""

    def __init__(self, validator: Validator) -> None:
        super().__init__()
        self.validator = validator

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        response = super().request(method, url, *args, **kwargs)
        self.validator.check(method.upper(), url, response.status_code, response.text)
        return response


class Emulator:
    def __init__(self, tmp: Path) -> None:
        sc = scenario_from_dict({"parties": {CALLEE: {"audio": {"synthetic": {"seconds": 120, "seed": 3}},
                                                      "answer_delay_s": 1.0}},
                                 "account": {"transcription_engine": "reference", "transcription_delay_s": 1.0}},
                                source="spec.yaml")
        self.app, self.backend, self.sender = build(accounts={AC: TOKEN}, scenario=sc, db=tmp / "recsim.db",
                                                    media_dir=tmp / "media", webhook_retries=0,
                                                    webhook_timeout_s=0.5)
        self.server = UvicornThread(self.app).__enter__()
        self.validator = Validator()
        self.client = Client(AC, TOKEN, http_client=RecordingHttpClient(self.validator))
        self.client.api.base_url = self.server.url

    def advance(self, seconds: float) -> None:
        r = httpx.post(f"{self.server.url}/recsim/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200, r.text

    def close(self) -> None:
        self.server.__exit__(None, None, None)
        self.sender.close()


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[Emulator]:
    e = Emulator(tmp_path)
    yield e
    e.close()


def _calls_and_call_recordings(emu: Emulator) -> tuple[str, str]:
    """Calls create / fetch / list / update, call recordings create / update / fetch /
    list; returns the CallSid and the API recording's sid."""
    c = emu.client
    call = c.calls.create(to=CALLEE, from_="+15559990000", twiml="<Response><Pause length='120'/></Response>")
    assert call.status == "queued"
    c.calls.create(to=CALLEE, from_="+15559990000", twiml=RECORD)
    assert c.calls(call.sid).fetch().sid == call.sid
    assert [x.sid for x in c.calls.list(to=CALLEE, from_="+15559990000", page_size=1)]
    emu.advance(2.0)
    assert c.calls(call.sid).fetch().status == "in-progress"
    rec = c.calls(call.sid).recordings.create(recording_track="both")
    assert rec.status == "in-progress" and rec.duration is None and rec.uri.startswith(f"/2010-04-01/Accounts/{AC}"
                                                                                        f"/Calls/{call.sid}/")
    assert c.calls(call.sid).recordings(rec.sid).update(status="paused").status == "paused"
    assert c.calls(call.sid).recordings(rec.sid).fetch().track == "both"
    assert [r.sid for r in c.calls(call.sid).recordings.list()] == [rec.sid]
    assert c.recordings(rec.sid).fetch().status == "processing"
    redirected = c.calls(call.sid).update(twiml=RECORD)
    assert redirected.status == "in-progress"
    return call.sid, rec.sid


def _conference(emu: Emulator) -> None:
    """Conference recordings list / update / fetch / delete."""
    c = emu.client
    call = c.calls.create(to=CALLEE, from_="+15559990000",
                          twiml="<Response><Dial><Conference record='record-from-start'>room</Conference></Dial>"
                                "</Response>")
    emu.advance(3.0)
    (rec,) = [r for r in c.recordings.list() if r.conference_sid]
    cf = rec.conference_sid
    assert [r.sid for r in c.conferences(cf).recordings.list()] == [rec.sid]
    assert c.conferences(cf).recordings(rec.sid).update(status="paused").status == "paused"
    assert c.conferences(cf).recordings(rec.sid).fetch().sid == rec.sid
    assert c.calls(call.sid).update(status="completed").status == "completed"
    emu.advance(30.0)
    assert c.conferences(cf).recordings(rec.sid).delete()


def test_every_operation_answers_the_excerpts_shapes(emu: Emulator) -> None:
    """Each of the excerpt's 26 operations is called through the official client; every
    answer (2xx, and the 404s of AddOnResults) validates against the excerpt."""
    c = emu.client
    call_sid, api_rec = _calls_and_call_recordings(emu)
    emu.advance(40.0)
    assert c.calls(call_sid).fetch().status == "completed"
    assert c.recordings.list(date_created_after=c.recordings(api_rec).fetch().date_created)
    trs = c.transcriptions.list()
    assert len(trs) == 2 and all(t.status in ("completed", "failed") for t in trs)
    first, second = trs
    assert c.transcriptions(first.sid).fetch().recording_sid == first.recording_sid
    assert [t.sid for t in c.recordings(first.recording_sid).transcriptions.list()] == [first.sid]
    assert c.recordings(first.recording_sid).transcriptions(first.sid).fetch().sid == first.sid
    assert c.recordings(api_rec).add_on_results.list() == []
    for action in ("fetch", "delete"):
        with pytest.raises(TwilioRestException) as e:
            getattr(c.recordings(api_rec).add_on_results("XR" + "0" * 32), action)()
        assert e.value.status == 404
    assert c.recordings(first.recording_sid).transcriptions(first.sid).delete()
    assert c.transcriptions(second.sid).delete()
    assert c.transcriptions.list() == []
    _conference(emu)
    assert c.calls(call_sid).recordings(api_rec).delete()
    assert c.recordings(first.recording_sid).delete()
    assert c.calls(call_sid).delete()
    every = {op_id for _, _, op_id, _ in emu.validator.ops}
    assert len(every) == 26 and set(emu.validator.seen) == every
    ok = {op for op, statuses in emu.validator.seen.items() if any(s < 400 for s in statuses)}
    assert every - ok == {"FetchRecordingAddOnResult", "DeleteRecordingAddOnResult"}


def test_the_clients_natural_date_filters_find_the_days_recordings(emu: Emulator) -> None:
    """twilio-python sends ``date_created=date(...)`` as a full timestamp
    (``2026-01-01T00:00:00Z``); DateCreated is by day, so the day's recordings are found;
    ``date_created_before`` / ``_after`` include the day they name."""
    c = emu.client
    call = c.calls.create(to=CALLEE, from_="+15559990000", twiml="<Response><Pause length='5'/></Response>",
                          record=True)
    emu.advance(3700.0)  # the recording starts at 1 s and completes within the day
    (rec,) = c.recordings.list()
    assert rec.call_sid == call.sid and rec.status == "completed"
    day = dt.date(2026, 1, 1)
    assert [r.sid for r in c.recordings.list(date_created=day)] == [rec.sid]
    assert [r.sid for r in c.recordings.list(date_created=dt.datetime(2026, 1, 1, 18, 30))] == [rec.sid]
    assert [r.sid for r in c.recordings.list(date_created_before=day)] == [rec.sid]
    assert [r.sid for r in c.recordings.list(date_created_after=day)] == [rec.sid]
    assert c.recordings.list(date_created=dt.date(2026, 1, 2)) == []
    assert c.recordings.list(date_created_before=dt.date(2025, 12, 31)) == []
    assert c.recordings.list(date_created_after=dt.date(2026, 1, 2)) == []
    assert [x.sid for x in c.calls.list(start_time=day)] == [call.sid]
    assert c.calls.list(start_time_after=dt.date(2026, 1, 2)) == []
