"""The emulator's backend: accounts, the live simulation, its clock, and the store.

No HTTP here (moto's "models"): the server parses requests and calls one method per
action; methods raise :class:`recsim.errors.ApiError` with Twilio's codes. One
:class:`~recsim.sim.Simulation` per account runs the calls created over the API; its
clock follows wall time at a chosen speed (``realtime``) or moves only when
:meth:`Backend.advance` is called (``manual``, for deterministic tests).

Identity (DESIGN.md, "Identity and outputs"): every account's simulation draws the SIDs
of its calls and conferences from the store (:meth:`recsim.store.Store.issue_sids`), so
no SID repeats across accounts, restarts or resets; the latest simulated time is kept in
the store, and a restarted or reset clock starts at or after it, so new recordings are
never dated before stored ones.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simpy
from pydantic import ValidationError
from simpy.core import URGENT

from recsim.api.media import MEDIA_TYPES, encode_media
from recsim.api.resources import recording_json
from recsim.configurations import ConfigurationBody, RecordingConfiguration
from recsim.errors import InvalidRequestError, NotFoundError, RecsimError, ScenarioError, TwimlError
from recsim.scenario import CallSpec, RestCreate, RestUpdate, Scenario
from recsim.sids import SidFactory
from recsim.sim.callbacks import API_VERSION, Event, rfc2822
from recsim.sim.recording import Recording
from recsim.sim.simulation import Simulation
from recsim.store import Store
from recsim.twiml import parse_twiml

__all__ = ["MAX_PAGE_SIZE", "MAX_UNIX_S", "Backend", "Page"]

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
#: The latest simulated time the clock may reach: 9999-12-31T23:59:59Z (unix seconds), the
#: last second a date (RFC 2822, Python datetime) can show.
MAX_UNIX_S = 253402300799.0
#: Wall seconds between two saves of the realtime clock in the store.
_CLOCK_SAVE_S = 1.0


@dataclass
class Page:
    """One page of a list: the items and the page numbers (0-based)."""

    items: list[dict[str, Any]]
    page: int
    page_size: int
    has_next: bool


def _form_error(err: ValidationError) -> InvalidRequestError:
    e = err.errors()[0]
    loc = ".".join(str(p) for p in e["loc"] if p not in ("create", "update"))
    return InvalidRequestError(20001, f"Invalid parameter {loc}: {e['msg']} (got {e.get('input')!r})")


class Backend:
    """State of the emulator.

    Parameters
    ----------
    store : Store
        Metadata and media.
    accounts : dict of str to str
        AccountSid -> AuthToken.
    scenario : Scenario, optional
        Parties (voices, answer delays), apps, account settings and configurations the
        live calls use; its calls are not started (use the control endpoint).
    clock : {"manual", "realtime"}
        How simulated time moves.
    speed : float
        Simulated seconds per wall second in realtime mode.
    on_event : callable, optional
        Receives ``(account_sid, Event)`` for each webhook to deliver.
    twiml_fetcher : callable, optional
        ``(account_sid, url, method, params) -> str | None``: fetch TwiML over HTTP.
    """

    def __init__(
        self,
        store: Store,
        accounts: dict[str, str],
        *,
        scenario: Scenario | None = None,
        clock: str = "manual",
        speed: float = 1.0,
        on_event: Callable[[str, Event], None] | None = None,
        twiml_fetcher: Callable[[str, str, str, dict[str, str]], str | None] | None = None,
    ) -> None:
        if clock not in ("manual", "realtime"):
            raise ValueError(f"clock: {clock!r} is not allowed; allowed: manual, realtime")
        self.store = store
        self.accounts = dict(accounts)
        self.base = scenario or Scenario()
        self.clock = clock
        self.speed = speed
        self.on_event = on_event
        self.twiml_fetcher = twiml_fetcher
        self.lock = threading.RLock()
        self.events: list[tuple[str, Event]] = []
        self._wall0 = time.monotonic()
        self._clock_saved = self._wall0
        self.sims: dict[str, Simulation] = {}
        self.reset()

    # ----------------------------------------------------------------- setup
    def _epoch(self) -> dt.datetime:
        """Simulated time 0 of a new simulation: the scenario's epoch (manual) or now
        (realtime), moved to the latest time stored if that is later (whole seconds)."""
        epoch = self.base.epoch if self.clock == "manual" else dt.datetime.now(dt.UTC).replace(microsecond=0)
        latest = self.store.latest_time()
        if latest is not None and latest > epoch.timestamp():
            epoch = dt.datetime.fromtimestamp(math.ceil(latest), dt.UTC)
        return epoch

    def _save_clock(self) -> None:
        """Keep the latest simulated time reached in the store."""
        if self.sims:
            self.store.record_clock(max(self.now(a) for a in self.sims))

    def _sid_issuer(self, account_sid: str) -> Callable[[str, int | str], SidFactory]:
        """The ``new_sids`` of an account's simulation: every call and conference gets a
        generator from the store, whatever its kind and key (DESIGN.md, Identity)."""

        def issue(kind: str, key: int | str) -> SidFactory:
            return self.store.issue_sids(account_sid)

        return issue

    def reset(self) -> None:
        """Forget live calls and start every account's simulation at time 0 (stored
        recordings and configurations are kept).

        Time 0 is at or after the latest simulated time the store has seen (this
        process's clock, or any stored recording's), so the clock never goes back; every
        simulation draws its SIDs from the store (:meth:`recsim.store.Store.issue_sids`).
        """
        with self.lock:
            self._save_clock()
            epoch = self._epoch()
            self.sims = {}
            for sid in self.accounts:
                sc = self.base.model_copy(update={
                    "account": self.base.account.model_copy(update={"sid": sid}), "calls": [], "epoch": epoch})
                sim = Simulation(sc, sink=_Forward(self, sid))
                sim.new_sids = self._sid_issuer(sid)
                sim.on_complete = lambda rec, a=sid: self._completed(a, rec)
                sim.on_update = lambda rec, a=sid: self._save(a, rec)
                if self.twiml_fetcher is not None:
                    fetch = self.twiml_fetcher
                    sim.twiml_fetcher = lambda url, method, params, a=sid, f=fetch: f(a, url, method, params)
                for cfg in self.store.configurations(sid):
                    body = {k: cfg[k] for k in ("unique_name", "description", "configuration")}
                    if cfg["id"] not in {c.id for c in sim.configurations.list()}:
                        sim.configurations.create(body, id=cfg["id"])
                self.sims[sid] = sim
            self._wall0 = time.monotonic()
            self._save_clock()

    def load(self, scenario: Scenario) -> int:
        """Use ``scenario`` (parties, apps, settings, configurations) and start its calls
        in every account's simulation from time 0; returns the number of calls started.

        Raises
        ------
        ScenarioError
            A call's inline TwiML is invalid (checked before anything changes).
        """
        for i, spec in enumerate(scenario.calls):
            if spec.twiml is not None:
                try:
                    parse_twiml(spec.twiml, url=f"calls[{i}].twiml",
                                max_call_duration=scenario.account.max_call_duration_s)
                except TwimlError as exc:
                    raise ScenarioError(f"{scenario.source}: {exc}") from None
        with self.lock:
            self.base = scenario
            self.reset()
            for sim in self.sims.values():
                for i, spec in enumerate(scenario.calls):
                    sim.add_call(spec.index if spec.index is not None else i, spec)
            return len(scenario.calls)

    def sim(self, account_sid: str) -> Simulation:
        """The simulation of an account.

        Raises
        ------
        NotFoundError
            Unknown account.
        """
        if account_sid not in self.sims:
            raise NotFoundError(f"The requested resource /Accounts/{account_sid} was not found")
        return self.sims[account_sid]

    def now(self, account_sid: str) -> float:
        """Unix time of the account's simulated now."""
        sim = self.sim(account_sid)
        return sim.epoch.timestamp() + float(sim.env.now)

    # ----------------------------------------------------------------- clock
    def advance(self, seconds: float) -> float:
        """Move every simulation ``seconds`` forward (manual clock).

        Parameters
        ----------
        seconds : float
            Simulated seconds, finite, >= 0, and not past 9999-12-31T23:59:59Z
            (:data:`MAX_UNIX_S`) for any account.

        Returns
        -------
        float
            The new simulated time, seconds since the simulations' epoch.

        Raises
        ------
        InvalidRequestError
            20001 for a value that is not a finite number from 0 to the seconds left
            before the end of representable dates; nothing moves.
        RecsimError
            The first error of a call flow that could not go on (for example a
            ``<Dial>`` to an unknown party): that call stopped, the others went on, and
            the clock still reached the target.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidRequestError(20001, f"seconds: {seconds!r} is not allowed; allowed: a number of seconds")
        seconds = float(seconds)
        with self.lock:
            latest = max((self.now(a) for a in self.sims), default=self._epoch().timestamp())
            left = max(MAX_UNIX_S - latest, 0.0)
            if not math.isfinite(seconds) or not 0 <= seconds <= left:
                raise InvalidRequestError(
                    20001, f"seconds: {seconds!r} is not allowed; allowed: a finite number from 0 to {left:.0f} "
                           "(the simulated clock cannot pass 9999-12-31T23:59:59Z)")
            failures: list[RecsimError] = []
            for sim in self.sims.values():
                failures += _run(sim, float(sim.env.now) + seconds)
            self._save_clock()
            if failures:
                raise failures[0]
            return max((float(s.env.now) for s in self.sims.values()), default=0.0)

    def tick(self) -> None:
        """Realtime clock: catch the simulations up with wall time x speed (never past
        :data:`MAX_UNIX_S`); the time reached is saved in the store about once a second."""
        if self.clock != "realtime":
            return
        wall = time.monotonic()
        target = (wall - self._wall0) * self.speed
        with self.lock:
            failures: list[RecsimError] = []
            for sim in self.sims.values():
                failures += _run(sim, min(target, MAX_UNIX_S - sim.epoch.timestamp()))
            if wall - self._clock_saved >= _CLOCK_SAVE_S:
                self._clock_saved = wall
                self._save_clock()
            if failures:
                raise failures[0]

    # ----------------------------------------------------------- persistence
    def _resource(self, account_sid: str, rec: Recording) -> dict[str, Any]:
        sim = self.sim(account_sid)
        return recording_json(rec, account_sid=account_sid, epoch=sim.epoch)

    def _save(self, account_sid: str, rec: Recording) -> None:
        sim = self.sim(account_sid)
        self.store.save(self._resource(account_sid, rec), sim.epoch.timestamp() + rec.start)
        self.store.record_clock(self.now(account_sid))

    def _completed(self, account_sid: str, rec: Recording) -> None:
        a = rec.assembly
        if rec.status == "completed" and a is not None:
            self.store.save_media(rec.sid, a.samples, a.stored, account_sid=account_sid)
        self._save(account_sid, rec)
        if a is not None:  # media is on disk now: keep memory bounded
            a.drop()

    # ----------------------------------------------------------------- calls
    def create_call(self, account_sid: str, form: dict[str, Any]) -> dict[str, Any]:
        """POST /Calls.json: To, From, Url or Twiml, Record and the recording parameters.

        Raises
        ------
        InvalidRequestError
            21201 no To, 21213 no From, 21205 bad or missing Url, 20001 invalid Twiml
            (checked here, so a bad document never stops the clock) or other fields.
        """
        to, from_ = form.get("To"), form.get("From")
        if not to:
            raise InvalidRequestError(21201, "No 'To' number is specified")
        if not from_:
            raise InvalidRequestError(21213, "No 'From' number is specified")
        url, twiml = form.get("Url"), form.get("Twiml")
        if not twiml and (not url or not str(url).startswith(("http://", "https://"))):
            raise InvalidRequestError(21205, f"Url is not a valid URL: {url!r}")
        spec: dict[str, Any] = {"from": from_, "to": to, "direction": "outbound-api"}
        if twiml:
            try:
                parse_twiml(str(twiml), url="Twiml", max_call_duration=self.base.account.max_call_duration_s)
            except TwimlError as exc:
                raise InvalidRequestError(20001, f"Invalid parameter {exc}") from None
            spec["twiml"] = twiml
        else:
            spec["url"] = url
        if str(form.get("Record", "false")).lower() == "true":
            rec = {k: v for k, v in form.items() if k.startswith(("Recording", "Trim"))}
            spec["record"] = {"Record": True, **rec}
        try:
            call_spec = CallSpec.model_validate(spec)
        except ValidationError as err:
            raise _form_error(err) from None
        with self.lock:
            sim = self.sim(account_sid)
            call = sim.add_call(len(sim.calls), call_spec)
            return self._call_json(account_sid, call.parent.sid, "queued", to, from_)

    def _call_json(self, account_sid: str, sid: str, status: str, to: str, from_: str) -> dict[str, Any]:
        sim = self.sim(account_sid)
        uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json"
        return {"sid": sid, "account_sid": account_sid, "to": to, "from": from_, "status": status,
                "direction": "outbound-api", "api_version": API_VERSION,
                "date_created": rfc2822(sim.epoch, float(sim.env.now)),
                "date_updated": rfc2822(sim.epoch, float(sim.env.now)), "uri": uri,
                "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")}}

    def _call(self, account_sid: str, call_sid: str) -> Any:
        for c in self.sim(account_sid).calls:
            if c.parent.sid == call_sid:
                return c
        raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/Calls/{call_sid}.json "
                            "was not found")

    # ------------------------------------------------------------ recordings
    def create_recording(self, account_sid: str, call_sid: str, form: dict[str, Any]) -> dict[str, Any]:
        """POST /Calls/{CallSid}/Recordings.json (002 create).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 unknown call; 21220 call not in progress; 20001 bad parameters.
        """
        try:
            req = RestCreate.model_validate({"action": "create", **form})
        except ValidationError as err:
            raise _form_error(err) from None
        with self.lock:
            call = self._call(account_sid, call_sid)
            rec = self.sim(account_sid).rest_create(call, req)
            body = self._resource(account_sid, rec)
            body["status"] = "in-progress"
            return body

    def update_recording(self, account_sid: str, owner: str, owner_sid: str, ref: str,
                         form: dict[str, Any]) -> dict[str, Any]:
        """POST /Calls/{CallSid}/Recordings/{Sid}.json or /Conferences/{ConferenceSid}/...

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404, 16108, 16114, 21220, 20001.
        """
        try:
            req = RestUpdate.model_validate({"action": "update", "recording": ref, **form})
        except ValidationError as err:
            raise _form_error(err) from None
        with self.lock:
            sim = self.sim(account_sid)
            if owner == "Conferences":
                conf = next((c for c in sim.conferences.values() if c.sid == owner_sid), None)
                if conf is None:
                    raise NotFoundError(f"Conference {owner_sid} was not found")
                rec = sim.conference_update(req.model_copy(update={"conference": conf.name}))
            else:
                rec = sim.rest_update(self._call(account_sid, owner_sid), req)
            body = self._resource(account_sid, rec)
            body["status"] = "stopped" if req.Status == "stopped" else rec.status
            return body

    def fetch_recording(self, account_sid: str, sid: str, *, include_deleted: bool = True,
                        parent: tuple[str, str] | None = None) -> dict[str, Any]:
        """GET /Recordings/{Sid}.json, or under its parent: /Calls/{CallSid}/Recordings/{Sid}.json
        or /Conferences/{ConferenceSid}/Recordings/{Sid}.json (002).

        Parameters
        ----------
        account_sid, sid : str
            The account and the RE sid.
        include_deleted : bool
            Also a deleted recording (within the 40 days its metadata is kept).
        parent : (str, str), optional
            ``(owner, owner_sid)`` of a parent path: owner ``Calls`` or ``Conferences``;
            the recording must be that call's (``call_sid``) or conference's
            (``conference_sid``).

        Raises
        ------
        NotFoundError
            20404: unknown, another account's, deleted (unless ``include_deleted``), or
            not a recording of ``parent``.
        """
        row = self.store.get(account_sid, sid, now=self.now(account_sid), include_deleted=include_deleted)
        owner_path = f"{parent[0]}/{parent[1]}/" if parent is not None else ""
        if row is None or (parent is not None and not _belongs(row.resource, *parent)):
            raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/{owner_path}"
                                f"Recordings/{sid}.json was not found")
        return row.resource

    def list_recordings(self, account_sid: str, *, page: int, page_size: int, **filters: Any) -> Page:
        """A page of recordings, newest first.

        Raises
        ------
        InvalidRequestError
            20007 for a page size outside 1..1000.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidRequestError(20007, f"PageSize {page_size} is not allowed; allowed: 1 to {MAX_PAGE_SIZE}")
        if not 0 <= page <= 10**9:
            raise InvalidRequestError(20001, f"Page {page} is not allowed; expected 0 to 1000000000")
        items = self.store.query(account_sid, now=self.now(account_sid), limit=page_size + 1,
                                 offset=page * page_size, **filters)
        return Page(items=items[:page_size], page=page, page_size=page_size, has_next=len(items) > page_size)

    def delete_recording(self, account_sid: str, sid: str, *, parent: tuple[str, str] | None = None) -> None:
        """DELETE /Recordings/{Sid}.json (or under its parent, see :meth:`fetch_recording`):
        only completed recordings; status deleted, metadata kept 40 days, media gone at once.

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 (also when not a recording of ``parent``); 20009 when not completed.
        """
        with self.lock:
            resource = self.fetch_recording(account_sid, sid, include_deleted=False, parent=parent)
            if resource["status"] != "completed":
                raise InvalidRequestError(20009, f"Recording {sid} is {resource['status']}; only completed "
                                                 "recordings can be deleted")
            self.store.mark_deleted(account_sid, sid, dict(resource, status="deleted"), self.now(account_sid))

    def media(self, account_sid: str, sid: str, fmt: str, requested_channels: int | None, *,
              parent: tuple[str, str] | None = None) -> tuple[bytes, str]:
        """Media bytes and their type (or under its parent, see :meth:`fetch_recording`).

        Raises
        ------
        NotFoundError
            20404 (not completed, deleted, unknown, or not a recording of ``parent``);
            16113 (two channels of a one-channel recording).
        """
        resource = self.fetch_recording(account_sid, sid, include_deleted=False, parent=parent)
        stored = self.store.load_media(sid) if resource["status"] == "completed" else None
        if stored is None:
            raise NotFoundError(f"The media of Recording {sid} is not available (status {resource['status']})")
        return encode_media(stored[0], stored[1], sid=sid, fmt=fmt, requested_channels=requested_channels), \
            MEDIA_TYPES[fmt]

    def list_transcriptions(self, account_sid: str, recording_sid: str) -> list[dict[str, Any]]:
        """Transcriptions of a recording (in memory: not kept across a restart).

        Raises
        ------
        NotFoundError
            20404 for an unknown recording.
        """
        self.fetch_recording(account_sid, recording_sid)
        sim = self.sim(account_sid)
        return [t.to_json(sim) for t in sim.transcriptions.values() if t.recording.sid == recording_sid]

    # -------------------------------------------------------- configurations
    def configuration_op(self, account_sid: str, op: str, ref: str | None = None,
                         body: Any = None) -> RecordingConfiguration | list[RecordingConfiguration] | None:
        """create / retrieve / list / update / delete a Recording Configuration (004).

        Raises
        ------
        NotFoundError, InvalidRequestError
        """
        with self.lock:
            store = self.sim(account_sid).configurations
            if op == "list":
                return store.list()
            if op == "create":
                item = store.create(body)
            elif op == "update":
                assert ref is not None
                item = store.update(ref, body)
            elif op == "delete":
                assert ref is not None
                item = store.retrieve(ref)
                store.delete(ref)
                self.store.delete_configuration(item.id)
                return None
            else:
                assert ref is not None
                return store.retrieve(ref)
            self.store.save_configuration(account_sid, item.to_json())
            return item

    @staticmethod
    def validate_configuration(body: Any) -> ConfigurationBody:
        """Validate a v2 body (used by the fuzz tests)."""
        return ConfigurationBody.model_validate(body)


