"""Where the in-process platform's webhooks go: the user's apps by base URL, and what
happens to a URL no app is routed for.

A webhook (voice URL, ``<Record>`` action, ``<Redirect>``, status callback,
transcribeCallback) is signed with ``X-Twilio-Signature`` as the platform signs it
(``../shared/spec/002``: "validate the signature") and delivered in-process through the
app's WSGI or ASGI interface (:class:`recsim.testing.apps.InProcessApp`).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import httpx

from recsim.errors import SimulationError
from recsim.server import sign
from recsim.testing.apps import InProcessApp

__all__ = ["UNROUTED", "AppRoutes", "UnroutedWebhookError"]

#: ``unrouted`` choices: what happens to a webhook whose URL has no routed app.
UNROUTED = ("error", "ignore", "http")


class UnroutedWebhookError(SimulationError):
    """A webhook went to a URL with no routed app and no scenario document; the message
    names the URL and the ways to route it."""


class AppRoutes:
    """The user's apps by base URL (longest prefix first), and the unrouted policy.

    Parameters
    ----------
    auth_token : str
        The account's AuthToken, the key of ``X-Twilio-Signature``.
    unrouted : {"error", "ignore", "http"}
        A URL with no app: raise :class:`UnroutedWebhookError`, drop the webhook, or send
        it over real HTTP.

    Raises
    ------
    ValueError
        ``unrouted`` is not one of :data:`UNROUTED`.
    """

    def __init__(self, auth_token: str, unrouted: str = "error") -> None:
        if unrouted not in UNROUTED:
            raise ValueError(f"unrouted: {unrouted!r} is not allowed; allowed: {', '.join(UNROUTED)}")
        self.auth_token = auth_token
        self.unrouted = unrouted
        self._apps: list[InProcessApp] = []
        self._http: httpx.Client | None = None

    def add(self, base_url: str, app: object) -> None:
        """Route URLs starting with ``base_url`` to ``app`` (WSGI or ASGI).

        Raises
        ------
        ValueError
            ``base_url`` is not an absolute http(s) URL.
        TypeError
            ``app`` is not a WSGI or ASGI application.
        """
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url: {base_url!r} is not allowed; allowed: an absolute http(s) URL such as "
                             "'https://myapp.example'")
        self._apps.append(InProcessApp(app, base_url))
        self._apps.sort(key=lambda r: len(r.base_url), reverse=True)

    def deliver(self, url: str, method: str, params: dict[str, str], kind: str) -> httpx.Response | None:
        """Sign and send one webhook; the app's whole response, or None when dropped.

        Raises
        ------
        UnroutedWebhookError
            No app is routed for ``url`` and ``unrouted`` is "error".
        """
        full = url
        if method == "GET" and params:
            full = url + ("&" if "?" in url else "?") + urlencode(params)
        headers = {"X-Twilio-Signature": sign(self.auth_token, full, None if method == "GET" else params),
                   "User-Agent": "TwilioProxy/1.1 (recsim mock)"}
        content = None
        if method != "GET":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode(params).encode()
        app = next((a for a in self._apps if full.startswith(a.base_url)), None)
        if app is not None:
            return app.request(method, full, headers=headers, content=content)
        if self.unrouted == "http":
            self._http = self._http or httpx.Client(timeout=10.0)
            return self._http.request(method, full, headers=headers, content=content)
        if self.unrouted == "ignore":
            return None
        routed = ", ".join(a.base_url for a in self._apps) or "none"
        parts = urlsplit(url)
        raise UnroutedWebhookError(
            f"{kind} to {url}: no app is routed for this URL (routed: {routed}); call "
            f"platform.route('{parts.scheme}://{parts.netloc}', app), add the URL to the "
            "scenario's apps, or pass unrouted='ignore' or 'http'")

    def close(self) -> None:
        """Stop the apps' event loops and close the real-HTTP client."""
        for app in self._apps:
            app.close()
        if self._http is not None:
            self._http.close()
