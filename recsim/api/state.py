"""The emulator's state: accounts, one live simulation per account, the store.

No HTTP here (moto's "models"). :class:`BackendState` is the base of
:class:`recsim.api.Backend`; the actions (calls, recordings, configurations, clock) are
in their own modules and share this state. One :class:`~recsim.sim.Simulation` per
account runs the calls created over the API.

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
from typing import Any

from recsim.api.resources import CallMeta
from recsim.errors import NotFoundError, ScenarioError, TwimlError
from recsim.outputs import encode, recording_json, recording_outputs, transcription_json
from recsim.rest_steps import simulation
from recsim.scenario import Scenario
from recsim.sids import SidFactory
from recsim.sim.callbacks import Event
from recsim.sim.recording import Recording
from recsim.sim.simulation import Simulation
from recsim.store import Store
from recsim.twiml import parse_twiml

__all__ = ["CLOCKS", "BackendState"]

#: How simulated time moves: only when asked (``manual``) or with wall time (``realtime``).
CLOCKS = ("manual", "realtime")

OnEvent = Callable[[str, Event], None]
TwimlFetcher = Callable[[str, str, str, dict[str, str]], str | None]
OnRecording = Callable[[str, dict[str, Any]], None]


class BackendState:
    """State of the emulator (see :class:`recsim.api.Backend` for the parameters).

    Raises
    ------
    ValueError
        ``clock`` is not ``manual`` or ``realtime``.
    """

    def __init__(self, store: Store, accounts: dict[str, str], *, scenario: Scenario | None = None,
                 clock: str = "manual", speed: float = 1.0, on_event: OnEvent | None = None,
                 twiml_fetcher: TwimlFetcher | None = None, on_recording: OnRecording | None = None) -> None:
        if clock not in CLOCKS:
            raise ValueError(f"clock: {clock!r} is not allowed; allowed: manual, realtime")
        self.store = store
        self.accounts = dict(accounts)
        self.base = scenario or Scenario()
        self.clock = clock
        self.speed = speed
        self.on_event = on_event
        self.twiml_fetcher = twiml_fetcher
        self.on_recording = on_recording
        self.lock = threading.RLock()
        self.events: list[tuple[str, Event]] = []
        self._wall0 = time.monotonic()
        self._clock_saved = self._wall0
        self.sims: dict[str, Simulation] = {}
        #: Per CallSid: creation time, cancel, process (:class:`recsim.api.resources.CallMeta`).
        self.call_meta: dict[str, CallMeta] = {}
        #: CallSids deleted over the API (no longer fetched or listed).
        self.deleted_calls: set[str] = set()
        self._saved_transcriptions: dict[str, tuple[str, float, str]] = {}
        self._deleted_transcriptions: set[str] = set()
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

    def _new_sim(self, account_sid: str, epoch: dt.datetime) -> Simulation:
        """An account's simulation at time 0 = ``epoch``: the base scenario without its
        calls, SIDs from the store, rows and media saved as recordings change, and the
        stored configurations."""
        sc = self.base.model_copy(update={
            "account": self.base.account.model_copy(update={"sid": account_sid}), "calls": [], "epoch": epoch})
        sim = simulation(sc, sink=_Forward(self, account_sid))  # timed REST steps answer as the API does
        sim.new_sids = self._sid_issuer(account_sid)
        sim.on_complete = lambda rec: self._completed(account_sid, rec)
        sim.on_update = lambda rec: self._save(account_sid, rec)
        fetch = self.twiml_fetcher
        if fetch is not None:
            sim.twiml_fetcher = lambda url, method, params: fetch(account_sid, url, method, params)
        known = {c.id for c in sim.configurations.list()}
        for cfg in self.store.configurations(account_sid):
            if cfg["id"] not in known:
                sim.configurations.create({k: cfg[k] for k in ("unique_name", "description", "configuration")},
                                          id=cfg["id"])
        return sim

    def reset(self) -> None:
        """Forget live calls and start every account's simulation at time 0 (stored
        recordings and configurations are kept).

        Time 0 is at or after the latest simulated time the store has seen (this
        process's clock, or any stored recording's), so the clock never goes back; every
        simulation draws its SIDs from the store (:meth:`recsim.store.Store.issue_sids`).
        """
        with self.lock:
            self._save_clock()
            self.sync_transcriptions()
            epoch = self._epoch()
            self.sims = {}
            for sid in self.accounts:
                self.sims[sid] = self._new_sim(sid, epoch)
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
                for index, spec in scenario.indexed_calls():
                    sim.add_call(index, spec)
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
        """Unix time (s) of the account's simulated now."""
        sim = self.sim(account_sid)
        return sim.epoch.timestamp() + float(sim.env.now)

    # ----------------------------------------------------------- persistence
    def _resource(self, account_sid: str, rec: Recording) -> dict[str, Any]:
        """The Recording resource (002) of ``rec``, as fetched and stored."""
        return recording_json(rec, account_sid=account_sid, epoch=self.sim(account_sid).epoch)

    def _save(self, account_sid: str, rec: Recording, resource: dict[str, Any] | None = None) -> None:
        """Keep the row of ``rec`` (its resource, or ``resource``) and the clock."""
        sim = self.sim(account_sid)
        self.store.save(resource or self._resource(account_sid, rec), sim.epoch.timestamp() + rec.start)
        self.store.record_clock(self.now(account_sid))

    def sync_transcriptions(self) -> int:
        """Save every transcription created or changed since the last call in the store.

        Returns
        -------
        int
            The number of rows written.
        """
        written = 0
        with self.lock:
            for account_sid, sim in self.sims.items():
                for tr in sim.transcriptions.values():
                    state = (tr.status, tr.updated, tr.text)
                    if self._saved_transcriptions.get(tr.sid) == state:
                        continue
                    if tr.sid in self._deleted_transcriptions:
                        continue
                    resource = transcription_json(tr, account_sid=account_sid, epoch=sim.epoch)
                    self.store.save_transcription(resource, sim.epoch.timestamp() + tr.created)
                    self._saved_transcriptions[tr.sid] = state
                    written += 1
        return written

    def _completed(self, account_sid: str, rec: Recording) -> None:
        """A finished recording (completed or absent): its row and WAV file
        (:func:`recsim.outputs.recording_outputs`, the one per-recording output of runs,
        batches and the emulator), and the dual original of a mono call recording."""
        a = rec.assembly
        row, media = recording_outputs(self.sim(account_sid), rec, ("wav",), words=True)
        if "wav" in media and a is not None:
            dual = encode(a.stored, "wav") if a.stored is not None else None
            self.store.write_media(rec.sid, media["wav"], dual, account_sid=account_sid)
        self._save(account_sid, rec, row["resource"])
        if self.on_recording is not None:
            self.on_recording(account_sid, row)
        if a is not None:  # media is on disk now: keep memory bounded
            a.drop()


class _Forward:
    """Event sink of one account's simulation: keep, and hand to the webhook sender."""

    def __init__(self, backend: BackendState, account_sid: str) -> None:
        self.backend = backend
        self.account_sid = account_sid

    def emit(self, event: Event) -> None:
        self.backend.events.append((self.account_sid, event))
        # TwiML requests are made synchronously by the fetcher; callbacks go out queued
        if (self.backend.on_event is not None and event.url and event.url.startswith(("http://", "https://"))
                and event.kind in ("recording-status-callback", "transcribe-callback")):
            self.backend.on_event(self.account_sid, event)
