"""The REST emulator's HTTP layer (FastAPI): routes, parameters, auth, rendering.

No state here: every route parses its request and calls one
:class:`~recsim.api.backend.Backend` method. Twilio's wire format: form-encoded request
bodies, JSON (or XML with ``.xml``) responses, RFC 2822 dates, list pages with
``first_page_uri`` / ``next_page_uri`` / ``previous_page_uri`` and one item key, errors
as ``{code, message, more_info, status}`` - every error, including an unexpected one
(HTTP 500, code 20500): the app never answers a plain-text 500.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from recsim.api.backend import DEFAULT_PAGE_SIZE, Backend
from recsim.errors import ApiError, InvalidRequestError, NotFoundError, OutputError, RecsimError

__all__ = ["create_app"]

V1 = "/2010-04-01/Accounts/{account_sid}"
#: Recording parents of the nested paths (002): ``/Calls/{CallSid}`` and ``/Conferences/{ConferenceSid}``.
OWNERS = ("Calls", "Conferences")

_log = logging.getLogger("recsim.server")


class _CatchAll:
    """ASGI middleware: an exception no handler took becomes Twilio's error JSON, HTTP 500,
    code 20500 (logged here), instead of a plain-text 500."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            _log.exception("recsim serve: unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await _server_error(exc)(scope, receive, send)


def _server_error(exc: BaseException) -> JSONResponse:
    return _error(ApiError(20500, f"Internal server error ({type(exc).__name__}: {exc})", status=500))


def _error(err: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if err.status == 401 else None
    return JSONResponse(err.to_dict(), status_code=err.status, headers=headers)


def _camel(key: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in key.split("_"))


def _xml(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            el.append(_xml(_camel(k), v))
    elif value is not None:
        el.text = str(value)
    return el


def _xml_response(tag: str, resource: dict[str, Any]) -> Response:
    root = ET.Element("TwilioResponse")
    root.append(_xml(tag, resource))
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), media_type="application/xml")


async def _form(request: Request) -> dict[str, Any]:
    """Form fields; repeated fields (RecordingStatusCallbackEvent) become lists."""
    try:
        form = await request.form()
    except Exception as exc:  # malformed multipart or encoding
        raise InvalidRequestError(20001, f"The request body could not be parsed: {exc}") from None
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        if not values:
            raise InvalidRequestError(20001, f"Parameter {key} must be a text value")
        out[key] = values if len(values) > 1 else values[0]
    return out


def _split_ext(name: str) -> tuple[str, str]:
    for ext in (".json", ".xml", ".wav", ".mp3"):
        if name.endswith(ext):
            return name[: -len(ext)], ext[1:]
    return name, ""


def _parse_date(value: str, param: str) -> tuple[float, float]:
    """A date or a date-time -> [start, end) unix seconds (a day, or one second)."""
    try:
        if len(value) == 10:
            d = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return d.timestamp(), d.timestamp() + 86400
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        return t.timestamp(), t.timestamp() + 1
    except ValueError:
        raise InvalidRequestError(20001, f"{param}={value!r} is not a date (YYYY-MM-DD) or date-time "
                                         "(YYYY-MM-DDTHH:MM:SSZ)") from None


def _int_param(q: Any, name: str, default: int | None) -> int | None:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequestError(20001, f"{name}={raw!r} is not an integer") from None


