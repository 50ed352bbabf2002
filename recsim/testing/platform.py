"""The in-process platform behind :func:`recsim.mock_twilio`: the emulator's backend and
app (the same code as ``recsim serve``), an in-memory store, a manual clock, and
webhooks delivered to the user's WSGI/ASGI apps with no socket.

Requests and webhooks are strictly sequential, as in a single-threaded test: the
clock moves only in :meth:`TwilioPlatform.advance`; a webhook is delivered at the
simulated moment the platform makes it, and a REST request the app makes while
handling it happens at that moment. Status callbacks raised while a request or
webhook is being handled are delivered as soon as it returns (never into an app that
is still busy answering).
"""

from __future__ import annotations

import hashlib
import math
import random
import shutil
import tempfile
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from recsim.api.backend import Backend
from recsim.errors import SimulationError
from recsim.scenario import PartySpec, Scenario
from recsim.server import create_app
from recsim.sim.callbacks import Event
from recsim.store import Store
from recsim.testing.apps import InProcessApp
from recsim.testing.dispatch import DirectDispatch
from recsim.testing.intercept import API_URL
from recsim.testing.log import PlatformRequest
from recsim.testing.routing import UNROUTED, AppRoutes, UnroutedWebhookError

__all__ = ["UNROUTED", "PlatformRequest", "TwilioPlatform", "UnroutedWebhookError"]

#: Seconds of speech of the synthetic talker a number without a scenario party gets.
TALKER_SECONDS = 20.0

#: Recording statuses after which nothing more happens to a recording.
_FINAL = ("completed", "absent", "deleted", "failed")


def _busy(sim: Any) -> bool:
    """Whether a call is still up, a recording not final, or a transcription pending
    (a call's maximum-duration timer alone does not keep the platform busy)."""
    if any(c.process is None or c.process.is_alive for c in sim.calls):
        return True
    recordings = [r for c in sim.calls for r in c.recordings]
    recordings += [r for conf in sim.conferences.values() for r in conf.recordings]
    if any(str(r.status) not in _FINAL for r in recordings):
        return True
    return any(t.status == "in-progress" for t in sim.transcriptions.values())


_APP: Any = None


def _app(backend: Backend, media_auth: bool) -> Any:
    """The emulator's ASGI app serving ``backend``: built once per process (its routes
    cost tens of milliseconds) and pointed at each platform's backend in turn; one
    platform is active at a time (:func:`recsim.mock_twilio`)."""
    global _APP
    if _APP is None:
        _APP = create_app(backend, media_auth=media_auth)
    _APP.state.backend = backend
    _APP.state.media_auth = media_auth
    return _APP


