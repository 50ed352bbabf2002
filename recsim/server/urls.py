"""The route table of the emulator (moto's "urls"): one row per path and method.

A new action is one row here and one handler in :mod:`recsim.server.responses`,
:mod:`recsim.server.calls`, :mod:`recsim.server.subresources` (or
:mod:`recsim.server.control`). ``{fmt}`` is ``json`` or ``xml`` (else 404); HEAD rows
answer the media headers without a body. Rows are matched in order: a literal path before the
pattern that would also match it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import APIRouter

from recsim.server import calls, control
from recsim.server import responses as r
from recsim.server import subresources as sub

__all__ = ["API", "CONTROL", "V1", "V2", "Route", "routers"]

#: The 2010-04-01 API of an account.
V1 = "/2010-04-01/Accounts/{account_sid}"
#: The v2 Recording Configurations (004).
V2 = "/v2/Configurations/Recording"
_NESTED = V1 + "/{owner}/{owner_sid}/Recordings"


class Route(NamedTuple):
    """A row: HTTP method, path (FastAPI syntax) and handler."""

    method: str
    path: str
    handler: Callable[..., Any]


#: Twilio's REST API (every operation of twilio_api_v2010_recording_excerpt.json, and 004).
API: tuple[Route, ...] = (
    Route("POST", V1 + "/Calls.{fmt}", calls.create_call),
    Route("GET", V1 + "/Calls.{fmt}", calls.list_calls),
    Route("GET", V1 + "/Calls/{name}", calls.fetch_call),
    Route("POST", V1 + "/Calls/{name}", calls.update_call),
    Route("DELETE", V1 + "/Calls/{name}", calls.delete_call),
    Route("POST", V1 + "/Calls/{call_sid}/Recordings.{fmt}", r.create_recording),
    Route("POST", V1 + "/Conferences/{conference_sid}/Recordings.{fmt}", r.create_conference_recording),
    Route("POST", _NESTED + "/{name}", r.update_recording),
    Route("GET", V1 + "/Recordings.{fmt}", r.list_recordings),
    Route("GET", _NESTED + ".{fmt}", r.list_owner_recordings),
    Route("GET", V1 + "/Recordings/{name}", r.fetch_recording),
    Route("HEAD", V1 + "/Recordings/{name}", r.fetch_recording),
    Route("GET", _NESTED + "/{name}", r.fetch_owner_recording),
    Route("HEAD", _NESTED + "/{name}", r.fetch_owner_recording),
    Route("DELETE", V1 + "/Recordings/{name}", r.delete_recording),
    Route("DELETE", _NESTED + "/{name}", r.delete_owner_recording),
    Route("GET", V1 + "/Recordings/{sid}/Transcriptions.{fmt}", sub.list_recording_transcriptions),
    Route("GET", V1 + "/Recordings/{sid}/Transcriptions/{name}", sub.fetch_recording_transcription),
    Route("DELETE", V1 + "/Recordings/{sid}/Transcriptions/{name}", sub.delete_recording_transcription),
    Route("GET", V1 + "/Recordings/{sid}/AddOnResults.{fmt}", sub.list_add_on_results),
    Route("GET", V1 + "/Recordings/{sid}/AddOnResults/{name}", sub.fetch_add_on_result),
    Route("DELETE", V1 + "/Recordings/{sid}/AddOnResults/{name}", sub.delete_add_on_result),
    Route("GET", V1 + "/Transcriptions.{fmt}", sub.list_transcriptions),
    Route("GET", V1 + "/Transcriptions/{name}", sub.fetch_transcription),
    Route("DELETE", V1 + "/Transcriptions/{name}", sub.delete_transcription),
    Route("POST", V2, r.create_configuration),
    Route("GET", V2, r.list_configurations),
    Route("GET", V2 + "/{ref}", r.fetch_configuration),
    Route("PUT", V2 + "/{ref}", r.update_configuration),
    Route("DELETE", V2 + "/{ref}", r.delete_configuration),
)

#: recsim's control endpoints.
CONTROL: tuple[Route, ...] = (
    Route("GET", "/recsim/clock", control.clock),
    Route("POST", "/recsim/clock/advance", control.advance),
    Route("POST", "/recsim/scenario", control.start_scenario),
    Route("POST", "/recsim/reset", control.reset),
    Route("GET", "/recsim/events", control.events),
)


def _router(rows: tuple[Route, ...]) -> APIRouter:
    router = APIRouter()
    for row in rows:
        router.add_api_route(row.path, row.handler, methods=[row.method], response_model=None)
    return router


def routers() -> list[APIRouter]:
    """An :class:`fastapi.APIRouter` for each table: :data:`API`, :data:`CONTROL`."""
    return [_router(API), _router(CONTROL)]
