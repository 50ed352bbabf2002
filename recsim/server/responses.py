"""The handlers of Twilio's REST API (moto's "responses"): each parses its request
(:mod:`recsim.server.forms`), calls one backend method and renders the result
(:mod:`recsim.server.render`). Authentication and the parent of a nested path are
dependencies (:mod:`recsim.server.deps`); the paths are in :mod:`recsim.server.urls`.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from recsim.api import Backend, Owner, Parent
from recsim.errors import ApiError
from recsim.server import forms, render
from recsim.server.deps import Account, BackendDep, FetchAccount, ParentDep

__all__ = [
    "create_call",
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
    "list_transcriptions",
    "update_configuration",
    "update_recording",
]


# ------------------------------------------------------------------ calls
async def create_call(request: Request, account: Account, backend: BackendDep) -> Response:
    """POST /Calls.json: 201 and the Call."""
    args = forms.create_call_args(await forms.read_form(request))
    return JSONResponse(backend.create_call(account, args), status_code=201)


# ------------------------------------------------------------- recordings
async def create_recording(request: Request, call_sid: str, account: Account, backend: BackendDep) -> Response:
    """POST /Calls/{CallSid}/Recordings.json (002 create): 201 and the Recording."""
    args = forms.create_recording_args(await forms.read_form(request))
    return JSONResponse(backend.create_recording(account, call_sid, args), status_code=201)


async def create_conference_recording(account: Account) -> Response:
    """POST /Conferences/{ConferenceSid}/Recordings.json: 405, code 20004 (003: a
    conference recording is started by TwiML, not by the API)."""
    raise ApiError(20004, "Method not allowed: a conference recording is started by <Conference "
                          "record=\"record-from-start\">, not by the API", status=405)


async def update_recording(request: Request, name: str, account: Account, parent: ParentDep,
                           backend: BackendDep) -> Response:
    """POST /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json|.xml] (002 update)."""
    sid, ext = forms.split_ext(name)
    args = forms.update_recording_args(await forms.read_form(request), sid)
    return render.resource(backend.update_recording(account, parent, args), ext, "Recording")


def _list(request: Request, account: str, backend: Backend, **fixed: str) -> Response:
    query = request.query_params
    filters = forms.recording_filter(query, **fixed)
    result = backend.list_recordings(account, forms.page_request(query), filters)
    return render.page("recordings", result, request.url.path, query.multi_items())


async def list_recordings(request: Request, account: Account, backend: BackendDep) -> Response:
    """GET /Recordings.json (002 list)."""
    return _list(request, account, backend)


async def list_owner_recordings(request: Request, account: Account, parent: ParentDep,
                                backend: BackendDep) -> Response:
    """GET /{Calls|Conferences}/{Sid}/Recordings.json (002 list of a call or conference)."""
    key = "call_sid" if parent.owner is Owner.CALLS else "conference_sid"
    return _list(request, account, backend, **{key: parent.sid})


def _fetch(request: Request, account: str, name: str, backend: Backend, parent: Parent | None) -> Response:
    sid, ext = forms.split_ext(name)
    query = request.query_params
    if ext in ("", "wav", "mp3"):
        data, media_type = backend.media(account, sid, forms.media_request(ext, query), parent=parent)
        return Response(data, media_type=media_type)
    soft = query.get("IncludeSoftDeleted", "false").lower() == "true"
    return render.resource(backend.fetch_recording(account, sid, include_deleted=soft, parent=parent), ext,
                           "Recording")


async def fetch_recording(request: Request, name: str, account: FetchAccount, backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}[.json|.xml|.wav|.mp3] (002 fetch, media)."""
    return _fetch(request, account, name, backend, None)


async def fetch_owner_recording(request: Request, name: str, account: FetchAccount, parent: ParentDep,
                                backend: BackendDep) -> Response:
    """GET /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json|.xml|.wav|.mp3]."""
    return _fetch(request, account, name, backend, parent)


async def list_transcriptions(request: Request, sid: str, account: Account, backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}/Transcriptions.json."""
    return render.single_page("transcriptions", backend.list_transcriptions(account, sid), request.url.path)


async def delete_recording(name: str, account: Account, backend: BackendDep) -> Response:
    """DELETE /Recordings/{Sid}[.json] (002 delete): 204."""
    backend.delete_recording(account, forms.split_ext(name)[0])
    return Response(status_code=204)


async def delete_owner_recording(name: str, account: Account, parent: ParentDep, backend: BackendDep) -> Response:
    """DELETE /{Calls|Conferences}/{Sid}/Recordings/{Sid}[.json]: 204."""
    backend.delete_recording(account, forms.split_ext(name)[0], parent=parent)
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