class _NoLock:
    """The backend's lock in-process: requests are sequential by construction (a REST
    request made inside a webhook runs while ``advance`` waits for that webhook, in
    another thread when the app is ASGI), so a real lock would deadlock."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


class TwilioPlatform:
    """A Twilio voice platform in this process (see :func:`recsim.mock_twilio`).

    Parameters
    ----------
    scenario : Scenario, optional
        Parties (their audio), TwiML apps by URL, account settings, recording
        configurations and calls started at time 0 (:mod:`recsim.scenario`).
    account_sid, auth_token : str, optional
        Default: a fresh ``AC`` SID and a random token (drawn from ``seed`` when given).
    unrouted : {"error", "ignore", "http"}
        A webhook to a URL with no routed app and no scenario document: raise
        :class:`UnroutedWebhookError` from :meth:`advance` (default), drop it (logged
        with status None), or send it over real HTTP.
    media_auth : bool
        Require the account's credentials for media downloads (the account setting
        "HTTP Basic Authentication for media"; off by default, as on the platform).
    seed : int, optional
        Make the platform repeatable: the same seed gives the same AccountSid, AuthToken
        and CallSids/RecordingSids for the same requests (and overrides the scenario's
        seed). Default: fresh random SIDs, so two platforms never share one.

    Raises
    ------
    ValueError
        ``unrouted`` is not one of :data:`UNROUTED`.
    """

    def __init__(self, scenario: Scenario | None = None, *, account_sid: str | None = None,
                 auth_token: str | None = None, unrouted: str = "error", media_auth: bool = False,
                 seed: int | None = None) -> None:
        self.seed = seed
        rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self.account_sid = account_sid or f"AC{rng.getrandbits(128):032x}"
        self.auth_token = auth_token or f"{rng.getrandbits(128):032x}"
        self.requests: list[PlatformRequest] = []
        self._apps = AppRoutes(self.auth_token, unrouted)
        self._depth = 0
        self._pending: list[Event] = []
        self._media_dir = tempfile.mkdtemp(prefix="recsim-mock-")
        if seed is not None and scenario is not None:
            scenario = scenario.model_copy(update={"seed": seed})
        store = Store(":memory:", self._media_dir,
                      store_id=f"{rng.getrandbits(128):032x}" if seed is not None else None)
        self._words: dict[str, list[dict[str, Any]]] = {}
        self.backend = Backend(store, {self.account_sid: self.auth_token}, scenario=scenario, clock="manual",
                               on_event=self._on_event, twiml_fetcher=self._fetch,
                               on_recording=self._on_recording)
        self.backend.lock = _NoLock()  # type: ignore[assignment]
        app = _app(self.backend, media_auth)
        self._api = InProcessApp(app, "https://api.twilio.com")
        self._dispatch = DirectDispatch(app, self._api.request)

    @property
    def unrouted(self) -> str:
        """What happens to a webhook with no routed app: "error", "ignore" or "http"."""
        return self._apps.unrouted

    # ----------------------------------------------------------------- public
    def route(self, base_url: str, app: Any) -> None:
        """Deliver webhooks whose URL starts with ``base_url`` to ``app`` (WSGI or ASGI),
        in-process, signed with ``X-Twilio-Signature``; the longest matching base wins.

        Raises
        ------
        ValueError
            ``base_url`` is not an absolute http(s) URL.
        TypeError
            ``app`` is not a WSGI or ASGI application.
        """
        self._apps.add(base_url, app)

    @property
    def now(self) -> float:
        """Simulated seconds since the platform's epoch."""
        return float(self.backend.sim(self.account_sid).env.now)

    def advance(self, seconds: float) -> float:
        """Move simulated time ``seconds`` forward: calls progress, TwiML is requested,
        recordings complete and callbacks are delivered, in time order.

        Returns
        -------
        float
            The new simulated time (seconds since the epoch).

        Raises
        ------
        InvalidRequestError
            ``seconds`` is not a finite number >= 0.
        UnroutedWebhookError, SimulationError
            A call could not go on (for example a webhook to a URL with no app).
        """
        try:
            self.backend.advance(seconds)
        finally:
            self._flush()
        return self.now

    def run_until_idle(self, max_seconds: float = 4 * 3600.0) -> float:
        """Advance until nothing more is scheduled (every call ended, every recording
        completed and its callbacks delivered), at most ``max_seconds``.

        Returns
        -------
        float
            The simulated time reached.

        Raises
        ------
        SimulationError
            Something is still scheduled after ``max_seconds`` (the message says what
            time was reached).
        """
        sim = self.backend.sim(self.account_sid)
        limit = self.now + max_seconds
        while _busy(sim) and math.isfinite(sim.env.peek()):
            if sim.env.peek() >= limit:
                raise SimulationError(f"run_until_idle: still busy after {max_seconds:g} simulated seconds "
                                      f"(now {self.now:g} s); advance further or end the calls")
            self.advance(min(sim.env.peek() + 1.0, limit) - self.now)
        return self.now

    @property
    def recordings(self) -> list[dict[str, Any]]:
        """Every recording of the account, as the API's JSON (newest first, as listed)."""
        out: list[dict[str, Any]] = []
        url: str | None = f"/2010-04-01/Accounts/{self.account_sid}/Recordings.json?PageSize=1000"
        while url:
            page = self._api_json("GET", url)
            out += page["recordings"]
            url = page.get("next_page_uri")
        return out

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every call the user's code created through the API, as answered at creation."""
        import json

        return [json.loads(r.body) for r in self.requests
                if r.direction == "api" and r.method == "POST" and r.status == 201
                and urlsplit(r.url).path.endswith("/Calls.json")]

    def words(self, recording_sid: str) -> list[dict[str, Any]]:
        """The words a finished recording captured, as ``words.jsonl`` rows: ``word``,
        ``start`` and ``end`` (seconds in the recording's media, after pause skip and
        trim), ``channel`` (1, or 2 for the outbound track of a dual recording),
        ``track``, ``recording_sid``, ``call_sid`` (:mod:`recsim.outputs.words`). What a
        perfect transcriber of the stored file would read, channel by channel.

        Raises
        ------
        KeyError
            ``recording_sid`` is not a recording of this platform that has finished
            (completed or absent; an absent one has no words).
        """
        if recording_sid not in self._words:
            raise KeyError(f"recording_sid: {recording_sid!r} is not a finished recording of this platform "
                           f"(finished: {', '.join(self._words) or 'none'})")
        return list(self._words[recording_sid])

    @property
    def events(self) -> list[Event]:
        """Every event of the account's simulation (TwiML requests, callbacks, warnings,
        API answers), in simulated-time order."""
        return [e for a, e in self.backend.events if a == self.account_sid]

    def close(self) -> None:
        """Stop the apps' event loops and remove the media folder."""
        self._api.close()
        self._apps.close()
        shutil.rmtree(self._media_dir, ignore_errors=True)

    # --------------------------------------------------------------- the API
    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
        """Answer one request of the user's code to the platform (intercepted): the Voice
        API on ``api.twilio.com`` and ``voice.twilio.com``; another Twilio host gets 404,
        code 20404, naming it."""
        if not API_URL.match(url):
            host = urlsplit(url).hostname
            r = httpx.Response(404, json={
                "code": 20404, "status": 404, "more_info": "https://www.twilio.com/docs/errors/20404",
                "message": f"recsim.mock_twilio serves the Voice API (api.twilio.com, voice.twilio.com); {host} is not "
                           "emulated (see COVERAGE.md, 'The in-process mock')"}, request=httpx.Request(method, url))
            self.requests.append(PlatformRequest(self.now, "api", method, url, {}, 404, "api", r.text))
            return r
        if method == "POST" and urlsplit(url).path.endswith("/Calls.json"):
            form = dict(parse_qsl(body.decode("utf-8", "replace")))
            for number in (form.get("To"), form.get("From")):
                self._talker(number)
        self._depth += 1
        try:
            r = self._dispatch.request(method, url, headers=headers, content=body)
        finally:
            self._depth -= 1
        params = dict(parse_qsl(body.decode("utf-8", "replace"))) if method in ("POST", "PUT") else \
            dict(parse_qsl(urlsplit(url).query))
        self.requests.append(PlatformRequest(self.now, "api", method, url, params, r.status_code, "api",
                                             r.text if "json" in r.headers.get("content-type", "") else ""))
        if self._depth == 0:
            self._flush()
        return r

    def _talker(self, address: str | None) -> None:
        """Give a number or client with no party in the scenario a seeded synthetic
        talker (speech-like audio for :data:`TALKER_SECONDS` from its answer), so its calls
        carry audio; it answers at once, as a number with no party does."""
        if not address:
            return
        for scenario in [self.backend.base, *(s.scenario for s in self.backend.sims.values())]:
            if address not in scenario.parties:
                seed = int.from_bytes(hashlib.sha256(address.encode()).digest()[:4], "big")
                scenario.parties[address] = PartySpec.model_validate(
                    {"audio": [{"synthetic": {"seconds": TALKER_SECONDS, "seed": seed}}],
                     "answer_delay_s": 0.0})

    def _api_json(self, method: str, path: str) -> Any:
        token = f"{self.account_sid}:{self.auth_token}"
        import base64

        r = self._dispatch.request(method, path, headers={"Authorization": "Basic " + base64.b64encode(
            token.encode()).decode()})
        r.raise_for_status()
        return r.json()

    # ---------------------------------------------------------------- webhooks
    def _fetch(self, account_sid: str, url: str, method: str, params: dict[str, str]) -> str | None:
        r = self._deliver(url, method, params, "twiml-request")
        return r.text if r is not None and r.status_code < 400 else None

    def _on_recording(self, account_sid: str, row: dict[str, Any]) -> None:
        self._words[row["sid"]] = row["words"]

    def _on_event(self, account_sid: str, event: Event) -> None:
        self._pending.append(event)
        if self._depth == 0:
            self._flush()

    def _flush(self) -> None:
        while self._pending and self._depth == 0:
            event = self._pending.pop(0)
            assert event.url is not None
            self._deliver(event.url, event.method or "POST", event.parameters, event.kind)

    def _deliver(self, url: str, method: str, params: dict[str, str], kind: str) -> httpx.Response | None:
        self._depth += 1
        try:
            r = self._apps.deliver(url, method, params, kind)
        finally:
            self._depth -= 1
        self.requests.append(PlatformRequest(self.now, "webhook", method, url, dict(params),
                                             None if r is None else r.status_code, kind,
                                             "" if r is None else r.text))
        return r
