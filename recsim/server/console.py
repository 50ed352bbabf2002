"""The console of ``recsim serve``: the run report's views (:mod:`recsim.report`) of
the emulator's live calls, recordings and events, at ``/console``.

``GET /console`` is the report page, which fetches ``GET /console/data.json`` every
second and redraws when the simulated clock moved. Both need the HTTP Basic
credentials of an account (as the REST API: 401, code 20003 without them) and show
that account only; audio plays from the account's media URLs
(``/2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from recsim.api import Backend
from recsim.report import render_page
from recsim.report.data import rows_of, summary_of, timeline_json, warnings_of
from recsim.server.deps import Account, BackendDep
from recsim.sim.recording import Recording, timeline

__all__ = ["DATA_PATH", "PAGE_PATH", "console_data", "console_router"]

#: Where the console is served.
PAGE_PATH = "/console"
DATA_PATH = "/console/data.json"
#: Events listed in the console's "Latest events".
LATEST = 50


def _timelines(backend: Backend, account_sid: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Spans and marks of each live recording of the account (callbacks from ``events``)."""
    callbacks: dict[str, list[list[Any]]] = {}
    for e in events:
        if e["kind"] == "recording-status-callback" and e.get("recording_sid"):
            callbacks.setdefault(e["recording_sid"], []).append([e["time"], e["parameters"].get("RecordingStatus")])
    out = {}
    now = float(backend.sim(account_sid).env.now)
    for sid, rec in backend.sim(account_sid).recordings.items():
        tl = dict(timeline(rec)) if rec.stopped_at is not None else _live_timeline(rec, now)
        tl["callbacks"] = callbacks.get(sid, [])
        out[sid] = timeline_json(tl)
    return out


def _live_timeline(rec: Recording, now: float) -> dict[str, Any]:
    """The timeline of a recording still going on: its segments so far, the open one
    ending at ``now`` (s); nothing trimmed or cut yet."""
    segments = [(str(kind), t0, now if t1 is None else t1) for kind, t0, t1 in rec.segments]
    return {"start": rec.start, "stop": now, "pieces": [list(s) for s in segments if s[0] != "paused-skip"],
            "skipped": [[t0, t1] for kind, t0, t1 in segments if kind == "paused-skip"],
            "dtmf": [[t, k] for t, k in rec.leg.dtmf if t >= rec.start]}


def console_data(backend: Backend, account_sid: str) -> dict[str, Any]:
    """What the console shows of one account, in the shape of
    :func:`recsim.report.data.report_data` plus ``clock`` (simulated seconds),
    ``clock_iso`` (UTC) and ``latest`` (the last :data:`LATEST` events).

    Raises
    ------
    NotFoundError
        20404: unknown account.
    """
    with backend.lock:
        events = [e.to_json() for acc, e in backend.events if acc == account_sid]
        resources = [backend.fetch_recording(account_sid, sid) for sid in backend.sim(account_sid).recordings]
        timelines = _timelines(backend, account_sid, events)
        clock = float(backend.sim(account_sid).env.now)
        unix = backend.now(account_sid)
    rows = rows_of(resources, set())
    for row in rows:
        if row["status"] == "completed":
            row["media"] = f"/2010-04-01/Accounts/{account_sid}/Recordings/{row['sid']}.wav"
    by_call: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(events, key=lambda e: e["time"]):
        by_call.setdefault(e.get("call_sid") or "", []).append(e)
    warnings = warnings_of(events)
    return {"title": f"recsim serve console: {account_sid}", "summary": summary_of(rows, warnings), "rows": rows,
            "timelines": timelines, "events": by_call, "warnings": warnings, "clock": clock,
            "clock_iso": dt.datetime.fromtimestamp(unix, dt.UTC).isoformat(timespec="seconds"),
            "latest": events[-LATEST:][::-1]}


def console_router() -> APIRouter:
    """The console's routes: ``GET /console`` (HTML) and ``GET /console/data.json``."""
    router = APIRouter()

    @router.get(PAGE_PATH, response_class=HTMLResponse, include_in_schema=False)
    def page(account_sid: Account, backend: BackendDep) -> HTMLResponse:
        return HTMLResponse(render_page(console_data(backend, account_sid), live_url=DATA_PATH))

    @router.get(DATA_PATH, include_in_schema=False)
    def data(account_sid: Account, backend: BackendDep) -> JSONResponse:
        return JSONResponse(console_data(backend, account_sid))

    return router
