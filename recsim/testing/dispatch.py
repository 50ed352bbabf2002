"""Answer the platform's own API in-process without ASGI: match the route, call its
handler, render its response (what moto does with its ``urls`` and ``responses``).

The emulator stays the one definition of routes, handlers and error rendering:
:class:`DirectDispatch` matches the route table of :mod:`recsim.server.urls` and calls
its handlers and the app's exception handlers directly, in the calling thread,
resolving only what the emulator's handlers use (the request, path parameters and
``Depends`` dependencies). A route that needs more (query, header or body parameters
declared by type), a response with no body in memory (streaming) or an unmatched path
goes through the full ASGI app instead, so the answer is always the one ``recsim
serve`` gives.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import Match

from recsim.server import render
from recsim.server.urls import routers

__all__ = ["DirectDispatch"]


class _NeedsAsgi(Exception):
    """The route or its answer needs the full ASGI path."""


def _plain(dependant: Any) -> bool:
    """True when a handler and its dependencies use only the request, path parameters
    and plain dependencies (what :meth:`DirectDispatch._solve` resolves)."""
    for name in ("query_params", "header_params", "cookie_params", "body_params"):
        if getattr(dependant, name, ["?"]):
            return False
    for name in ("websocket_param_name", "http_connection_param_name", "response_param_name",
                 "background_tasks_param_name", "security_scopes_param_name"):
        if getattr(dependant, name, None) is not None:
            return False
    return all(_plain(d) for d in getattr(dependant, "dependencies", ()))


@lru_cache(maxsize=1)
def _table() -> tuple[list[APIRoute], dict[int, bool]]:
    """The route table as FastAPI routes (built once a process: 18 ms) and, for each,
    whether the direct path can serve it."""
    routes = [r for router in routers() for r in router.routes if isinstance(r, APIRoute)]
    return routes, {id(r): _plain(r.dependant) for r in routes}


class DirectDispatch:
    """Serve an emulator app's API requests by calling its handlers directly.

    Parameters
    ----------
    app : fastapi.FastAPI
        The app of :func:`recsim.server.create_app` (routes, exception handlers, state).
    fallback : callable
        ``fallback(method, url, headers=..., content=...) -> httpx.Response``: the full
        ASGI path, for what the direct path does not cover.
    """

    def __init__(self, app: Any, fallback: Callable[..., httpx.Response]) -> None:
        self.app = app
        self.fallback = fallback
        self._routes, self._plain = _table()

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                content: bytes | None = None) -> httpx.Response:
        """Answer one request: ``url`` absolute or a path; the whole response is read.

        An exception no handler of the app takes becomes HTTP 500 naming it, as
        ``recsim serve`` answers (Twilio's error JSON, code 20500).
        """
        scope = self._scope(method, url, headers or {})
        try:
            response = self._direct(scope, content or b"")
        except _NeedsAsgi:
            return self.fallback(method, url, headers=headers, content=content)
        response.request = httpx.Request(method, url if "://" in url else "https://api.twilio.com" + url)
        return response

    # ------------------------------------------------------------------ inside
    def _scope(self, method: str, url: str, headers: dict[str, str]) -> dict[str, Any]:
        parts = urlsplit(url)
        return {"type": "http", "http_version": "1.1", "method": method.upper(), "scheme": parts.scheme or "https",
                "server": (parts.hostname or "api.twilio.com", parts.port or 443), "root_path": "",
                "path": parts.path or "/", "raw_path": (parts.path or "/").encode(),
                "query_string": parts.query.encode(), "app": self.app,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}

    def _direct(self, scope: dict[str, Any], body: bytes) -> httpx.Response:
        route = None
        for candidate in self._routes:
            match, child = candidate.matches(scope)
            if match is Match.FULL:
                route = candidate
                scope = {**scope, **child}
                break
        if route is None or not self._plain[id(route)]:
            raise _NeedsAsgi

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request(scope, receive)
        try:
            response = self._run(self._call(route.dependant, request, {}))
        except _NeedsAsgi:
            raise
        except Exception as exc:  # rendered by the app's own handlers, as on the wire
            response = self._run(self._handle(request, exc))
        if not hasattr(response, "body"):  # a streaming answer: let ASGI stream it
            raise _NeedsAsgi
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
        body_out = b"" if scope["method"] == "HEAD" else bytes(response.body)
        return httpx.Response(response.status_code, headers=headers, content=body_out)

    async def _call(self, dependant: Any, request: Request, cache: dict[Any, Any]) -> Any:
        kwargs: dict[str, Any] = {}
        if dependant.request_param_name:
            kwargs[dependant.request_param_name] = request
        for field in dependant.path_params:
            kwargs[field.name] = request.path_params[field.alias]
        for sub in dependant.dependencies:
            key = sub.call
            if key not in cache:
                cache[key] = await self._call(sub, request, cache)
            kwargs[sub.name] = cache[key]
        result = dependant.call(**kwargs)
        return await result if inspect.isawaitable(result) else result

    async def _handle(self, request: Request, exc: Exception) -> Any:
        for cls in type(exc).__mro__:
            handler = self.app.exception_handlers.get(cls)
            if handler is not None:
                result = handler(request, exc)
                return await result if inspect.isawaitable(result) else result
        return render.server_error(exc)

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a handler's coroutine to its end in this thread, with no event loop.

        The emulator's handlers await only the request's form, whose body is already
        in memory, so they never wait; one that does is closed at its first wait
        (before any backend call, which follows the form) and the request goes through
        the ASGI app instead (:class:`_NeedsAsgi`)."""
        try:
            coro.send(None)
        except StopIteration as stop:
            return stop.value
        coro.close()  # it waited on something: redo it properly on a loop
        raise _NeedsAsgi
