"""The handlers of the Calls resource (excerpt CreateCall, ListCall, FetchCall,
UpdateCall, DeleteCall): each parses its request (:mod:`recsim.server.call_forms`),
calls one backend method (:mod:`recsim.api.calls`) and renders the Call resource, in
JSON or, for a path ending in ``.xml``, XML.
"""

from __future__ import annotations

import re

from fastapi import Request, Response

from recsim.errors import NotFoundError
from recsim.server import call_forms, forms, render
from recsim.server.deps import Account, BackendDep

__all__ = ["create_call", "delete_call", "fetch_call", "list_calls", "update_call"]

_CA_SID = re.compile(r"CA[0-9a-fA-F]{32}")


def _fmt(fmt: str, path: str) -> str:
    if fmt not in ("json", "xml"):
        raise NotFoundError(f"The requested resource {path} was not found")
    return fmt


def _sid(name: str, path: str) -> tuple[str, str]:
    """The CallSid and format of a ``{Sid}.json`` / ``{Sid}.xml`` segment (else 404)."""
    sid, ext = forms.split_ext(name)
    if not _CA_SID.fullmatch(sid) or ext not in ("json", "xml"):
        raise NotFoundError(f"The requested resource {path} was not found")
    return sid, ext


async def create_call(request: Request, fmt: str, account: Account, backend: BackendDep) -> Response:
    """POST /Calls.json: 201 and the Call (status queued)."""
    ext = _fmt(fmt, request.url.path)
    args = call_forms.create_call_args(await forms.read_form(request))
    return render.resource(backend.create_call(account, args), ext, "Call", status=201)


async def list_calls(request: Request, fmt: str, account: Account, backend: BackendDep) -> Response:
    """GET /Calls.json: a page of calls, newest first (To, From, ParentCallSid, Status,
    StartTime, EndTime filters)."""
    ext = _fmt(fmt, request.url.path)
    query = request.query_params
    result = backend.list_calls(account, forms.page_request(query), call_forms.call_filter(query))
    return render.page("calls", result, request.url.path, query.multi_items(), ext)


async def fetch_call(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """GET /Calls/{Sid}.json: the Call now."""
    sid, ext = _sid(name, request.url.path)
    return render.resource(backend.fetch_call(account, sid), ext, "Call")


async def update_call(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """POST /Calls/{Sid}.json: Status completed / canceled, or a Url / Twiml redirect."""
    sid, ext = _sid(name, request.url.path)
    args = call_forms.update_call_args(await forms.read_form(request))
    return render.resource(backend.update_call(account, sid, args), ext, "Call")


async def delete_call(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """DELETE /Calls/{Sid}.json: 204 (an ended call only)."""
    backend.delete_call(account, _sid(name, request.url.path)[0])
    return Response(status_code=204)