def create_app(backend: Backend, *, media_auth: bool = True, tick_s: float = 0.02) -> FastAPI:
    """The ASGI application of ``recsim serve`` over ``backend``.

    Parameters
    ----------
    backend : Backend
        State and actions.
    media_auth : bool
        Require HTTP Basic auth on media downloads too (002: recommended; can be off).
    tick_s : float
        Realtime clock resolution, seconds.
    """
    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(tick_s):
            try:
                backend.tick()
            except RecsimError:  # a call flow error must not stop the clock
                continue

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        thread = None
        if backend.clock == "realtime":
            thread = threading.Thread(target=ticker, daemon=True, name="recsim-clock")
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=1)

    app = FastAPI(title="recsim REST emulator", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RecsimError)
    async def recsim_error(request: Request, exc: RecsimError) -> JSONResponse:
        if isinstance(exc, OutputError):  # the store cannot write: the server's fault, not the request's
            _log.error("recsim serve: %s", exc)
            return _server_error(exc)
        return _error(InvalidRequestError(20001, str(exc)))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(InvalidRequestError(20001, f"Invalid request: {exc.errors()[0].get('msg')}"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return _error(ApiError(20004, "Method not allowed", status=405))
        return _error(NotFoundError(f"The requested resource {request.url.path} was not found"))

    def auth(request: Request, account_sid: str | None = None) -> str:
        header = request.headers.get("authorization", "")
        user = token = None
        if header.lower().startswith("basic "):
            try:
                user, _, token = base64.b64decode(header[6:]).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = None
        if not user or backend.accounts.get(user) != token:
            raise ApiError(20003, "Authentication Error - invalid username", status=401)
        if account_sid is not None and account_sid != user:
            raise NotFoundError(f"The requested resource {request.url.path} was not found")
        return user

    # ------------------------------------------------------------- calls
    @app.post(V1 + "/Calls.json", status_code=201)
    async def create_call(account_sid: str, request: Request) -> JSONResponse:
        acct = auth(request, account_sid)
        return JSONResponse(backend.create_call(acct, await _form(request)), status_code=201)

    @app.post(V1 + "/Calls/{call_sid}/Recordings.json")
    async def create_recording(account_sid: str, call_sid: str, request: Request) -> JSONResponse:
        acct = auth(request, account_sid)
        return JSONResponse(backend.create_recording(acct, call_sid, await _form(request)), status_code=201)

    @app.post(V1 + "/Conferences/{conference_sid}/Recordings.json")
    async def create_conference_recording(account_sid: str, conference_sid: str, request: Request) -> JSONResponse:
        auth(request, account_sid)
        raise ApiError(20004, "Method not allowed: a conference recording is started by <Conference "
                              "record=\"record-from-start\">, not by the API", status=405)

    @app.post(V1 + "/{owner}/{owner_sid}/Recordings/{name}")
    async def update_recording(account_sid: str, owner: str, owner_sid: str, name: str,
                               request: Request) -> Response:
        acct = auth(request, account_sid)
        if owner not in OWNERS:
            raise NotFoundError(f"The requested resource {request.url.path} was not found")
        sid, ext = _split_ext(name)
        body = backend.update_recording(acct, owner, owner_sid, sid, await _form(request))
        return _xml_response("Recording", body) if ext == "xml" else JSONResponse(body)

    # -------------------------------------------------------------- lists
    def _list(request: Request, acct: str, path: str, **fixed: Any) -> JSONResponse:
        q = request.query_params
        page_size = _int_param(q, "PageSize", DEFAULT_PAGE_SIZE)
        page = _int_param(q, "Page", 0)
        assert page_size is not None and page is not None
        filters: dict[str, Any] = dict(fixed)
        if q.get("CallSid"):
            filters["call_sid"] = q["CallSid"]
        if q.get("ConferenceSid"):
            filters["conference_sid"] = q["ConferenceSid"]
        lo: float | None = None
        hi: float | None = None
        if q.get("DateCreated"):
            lo, hi = _parse_date(q["DateCreated"], "DateCreated")
        if q.get("DateCreated<"):
            hi = _parse_date(q["DateCreated<"], "DateCreated<")[1]
        if q.get("DateCreated>"):
            lo = _parse_date(q["DateCreated>"], "DateCreated>")[0]
        filters["created_from"], filters["created_to"] = lo, hi
        soft = q.get("IncludeSoftDeleted", "false").lower()
        if soft not in ("true", "false"):
            raise InvalidRequestError(20001, f"IncludeSoftDeleted={soft!r} is not allowed; allowed: true, false")
        filters["include_deleted"] = soft == "true"
        result = backend.list_recordings(acct, page=page, page_size=page_size, **filters)
        keep = [(k, v) for k, v in q.multi_items() if k not in ("Page", "PageSize", "PageToken")]

        def uri(p: int) -> str:
            return f"{path}?" + urlencode([*keep, ("PageSize", page_size), ("Page", p)]) + (
                f"&PageToken=PA{p}" if p else "")

        start = page * page_size
        return JSONResponse({
            "recordings": result.items,
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if result.has_next else None,
            "previous_page_uri": uri(page - 1) if page > 0 else None,
            "uri": uri(page),
            "page": page,
            "page_size": page_size,
            "start": start,
            "end": start + max(len(result.items) - 1, 0),
        })

    @app.get(V1 + "/Recordings.json")
    async def list_recordings(account_sid: str, request: Request) -> JSONResponse:
        acct = auth(request, account_sid)
        return _list(request, acct, request.url.path)

    @app.get(V1 + "/{owner}/{owner_sid}/Recordings.json")
    async def list_owner_recordings(account_sid: str, owner: str, owner_sid: str, request: Request) -> JSONResponse:
        acct = auth(request, account_sid)
        if owner == "Calls":
            return _list(request, acct, request.url.path, call_sid=owner_sid)
        if owner == "Conferences":
            return _list(request, acct, request.url.path, conference_sid=owner_sid)
        raise NotFoundError(f"The requested resource {request.url.path} was not found")

    # ------------------------------------------------- fetch, media, delete
    def _parent(request: Request, owner: str, owner_sid: str) -> tuple[str, str]:
        """The parent of a nested path; 20404 unless Calls or Conferences."""
        if owner not in OWNERS:
            raise NotFoundError(f"The requested resource {request.url.path} was not found")
        return owner, owner_sid

    def _fetch(request: Request, account_sid: str, name: str, parent: tuple[str, str] | None = None) -> Response:
        sid, ext = _split_ext(name)
        if ext in ("", "wav", "mp3"):
            acct = auth(request, account_sid) if media_auth else account_sid
            channels = _int_param(request.query_params, "RequestedChannels", None)
            data, media_type = backend.media(acct, sid, ext or "wav", channels, parent=parent)
            return Response(data, media_type=media_type)
        acct = auth(request, account_sid)
        soft = request.query_params.get("IncludeSoftDeleted", "false").lower() == "true"
        body = backend.fetch_recording(acct, sid, include_deleted=soft, parent=parent)
        return _xml_response("Recording", body) if ext == "xml" else JSONResponse(body)

    @app.get(V1 + "/Recordings/{name}")
    async def fetch_recording(account_sid: str, name: str, request: Request) -> Response:
        return _fetch(request, account_sid, name)

    @app.get(V1 + "/{owner}/{owner_sid}/Recordings/{name}")
    async def fetch_owner_recording(account_sid: str, owner: str, owner_sid: str, name: str,
                                    request: Request) -> Response:
        return _fetch(request, account_sid, name, _parent(request, owner, owner_sid))

    @app.get(V1 + "/Recordings/{sid}/Transcriptions.json")
    async def list_transcriptions(account_sid: str, sid: str, request: Request) -> JSONResponse:
        acct = auth(request, account_sid)
        items = backend.list_transcriptions(acct, sid)
        path = request.url.path
        return JSONResponse({"transcriptions": items, "first_page_uri": path + "?PageSize=50&Page=0",
                             "next_page_uri": None, "previous_page_uri": None, "uri": path, "page": 0,
                             "page_size": 50, "start": 0, "end": 0})

    def _delete(request: Request, account_sid: str, name: str, parent: tuple[str, str] | None = None) -> Response:
        acct = auth(request, account_sid)
        backend.delete_recording(acct, _split_ext(name)[0], parent=parent)
        return Response(status_code=204)

    @app.delete(V1 + "/Recordings/{name}")
    async def delete_recording(account_sid: str, name: str, request: Request) -> Response:
        return _delete(request, account_sid, name)

    @app.delete(V1 + "/{owner}/{owner_sid}/Recordings/{name}")
    async def delete_owner_recording(account_sid: str, owner: str, owner_sid: str, name: str,
                                     request: Request) -> Response:
        return _delete(request, account_sid, name, _parent(request, owner, owner_sid))

    # ------------------------------------------------ v2 configurations
    async def _json_body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise InvalidRequestError(20001, "The request body must be JSON") from None

    @app.post("/v2/Configurations/Recording")
    async def create_configuration(request: Request) -> JSONResponse:
        acct = auth(request)
        item = backend.configuration_op(acct, "create", body=await _json_body(request))
        return JSONResponse(item.to_json(), status_code=201)  # type: ignore[union-attr]

    @app.get("/v2/Configurations/Recording")
    async def list_configurations(request: Request) -> JSONResponse:
        acct = auth(request)
        items = backend.configuration_op(acct, "list")
        return JSONResponse({"configurations": [c.to_json() for c in items],  # type: ignore[union-attr]
                             "meta": {"key": "configurations", "page": 0, "page_size": 50}})

    @app.get("/v2/Configurations/Recording/{ref}")
    async def get_configuration(ref: str, request: Request) -> JSONResponse:
        acct = auth(request)
        return JSONResponse(backend.configuration_op(acct, "retrieve", ref).to_json())  # type: ignore[union-attr]

    @app.put("/v2/Configurations/Recording/{ref}")
    async def put_configuration(ref: str, request: Request) -> JSONResponse:
        acct = auth(request)
        item = backend.configuration_op(acct, "update", ref, await _json_body(request))
        return JSONResponse(item.to_json())  # type: ignore[union-attr]

    @app.delete("/v2/Configurations/Recording/{ref}")
    async def delete_configuration(ref: str, request: Request) -> Response:
        acct = auth(request)
        backend.configuration_op(acct, "delete", ref)
        return Response(status_code=204)

    # -------------------------------------------------- control (recsim)
    @app.get("/recsim/clock")
    async def clock() -> JSONResponse:
        return JSONResponse({"mode": backend.clock,
                             "now": max((float(s.env.now) for s in backend.sims.values()), default=0.0)})

    @app.post("/recsim/clock/advance")
    async def advance(request: Request) -> JSONResponse:
        """Move the manual clock: ``seconds`` (form field or JSON object member), a finite
        number >= 0 that keeps the clock before 9999-12-31T23:59:59Z; else 400, code 20001."""
        form = await _form(request) if request.headers.get("content-type", "").startswith(
            "application/x-www-form") else await _json_body(request)
        if not isinstance(form, dict):
            raise InvalidRequestError(20001, f"The request body must be a form or a JSON object with 'seconds'; "
                                             f"got {type(form).__name__}")
        raw = form.get("seconds", 0)
        try:
            if isinstance(raw, bool):
                raise TypeError
            seconds = float(raw)
        except (TypeError, ValueError, OverflowError):
            shown = repr(raw) if len(repr(raw)) <= 40 else repr(raw)[:37] + "..."
            raise InvalidRequestError(20001, f"seconds: {shown} is not allowed; allowed: a finite number of "
                                             "seconds >= 0") from None
        return JSONResponse({"mode": backend.clock, "now": backend.advance(seconds)})

    @app.post("/recsim/scenario")
    async def start_scenario(request: Request) -> JSONResponse:
        from recsim.errors import ScenarioError
        from recsim.scenario import parse_yaml, scenario_from_dict

        try:  # bounded: size, UTF-8, alias expansion (an alias bomb is refused quickly)
            data = parse_yaml(await request.body(), "POST /recsim/scenario")
        except ScenarioError as exc:
            raise InvalidRequestError(20001, f"The scenario is not valid YAML: {exc}") from None
        scenario = scenario_from_dict(data, source="POST /recsim/scenario")
        return JSONResponse({"calls_started": backend.load(scenario)})

    @app.post("/recsim/reset")
    async def reset() -> JSONResponse:
        backend.reset()
        return JSONResponse({"reset": True})

    @app.get("/recsim/events")
    async def events() -> JSONResponse:
        return JSONResponse([{"account_sid": a, **e.to_json()} for a, e in backend.events])

    app.add_middleware(_CatchAll)
    return app


def wait_until(predicate: Any, timeout_s: float = 5.0, step_s: float = 0.01) -> bool:
    """Poll ``predicate`` until true or timeout (a helper for tests and scripts)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step_s)
    return bool(predicate())
