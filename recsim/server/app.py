"""The ASGI application of ``recsim serve`` (FastAPI): the routes of
:mod:`recsim.server.urls` over a :class:`~recsim.api.Backend`, the error handlers, and
the realtime clock's thread.

No state here: the backend is ``app.state.backend``; every handler parses its request
and calls one backend method. Every error is Twilio's error JSON
(:func:`recsim.server.render.error`), an unexpected one too (HTTP 500, code 20500): the
app never answers a plain-text 500.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from recsim.api import Backend
from recsim.errors import (
    ApiError,
    InvalidRequestError,
    NotFoundError,
    OutputError,
    RecsimError,
    ValidationErrorLike,
    validation_problems,
)
from recsim.server import render
from recsim.server.console import console_router
from recsim.server.urls import routers

__all__ = ["create_app", "wait_until"]

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
            await render.server_error(exc)(scope, receive, send)


def _xml(request: Request) -> bool:
    """Whether the error of ``request`` is answered in XML (its path ends in ``.xml``)."""
    return request.url.path.endswith(".xml")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return render.error(exc, as_xml=_xml(request))


async def _recsim_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, OutputError):  # the store cannot write: the server's fault, not the request's
        _log.error("recsim serve: %s", exc)
        return render.server_error(exc)
    return render.error(InvalidRequestError(20001, str(exc)), as_xml=_xml(request))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problem = validation_problems(cast(ValidationErrorLike, exc), limit=1)[0]  # errors() is a Sequence
    return render.error(InvalidRequestError(20001, f"Invalid request: {problem}"), as_xml=_xml(request))


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 405:
        return render.error(ApiError(20004, "Method not allowed", status=405), as_xml=_xml(request))
    return render.error(NotFoundError(f"The requested resource {request.url.path} was not found"),
                        as_xml=_xml(request))


def _lifespan(backend: Backend, tick_s: float) -> Callable[[FastAPI], Any]:
    """Run the realtime clock (:meth:`recsim.api.Backend.run_clock`) in a thread while
    the app serves."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = None
        if backend.clock == "realtime":
            thread = threading.Thread(target=backend.run_clock, args=(stop, tick_s), daemon=True,
                                      name="recsim-clock")
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=1)
        backend.save_clock()  # a restart starts at or after the time reached

    return lifespan


def create_app(backend: Backend, *, media_auth: bool = True, tick_s: float = 0.02) -> FastAPI:
    """The ASGI application of ``recsim serve`` over ``backend``.

    Parameters
    ----------
    backend : Backend
        State and actions.
    media_auth : bool
        Require HTTP Basic auth on media downloads too (002: recommended; can be off).
    tick_s : float
        Realtime clock resolution, wall seconds.

    Returns
    -------
    fastapi.FastAPI
        The routes of :mod:`recsim.server.urls`; ``app.state.backend`` is ``backend``.
    """
    app = FastAPI(title="recsim REST emulator", lifespan=_lifespan(backend, tick_s), docs_url=None,
                  redoc_url=None)
    app.state.backend = backend
    app.state.media_auth = media_auth
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RecsimError, _recsim_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for router in routers():
        app.include_router(router)
    app.include_router(console_router())
    app.add_middleware(_CatchAll)
    return app


def wait_until(predicate: Callable[[], Any], timeout_s: float = 5.0, step_s: float = 0.01) -> bool:
    """Poll ``predicate`` until true or ``timeout_s`` wall seconds passed (a helper for
    tests and scripts); returns its last value as a bool."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step_s)
    return bool(predicate())
