"""COVERAGE.md's table of what recsim.mock_twilio serves through twilio-python is true:
every row's call is made in the mock and answers as the table says (issue 11)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from recsim.testing import TwilioPlatform

ROOT = Path(__file__).resolve().parents[1]
TWIML = b"<Response><Pause length='30'/></Response>"
CF = "CF" + "0" * 32

#: (the call as COVERAGE.md writes it, what it does given (client, call_sid, recording_sid), verdict)
ROWS: list[tuple[str, Callable[[Client, str, str], Any], str]] = [
    ("client.calls.create(to=, from_=, url=)", lambda c, ca, re_: c.calls(ca).fetch(), "served"),
    ("client.calls(sid).fetch()", lambda c, ca, re_: c.calls(ca).fetch(), "served"),
    ("client.calls.list()", lambda c, ca, re_: c.calls.list(), "served"),
    ("client.calls(sid).update(twiml=...)",
     lambda c, ca, re_: c.calls(ca).update(twiml="<Response><Pause length='20'/></Response>"), "served"),
    ("client.calls(sid).recordings.create()", lambda c, ca, re_: c.calls(ca).recordings.list(), "served"),
    ("client.calls(sid).recordings.list()", lambda c, ca, re_: c.calls(ca).recordings.list(), "served"),
    ("client.calls(sid).recordings(sid).fetch()", lambda c, ca, re_: c.calls(ca).recordings(re_).fetch(), "served"),
    ("client.calls(sid).recordings(sid).update(status=, pause_behavior=)",
     lambda c, ca, re_: c.calls(ca).recordings(re_).update(status="paused", pause_behavior="skip"), "served"),
    ("client.calls(sid).recordings('Twilio.CURRENT').update(status=)",
     lambda c, ca, re_: c.calls(ca).recordings("Twilio.CURRENT").update(status="in-progress"), "served"),
    ("client.recordings.list()", lambda c, ca, re_: c.recordings.list(), "served"),
    ("client.recordings(sid).fetch()", lambda c, ca, re_: c.recordings(re_).fetch(), "served"),
    ("client.recordings(sid).transcriptions.list()", lambda c, ca, re_: c.recordings(re_).transcriptions.list(),
     "served"),
    ("client.transcriptions.list()", lambda c, ca, re_: c.transcriptions.list(), "served"),
    ("client.recordings(sid).add_on_results.list()", lambda c, ca, re_: c.recordings(re_).add_on_results.list(),
     "served"),
    ("client.conferences(sid).recordings.list()", lambda c, ca, re_: c.conferences(CF).recordings.list(), "served"),
    ("client.calls(sid).update(status='completed')",
     lambda c, ca, re_: c.calls(ca).update(status="completed"), "served"),
    ("client.conferences(sid).fetch()", lambda c, ca, re_: c.conferences(CF).fetch(), "refused 404 20404"),
    ("client.conferences(sid).participants.list()",
     lambda c, ca, re_: c.conferences(CF).participants.list(), "refused 404 20404"),
    ("client.messages.create()", lambda c, ca, re_: c.messages.create(to="+15550001111", from_="+15559990000",
                                                                        body="x"), "refused 404 20404"),
    ("client.calls(sid).streams.create()", lambda c, ca, re_: c.calls(ca).streams.create(url="wss://a.example/s"),
     "refused 404 20404"),
    ("client.calls(sid).payments.create()", lambda c, ca, re_: c.calls(ca).payments.create(
        idempotency_key="k", status_callback="https://a.example/p"), "refused 404 20404"),
    ("client.queues.list()", lambda c, ca, re_: c.queues.list(), "refused 404 20404"),
    ("client.incoming_phone_numbers.list()", lambda c, ca, re_: c.incoming_phone_numbers.list(),
     "refused 404 20404"),
    ("client.api.v2010.accounts(sid).fetch()", lambda c, ca, re_: c.api.v2010.accounts("AC" + "0" * 32).fetch(),
     "refused 404 20404"),
    ("client.conversations.v1.conversations(sid).fetch()",
     lambda c, ca, re_: c.conversations.v1.conversations("CH" + "0" * 32).fetch(), "refused 404 20404"),
]


def _app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [TWIML]


def _outcome(thunk: Callable[[], Any]) -> str:
    try:
        thunk()
    except TwilioRestException as exc:
        return f"refused {exc.status} {exc.code}"
    except TwilioException as exc:  # a list page: the client wraps the error JSON in its message
        found = re.search(r"HTTP (\d+) \{\"code\":\s*(\d+)", str(exc))
        return f"refused {found.group(1)} {found.group(2)}" if found else f"error {exc}"
    return "served"


def _coverage_rows() -> dict[str, str]:
    text = (ROOT / "COVERAGE.md").read_text(encoding="utf-8")
    section = text.split("## The in-process mock", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`client."):
            rows[cells[0].strip("`")] = cells[1]
    return rows


@pytest.mark.parametrize("label,call,verdict", ROWS, ids=[r[0] for r in ROWS])
def test_coverage_row_is_true(twilio_platform: TwilioPlatform, label: str, call: Callable[..., Any],
                              verdict: str) -> None:
    """The call answers as the row says (served: no error; refused: that status and code),
    and COVERAGE.md's row says the same."""
    twilio_platform.route("https://a.example", _app)
    client = Client(twilio_platform.account_sid, twilio_platform.auth_token)
    call_sid = client.calls.create(to="+15550001111", from_="+15559990000", url="https://a.example/v").sid
    twilio_platform.advance(2)
    rec_sid = client.calls(call_sid).recordings.create().sid
    twilio_platform.advance(2)
    assert _outcome(lambda: call(client, call_sid, rec_sid)) == verdict
    documented = _coverage_rows().get(label)
    assert documented is not None, f"COVERAGE.md's in-process mock table has no row for `{label}`"
    assert documented.startswith(verdict.split()[0]), (label, documented, verdict)
