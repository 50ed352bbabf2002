"""Route the HTTP traffic of the twilio client (and of the user's own media downloads)
to an in-process platform, with the interception libraries moto and respx build on:
``responses`` for :mod:`requests` (the synchronous twilio client), ``respx`` for
:mod:`httpx`, ``aioresponses`` for :mod:`aiohttp` (the asynchronous twilio client).

Requests to Twilio's hosts (``*.twilio.com``) are intercepted, so no request of a test
reaches the real platform; the in-process platform answers the Voice API hosts
(``api.twilio.com``, ``voice.twilio.com`` and their regional forms) and refuses the
other products' hosts with a 404 that says so. Every other request passes
through untouched.
"""

from __future__ import annotations

import re
from base64 import b64encode
from collections.abc import Callable
from contextlib import ExitStack
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import httpx

__all__ = ["API_URL", "PLATFORM_URL", "Interceptor"]

#: URLs the in-process platform answers (the Voice API; other Twilio hosts get a 404).
PLATFORM_URL = re.compile(r"^https?://([a-z0-9-]+\.)*twilio\.com(:\d+)?(/|$)", re.IGNORECASE)
#: The Voice API's hosts: ``api.twilio.com`` (2010-04-01), ``voice.twilio.com`` (the v2
#: Recording Configurations of 004) and their regional forms ``api.<edge>.<region>.twilio.com``.
API_URL = re.compile(r"^https?://(api|voice)(\.[a-z0-9-]+)*\.twilio\.com(:\d+)?/", re.IGNORECASE)
_NOT_PLATFORM = re.compile(r"^(?!https?://([a-z0-9-]+\.)*twilio\.com(:\d+)?(/|$))", re.IGNORECASE)
_METHODS = ("GET", "POST", "DELETE", "HEAD", "PUT")

#: ``handler(method, url, headers, body) -> httpx.Response`` (body read).
Handler = Callable[[str, str, dict[str, str], bytes], httpx.Response]


class Interceptor:
    """Patches requests, httpx and aiohttp (each only if installed) while started.

    Parameters
    ----------
    handler : callable
        ``handler(method, url, headers, body) -> httpx.Response`` for a platform URL.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._stack = ExitStack()

    def start(self) -> None:
        """Begin routing (idempotent per instance)."""
        for patch in (self._requests, self._httpx, self._aiohttp):
            patch()

    def stop(self) -> None:
        """Restore every patched library."""
        self._stack.close()

    # ---------------------------------------------------------------- requests
    def _requests(self) -> None:
        try:
            import responses
        except ImportError:  # pragma: no cover - requests is a dependency of twilio
            return

        def callback(request: Any) -> tuple[int, dict[str, str], bytes]:
            body = request.body or b""
            r = self.handler(request.method, request.url, dict(request.headers),
                             body.encode() if isinstance(body, str) else body)
            return r.status_code, _plain_headers(r.headers), r.content

        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru(_NOT_PLATFORM)
        for method in _METHODS:
            mock.add_callback(method, PLATFORM_URL, callback=callback)
        mock.start()
        self._stack.callback(mock.stop, allow_assert=False)
        self._stack.callback(mock.reset)

    # ------------------------------------------------------------------- httpx
    def _httpx(self) -> None:
        try:
            import respx
        except ImportError:
            return

        def side_effect(request: httpx.Request) -> httpx.Response:
            r = self.handler(request.method, str(request.url), dict(request.headers), request.read())
            return httpx.Response(r.status_code, headers=_plain_headers(r.headers), content=r.content)

        router = respx.MockRouter(assert_all_called=False, assert_all_mocked=False)
        router.route(url__regex=PLATFORM_URL.pattern).mock(side_effect=side_effect)
        router.route().pass_through()
        router.start()
        self._stack.callback(router.stop)

    # ----------------------------------------------------------------- aiohttp
    def _aiohttp(self) -> None:
        try:
            from aioresponses import CallbackResult, aioresponses
        except ImportError:
            return
        import anyio.to_thread

        async def callback(url: Any, **kwargs: Any) -> Any:
            headers = dict(kwargs.get("headers") or {})
            auth = kwargs.get("auth")
            if auth is not None:
                headers["Authorization"] = "Basic " + b64encode(f"{auth.login}:{auth.password}".encode()).decode()
            data = kwargs.get("data")
            body = (urlencode(data, doseq=True).encode() if isinstance(data, dict)
                    else data.encode() if isinstance(data, str) else data or b"")
            if isinstance(data, dict):
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            method = kwargs.get("method") or "GET"
            r = await anyio.to_thread.run_sync(lambda: self.handler(method, str(url), headers, body))
            return CallbackResult(status=r.status_code, body=r.content, response_class=_response_class(),
                                  content_type=r.headers.get("content-type", "application/json"),
                                  headers=_plain_headers(r.headers))

        mock = aioresponses(passthrough_unmatched=True)
        mock.start()
        for method in _METHODS:
            mock.add(PLATFORM_URL, method=method, callback=_with_method(callback, method), repeat=True)
        self._stack.callback(mock.stop)


def _plain_headers(headers: httpx.Headers) -> dict[str, str]:
    """Response headers for a body handed over whole and decoded (no length or encoding
    of the original transfer)."""
    return {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-encoding",
                                                                   "transfer-encoding")}


def _response_class() -> type:
    """aiohttp's ClientResponse as aioresponses builds it: aiohttp 3.12+ added a required
    ``stream_writer`` argument that aioresponses 0.7.x does not pass (a request already
    sent only reads its ``output_size``)."""
    from aiohttp import ClientResponse

    class _Response(ClientResponse):
        def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
            super().__init__(method, url, **kwargs)

    return _Response


def _with_method(callback: Callable[..., Any], method: str) -> Callable[..., Any]:
    async def bound(url: Any, **kwargs: Any) -> Any:
        return await callback(url, method=method, **{k: v for k, v in kwargs.items() if k != "method"})

    return bound
