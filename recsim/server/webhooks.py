"""Outgoing webhooks of the emulator: signed as the platform signs them.

``X-Twilio-Signature`` is base64(HMAC-SHA1(AuthToken, URL + the POST parameters sorted
by name, each name followed by its value)); for GET the parameters are in the URL and
nothing is appended. So ``twilio.request_validator.RequestValidator(token).validate(url,
params, signature)`` accepts them.

Each request carries an ``I-Twilio-Idempotency-Token`` unique to it and repeated
unchanged on its retries. Status callbacks are delivered by a background thread with a
timeout and bounded retries; a failing webhook is logged and never loses a recording. TwiML requests
(voice URL, ``<Record>`` action, ``<Redirect>``) are made synchronously, because the
call waits for their answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import queue
import secrets
import threading
from typing import Any
from urllib.parse import urlencode

import httpx

from recsim.sim.callbacks import Event

__all__ = ["WebhookSender", "idempotency_token", "sign"]

log = logging.getLogger("recsim.webhooks")


def idempotency_token() -> str:
    """A new ``I-Twilio-Idempotency-Token``: unique per webhook request, sent unchanged on
    each retry of that request (so an app can drop a retried duplicate)."""
    return secrets.token_hex(16)


def sign(token: str, url: str, params: dict[str, str] | None) -> str:
    """The X-Twilio-Signature of a request to ``url`` with POST ``params``."""
    s = url
    for name in sorted(params or {}):
        s += name + str((params or {})[name])
    mac = hmac.new(token.encode("utf-8"), s.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


class WebhookSender:
    """Sends webhooks: ``fetch`` (synchronous, returns the body) and ``send`` (queued).

    Parameters
    ----------
    tokens : dict of str to str
        AccountSid -> AuthToken used to sign.
    timeout_s : float
        Per request.
    retries : int
        Extra attempts for a queued callback after a network error or a 5xx answer.
    """

    def __init__(self, tokens: dict[str, str], *, timeout_s: float = 5.0, retries: int = 2) -> None:
        self.tokens = tokens
        self.timeout_s = timeout_s
        self.retries = retries
        self.delivered: list[tuple[str, int]] = []
        self.failed: list[tuple[str, str]] = []
        self._client = httpx.Client(timeout=timeout_s)
        self._queue: queue.Queue[tuple[str, Event] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="recsim-webhooks", daemon=True)
        self._thread.start()

    def _request(self, account_sid: str, url: str, method: str, params: dict[str, str],
                 idempotency: str | None = None) -> httpx.Response:
        token = self.tokens[account_sid]
        headers = {"User-Agent": "TwilioProxy/1.1 (recsim)",
                   "I-Twilio-Idempotency-Token": idempotency or idempotency_token()}
        if method == "GET":
            full = url + ("&" if "?" in url else "?") + urlencode(params) if params else url
            headers["X-Twilio-Signature"] = sign(token, full, None)
            return self._client.get(full, headers=headers)
        headers["X-Twilio-Signature"] = sign(token, url, params)
        return self._client.post(url, data=params, headers=headers)

    def fetch(self, account_sid: str, url: str, method: str, params: dict[str, str]) -> str | None:
        """Request TwiML; None when the app cannot be reached or answers an error."""
        try:
            r = self._request(account_sid, url, method, params)
        except httpx.HTTPError as exc:
            self.failed.append((url, str(exc)))
            log.warning("TwiML request to %s failed: %s", url, exc)
            return None
        self.delivered.append((url, r.status_code))
        return r.text if r.status_code < 400 else None

    def send(self, account_sid: str, event: Event) -> None:
        """Queue a status callback."""
        self._queue.put((account_sid, event))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                self._queue.task_done()
                return
            account_sid, event = item
            self._deliver(account_sid, event)
            self._queue.task_done()

    def _deliver(self, account_sid: str, event: Event) -> None:
        assert event.url is not None
        last = ""
        idempotency = idempotency_token()  # the same on every retry of this callback
        for _ in range(1 + self.retries):
            try:
                r = self._request(account_sid, event.url, event.method or "POST", event.parameters, idempotency)
                if r.status_code < 500:
                    self.delivered.append((event.url, r.status_code))
                    return
                last = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                last = str(exc)
        self.failed.append((event.url, last))
        log.warning("callback to %s failed after %d attempts: %s", event.url, 1 + self.retries, last)

    def drain(self) -> None:
        """Wait until every queued callback was attempted."""
        self._queue.join()

    def close(self) -> None:
        """Stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout=5)
        self._client.close()

    def __enter__(self) -> WebhookSender:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
