"""The handlers of Twilio's REST API (moto's "responses"): each parses its request
(:mod:`recsim.server.forms`), calls one backend method and renders the result
(:mod:`recsim.server.render`). Authentication and the parent of a nested path are
dependencies (:mod:`recsim.server.deps`); the paths are in :mod:`recsim.server.urls`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from recsim.api import Backend, Owner, Parent
from recsim.api.resources import nested_recording, recording_view
from recsim.errors import ApiError, NotFoundError
from recsim.server import forms, render
from recsim.server.deps import Account, BackendDep, FetchAccount, ParentDep
from recsim.server.media import media_response

__all__ = [
    "create_conference_recording",
    "create_configuration",
    "create_recording",
    "delete_configuration",
    "delete_owner_recording",
    "delete_recording",
    "fetch_configuration",
    "fetch_owner_recording",
    "fetch_recording",
    "list_configurations",
    "list_owner_recordings",
    "list_recordings",
    "nested",
    "update_configuration",
    "update_recording",
]


# ------------------------------------------------------------- recordings
def _fmt(fmt: str, path: str) -> str:
    """The format of a ``{Resource}.{fmt}`` path: json or xml, else 404."""
    if fmt not in ("json", "xml"):
        raise NotFoundError(f"The requested resource {path} was not found")
    return fmt


def nested(resource: dict[str, Any], parent: Parent | None) -> dict[str, Any]:
    """A Recording as answered on its path: nested (``uri`` under the call or conference,
    ``track``) or account-level, in-progress fields as the excerpt's examples."""
    return nested_recording(resource, parent.path) if parent is not None else recording_view(resource)


async def create_recording(request: Request, call_sid: str, fmt: str, account: Account,
                           backend: BackendDep) -> Response:
    """POST /Calls/{CallSid}/Recordings.json (002 create): 201 and the Recording."""
    ext = _fmt(fmt, request.url.path)
    args = forms.create_recording_args(await forms.read_form(request))
    body = backend.create_recording(account, call_sid, args)
    return render.resource(nested(body, Parent(Owner.CALLS, call_sid)), ext, "Recording", status=201)


async def create_conference_recording(account: Account) -> Response:
    """POST /Conferences/{ConferenceSid}/Recordings.json: 405, code 20004 (003: a
    conference recording is started by TwiML, not by the API)."""
    raise ApiError(20004, "Method not allowed: a conference recording is started by <Conference "
                          "record=\"record-from-start\">, not by the API", status=405)


async def update_recording(request: Request, name: str, account: Account, parent: ParentDep,
                           backend: BackendDep) -> Response:
    """POST /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json|.xml] (002 update)."""
    sid, ext = forms.recording_ref(name, request.url.path, current=True)
    args = forms.update_recording_args(await forms.read_form(request), sid)
    return render.resource(nested(backend.update_recording(account, parent, args), parent), ext, "Recording")


def _list(request: Request, fmt: str, account: str, backend: Backend, parent: Parent | None) -> Response:
    ext = _fmt(fmt, request.url.path)
    query = request.query_params
    fixed = {} if parent is None else {"call_sid" if parent.owner is Owner.CALLS else "conference_sid": parent.sid}
    filters = forms.recording_filter(query, **fixed)
    result = backend.list_recordings(account, forms.page_request(query), filters)
    result.items = [nested(r, parent) for r in result.items]
    return render.page("recordings", result, request.url.path, query.multi_items(), ext)


async def list_recordings(request: Request, fmt: str, account: Account, backend: BackendDep) -> Response:
    """GET /Recordings.json (002 list)."""
    return _list(request, fmt, account, backend, None)


async def list_owner_recordings(request: Request, fmt: str, account: Account, parent: ParentDep,
                                backend: BackendDep) -> Response:
    """GET /{Calls|Conferences}/{Sid}/Recordings.json (002 list of a call or conference)."""
    return _list(request, fmt, account, backend, parent)


def _fetch(request: Request, account: str, name: str, backend: Backend, parent: Parent | None) -> Response:
    sid, ext = forms.recording_ref(name, request.url.path)
    query = request.query_params
    if ext in ("", "wav", "mp3"):
        data, media_type = backend.media(account, sid, forms.media_request(ext, query), parent=parent)
        updated = backend.fetch_recording(account, sid, parent=parent)["date_updated"]
        return media_response(request, data, media_type, updated)
    soft = forms.include_soft_deleted(query)
    body = backend.fetch_recording(account, sid, include_deleted=soft, parent=parent)
    return render.resource(nested(body, parent), ext, "Recording")


async def fetch_recording(request: Request, name: str, account: FetchAccount, backend: BackendDep) -> Response:
    """GET (or HEAD) /Recordings/{Sid}[.json|.xml|.wav|.mp3] (002 fetch, media)."""
    return _fetch(request, account, name, backend, None)


async def fetch_owner_recording(request: Request, name: str, account: FetchAccount, parent: ParentDep,
                                backend: BackendDep) -> Response:
    """GET /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json|.xml|.wav|.mp3]."""
    return _fetch(request, account, name, backend, parent)


async def delete_recording(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """DELETE /Recordings/{Sid}[.json] (002 delete): 204."""
    backend.delete_recording(account, forms.recording_ref(name, request.url.path)[0])
    return Response(status_code=204)


async def delete_owner_recording(request: Request, name: str, account: Account, parent: ParentDep,
                                 backend: BackendDep) -> Response:
    """DELETE /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json]: 204."""
    backend.delete_recording(account, forms.recording_ref(name, request.url.path)[0], parent=parent)
    return Response(status_code=204)


# ----------------------------------------------------- v2 configurations
async def create_configuration(request: Request, account: Account, backend: BackendDep) -> Response:
    """POST /v2/Configurations/Recording (004 create): 201."""
    body = backend.validate_configuration(await forms.read_json(request))
    return JSONResponse(backend.create_configuration(account, body).to_json(), status_code=201)


async def list_configurations(account: Account, backend: BackendDep) -> Response:
    """GET /v2/Configurations/Recording (004 list)."""
    return render.v2_list("configurations", [c.to_json() for c in backend.list_configurations(account)])


async def fetch_configuration(ref: str, account: Account, backend: BackendDep) -> Response:
    """GET /v2/Configurations/Recording/{id or unique_name} (004 fetch)."""
    return JSONResponse(backend.fetch_configuration(account, ref).to_json())


async def update_configuration(request: Request, ref: str, account: Account, backend: BackendDep) -> Response:
    """PUT /v2/Configurations/Recording/{id or unique_name} (004 update)."""
    body = backend.validate_configuration(await forms.read_json(request))
    return JSONResponse(backend.update_configuration(account, ref, body).to_json())


async def delete_configuration(ref: str, account: Account, backend: BackendDep) -> Response:
    """DELETE /v2/Configurations/Recording/{id or unique_name} (004 delete): 204."""
    backend.delete_configuration(account, ref)
    return Response(status_code=204)
