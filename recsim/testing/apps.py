"""Deliver HTTP requests to Python web apps in-process: WSGI (Flask, Django) and ASGI
(FastAPI, Starlette), with no socket.

A WSGI app is called in the calling thread (:class:`httpx.WSGITransport`). An ASGI app
runs on an event loop of its own in a background thread (an :mod:`anyio` blocking
portal), so an ``async def`` handler that makes a blocking call (the synchronous twilio
client) cannot block the loop that serves that call: every app, the platform's own
included, has its own loop.
"""

from __future__ import annotations

import inspect
from contextlib import ExitStack
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

__all__ = ["InProcessApp", "is_asgi"]


def is_asgi(app: Any) -> bool:
    """True for an ASGI application (``async def __call__(scope, receive, send)``),
    False for a WSGI one (``__call__(environ, start_response)``).

    Raises
    ------
    TypeError
        ``app`` is not callable.
    """
    if not callable(app):
        raise TypeError(f"app: {app!r} is not a WSGI or ASGI application (not callable)")
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else type(app).__call__
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(app)


class InProcessApp:
    """One web app served in-process.

    Parameters
    ----------
    app : WSGI or ASGI application
    base_url : str
        Scheme and host (and optional path prefix) the app is reached at, for
        example ``https://myapp.example``.
    """

    def __init__(self, app: Any, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.asgi = is_asgi(app)
        self._stack = ExitStack()
        self._portal: BlockingPortal | None = None
        self._client: Any = None

    def _open(self) -> None:
        if self.asgi:
            self._portal = self._stack.enter_context(start_blocking_portal())
            self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.base_url)
        else:
            self._client = httpx.Client(transport=httpx.WSGITransport(app=self.app), base_url=self.base_url)

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                content: bytes | None = None) -> httpx.Response:
        """Send one request to the app and return its whole response (body read).

        ``url`` is absolute (it starts with :attr:`base_url`) or a path. An exception
        raised by the app becomes a 500 response whose body names it.
        """
        if self._client is None:
            self._open()
        try:
            if self._portal is not None:
                return self._portal.call(self._async_request, method, url, headers, content)
            return self._client.request(method, url, headers=headers, content=content)
        except Exception as exc:  # the app crashed: answer as a server would
            return httpx.Response(500, text=f"{type(exc).__name__}: {exc}")

    async def _async_request(self, method: str, url: str, headers: dict[str, str] | None,
                             content: bytes | None) -> httpx.Response:
        r = await self._client.request(method, url, headers=headers, content=content)
        await r.aread()
        return r

    async def arequest(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                       content: bytes | None = None) -> httpx.Response:
        """:meth:`request` from a coroutine: runs in a worker thread, so the caller's
        event loop stays free."""
        import anyio.to_thread

        return await anyio.to_thread.run_sync(
            lambda: self.request(method, url, headers=headers, content=content))

    def close(self) -> None:
        """Stop the app's event loop (ASGI) and close its client."""
        if self._client is not None and self._portal is None:
            self._client.close()
        elif self._client is not None and self._portal is not None:
            self._portal.call(self._client.aclose)
        self._client = None
        self._portal = None
        self._stack.close()