def _run(sim: Simulation, target: float) -> list[RecsimError]:
    """Run ``sim`` to simulated time ``target`` (as ``env.run(until=target)``: events at
    exactly ``target`` wait for the next run) even when a call's flow fails on the way (a
    :class:`~recsim.errors.SimulationError`, for example a TwiML loop): that call stops,
    the others go on, and the clock still reaches ``target`` with no stale stop event
    left to halt a later run. Returns the errors met."""
    failures: list[RecsimError] = []
    env = sim.env
    if not target > env.now:
        return failures
    stop = simpy.Event(env)  # what Environment.run(until=number) schedules, without its StopSimulation
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, target - float(env.now))
    while stop.callbacks is not None:
        try:
            env.step()
        except RecsimError as exc:
            failures.append(exc)
    return failures


def _belongs(resource: dict[str, Any], owner: str, owner_sid: str) -> bool:
    """Whether a stored recording is one of ``owner`` (Calls or Conferences) ``owner_sid``."""
    if owner == "Calls":
        return bool(resource.get("call_sid")) and resource.get("call_sid") == owner_sid
    if owner == "Conferences":
        return bool(resource.get("conference_sid")) and resource.get("conference_sid") == owner_sid
    return False


class _Forward:
    """Event sink of one account's simulation: keep, and hand to the webhook sender."""

    def __init__(self, backend: Backend, account_sid: str) -> None:
        self.backend = backend
        self.account_sid = account_sid

    def emit(self, event: Event) -> None:
        self.backend.events.append((self.account_sid, event))
        # TwiML requests are made synchronously by the fetcher; callbacks go out queued
        if (self.backend.on_event is not None and event.url and event.url.startswith(("http://", "https://"))
                and event.kind in ("recording-status-callback", "transcribe-callback")):
            self.backend.on_event(self.account_sid, event)
