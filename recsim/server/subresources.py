"""The handlers of a recording's subresources and the account's Transcriptions
(excerpt ListTranscription, FetchTranscription, DeleteTranscription,
ListRecordingTranscription, FetchRecordingTranscription, DeleteRecordingTranscription,
ListRecordingAddOnResult, FetchRecordingAddOnResult, DeleteRecordingAddOnResult); the
backend methods are in :mod:`recsim.api.transcriptions`.
"""

from __future__ import annotations

import re

from fastapi import Request, Response

from recsim.api import Backend
from recsim.errors import NotFoundError
from recsim.server import forms, render
from recsim.server.deps import Account, BackendDep

__all__ = [
    "delete_add_on_result",
    "delete_recording_transcription",
    "delete_transcription",
    "fetch_add_on_result",
    "fetch_recording_transcription",
    "fetch_transcription",
    "list_add_on_results",
    "list_recording_transcriptions",
    "list_transcriptions",
]

_SIDS = {"RE": re.compile(r"RE[0-9a-fA-F]{32}"), "TR": re.compile(r"TR[0-9a-fA-F]{32}"),
         "XR": re.compile(r"XR[0-9a-fA-F]{32}")}


def _check(prefix: str, sid: str | None, path: str) -> None:
    if sid is not None and not _SIDS[prefix].fullmatch(sid):
        raise NotFoundError(f"The requested resource {path} was not found")


def _named(prefix: str, name: str, path: str) -> tuple[str, str]:
    sid, ext = forms.split_ext(name)
    _check(prefix, sid, path)
    if ext not in ("json", "xml"):
        raise NotFoundError(f"The requested resource {path} was not found")
    return sid, ext


def _fmt(fmt: str, path: str) -> str:
    if fmt not in ("json", "xml"):
        raise NotFoundError(f"The requested resource {path} was not found")
    return fmt


def _list_tr(request: Request, fmt: str, account: str, backend: Backend, sid: str | None) -> Response:
    path = request.url.path
    ext = _fmt(fmt, path)
    _check("RE", sid, path)
    query = request.query_params
    result = backend.list_transcriptions(account, forms.page_request(query), recording_sid=sid)
    return render.page("transcriptions", result, path, query.multi_items(), ext)


def _fetch_tr(request: Request, name: str, account: str, backend: Backend, sid: str | None) -> Response:
    _check("RE", sid, request.url.path)
    tr_sid, ext = _named("TR", name, request.url.path)
    return render.resource(backend.fetch_transcription(account, tr_sid, recording_sid=sid), ext, "Transcription")


def _delete_tr(request: Request, name: str, account: str, backend: Backend, sid: str | None) -> Response:
    _check("RE", sid, request.url.path)
    backend.delete_transcription(account, _named("TR", name, request.url.path)[0], recording_sid=sid)
    return Response(status_code=204)


async def list_transcriptions(request: Request, fmt: str, account: Account, backend: BackendDep) -> Response:
    """GET /Transcriptions.json: the account's transcriptions, newest first."""
    return _list_tr(request, fmt, account, backend, None)


async def list_recording_transcriptions(request: Request, sid: str, fmt: str, account: Account,
                                        backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}/Transcriptions.json: a recording's transcriptions."""
    return _list_tr(request, fmt, account, backend, sid)


async def fetch_transcription(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """GET /Transcriptions/{Sid}.json."""
    return _fetch_tr(request, name, account, backend, None)


async def fetch_recording_transcription(request: Request, sid: str, name: str, account: Account,
                                        backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}/Transcriptions/{Sid}.json."""
    return _fetch_tr(request, name, account, backend, sid)


async def delete_transcription(request: Request, name: str, account: Account, backend: BackendDep) -> Response:
    """DELETE /Transcriptions/{Sid}.json: 204."""
    return _delete_tr(request, name, account, backend, None)


async def delete_recording_transcription(request: Request, sid: str, name: str, account: Account,
                                         backend: BackendDep) -> Response:
    """DELETE /Recordings/{Sid}/Transcriptions/{Sid}.json: 204."""
    return _delete_tr(request, name, account, backend, sid)


async def list_add_on_results(request: Request, sid: str, fmt: str, account: Account,
                              backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}/AddOnResults.json: always empty (recsim runs no Add-ons)."""
    path = request.url.path
    ext = _fmt(fmt, path)
    _check("RE", sid, path)
    query = request.query_params
    result = backend.list_add_on_results(account, sid, forms.page_request(query))
    return render.page("add_on_results", result, path, query.multi_items(), ext)


async def fetch_add_on_result(request: Request, sid: str, name: str, account: Account,
                              backend: BackendDep) -> Response:
    """GET /Recordings/{Sid}/AddOnResults/{Sid}.json: 404 (recsim runs no Add-ons)."""
    _check("RE", sid, request.url.path)
    return render.resource(backend.fetch_add_on_result(account, sid, forms.split_ext(name)[0]), "json",
                           "AddOnResult")


async def delete_add_on_result(request: Request, sid: str, name: str, account: Account,
                               backend: BackendDep) -> Response:
    """DELETE /Recordings/{Sid}/AddOnResults/{Sid}.json: 404 (there are none)."""
    _check("RE", sid, request.url.path)
    backend.fetch_add_on_result(account, sid, forms.split_ext(name)[0])
    return Response(status_code=204)  # pragma: no cover - fetch_add_on_result always raises
