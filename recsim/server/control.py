"""recsim's own control endpoints (not Twilio's): the clock, scenarios, reset, events.

| endpoint | what |
|---|---|
| ``GET /recsim/clock`` | ``{"mode", "now"}``: the clock mode and simulated seconds since the epoch |
| ``POST /recsim/clock/advance`` | move the manual clock ``seconds`` (form field or JSON member) |
| ``POST /recsim/scenario`` | a YAML scenario: its parties, apps and settings; start its calls |
| ``POST /recsim/reset`` | forget live calls (stored recordings are kept) |
| ``GET /recsim/events`` | every event of every account's simulation, in order |

No authentication (a local tool's controls); errors are Twilio's error JSON.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from recsim.errors import InvalidRequestError, ScenarioError
from recsim.scenario import parse_yaml, scenario_from_dict
from recsim.server import forms
from recsim.server.deps import BackendDep

__all__ = ["advance", "clock", "events", "reset", "start_scenario"]

_SCENARIO = "POST /recsim/scenario"


async def clock(backend: BackendDep) -> Response:
    """GET /recsim/clock: the clock mode and simulated seconds since the epoch."""
    return JSONResponse({"mode": backend.clock, "now": backend.sim_time()})


async def advance(request: Request, backend: BackendDep) -> Response:
    """POST /recsim/clock/advance: move the manual clock ``seconds`` (form field or JSON
    object member), a finite number >= 0 that keeps the clock before
    9999-12-31T23:59:59Z; else 400, code 20001."""
    if request.headers.get("content-type", "").startswith("application/x-www-form"):
        body = await forms.read_form(request)
    else:
        body = await forms.read_json(request)
    return JSONResponse({"mode": backend.clock, "now": backend.advance(forms.clock_seconds(body))})


async def start_scenario(request: Request, backend: BackendDep) -> Response:
    """POST /recsim/scenario: a YAML scenario (parsed within bounds: an alias bomb is
    refused quickly); ``{"calls_started": n}``, or 400, code 20001."""
    try:
        data = parse_yaml(await request.body(), _SCENARIO)
    except ScenarioError as exc:
        raise InvalidRequestError(20001, f"The scenario is not valid YAML: {exc}") from None
    return JSONResponse({"calls_started": backend.load(scenario_from_dict(data, source=_SCENARIO))})


async def reset(backend: BackendDep) -> Response:
    """POST /recsim/reset: forget live calls; ``{"reset": true}``."""
    backend.reset()
    return JSONResponse({"reset": True})


async def events(backend: BackendDep) -> Response:
    """GET /recsim/events: every event (``account_sid`` and the event JSON)."""
    return JSONResponse([{"account_sid": a, **e.to_json()} for a, e in backend.events])
