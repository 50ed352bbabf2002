"""Calls actions of the emulator (moto's "models"): create, fetch, list, update, delete.

Source: ``twilio_api_v2010_recording_excerpt.json`` (CreateCall, FetchCall, ListCall,
UpdateCall, DeleteCall). The calls are those of the account's live simulation (created
over the API or by a loaded scenario): they are not kept across a restart or a reset,
unlike recordings. Update ``Status=completed`` hangs the call up (a call not answered yet
is canceled), ``Status=canceled`` cancels a queued or ringing call; ``Url`` / ``Twiml``
redirect a live call: its TwiML is requested at that simulated moment and runs instead
of the current document.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from urllib.parse import urlsplit

import simpy

from recsim.api.params import CallFilter, CreateCall, Page, PageRequest, UpdateCall, parse_model
from recsim.api.resources import CallMeta, call_json, call_status
from recsim.api.state import BackendState
from recsim.errors import InvalidRequestError, NotFoundError, RecsimError, TwimlError
from recsim.scenario import CallSpec
from recsim.sim.call import Call
from recsim.sim.call_flow import call_process
from recsim.sim.callbacks import API_VERSION
from recsim.sim.simulation import Simulation
from recsim.twiml import Document, Record, parse_twiml

__all__ = ["CallActions"]


class CallActions(BackendState):
    """The Calls actions of :class:`recsim.api.Backend`."""

    def create_call(self, account_sid: str, args: CreateCall) -> dict[str, Any]:
        """POST /Calls.json: start an outbound-api call (recorded with ``args.record``).

        Returns
        -------
        dict
            The Call resource, status ``queued``.

        Raises
        ------
        InvalidRequestError
            20001 for an inline Twiml that does not parse (checked here, so a bad
            document never stops the clock) or a field the call model refuses.
        NotFoundError
            20404 for an unknown account.
        """
        spec: dict[str, Any] = {"from": args.from_, "to": args.to, "direction": "outbound-api"}
        if args.twiml:
            _check_record_actions(self._parse(args.twiml, "Twiml"), redirect=False)
            spec["twiml"] = args.twiml
        else:
            spec["url"] = args.url
        if args.record is not None:
            spec["record"] = args.record
        call_spec = parse_model(CallSpec, spec)
        with self.lock:
            sim = self.sim(account_sid)
            call = sim.new_call(len(sim.calls), call_spec)
            meta = self.call_meta.setdefault(call.parent.sid, CallMeta(created=float(sim.env.now)))
            meta.process = sim.env.process(_cancellable(sim, call))
            return call_json(call, meta, account_sid=account_sid, epoch=sim.epoch, now=float(sim.env.now))

    def fetch_call(self, account_sid: str, call_sid: str) -> dict[str, Any]:
        """GET /Calls/{Sid}.json: the Call resource now.

        Raises
        ------
        NotFoundError
            20404: no such call in the account's simulation (or deleted).
        """
        with self.lock:
            sim = self.sim(account_sid)
            return self._json(account_sid, sim, self._call(account_sid, call_sid))

    def list_calls(self, account_sid: str, page: PageRequest, filters: CallFilter) -> Page:
        """GET /Calls.json: a page of the account's calls, newest first, filtered.

        Raises
        ------
        NotFoundError
            20404 for an unknown account.
        """
        with self.lock:
            sim = self.sim(account_sid)
            epoch = sim.epoch.timestamp()
            rows: list[tuple[float, dict[str, Any]]] = []
            for call in sim.calls:
                if call.parent.sid in self.deleted_calls:
                    continue
                meta = self._meta(call)
                body = self._json(account_sid, sim, call)
                start = epoch + meta.created + call.spec.start_s if body["start_time"] else None
                end = epoch + call.parent.ended_at if call.parent.ended_at is not None else None
                if filters.matches(body, start, end):
                    rows.append((meta.created, body))
            rows.sort(key=lambda r: (-r[0], r[1]["sid"]))
            items = [b for _, b in rows[page.offset:page.offset + page.page_size + 1]]
            return Page(items=items[:page.page_size], page=page.page, page_size=page.page_size,
                        has_next=len(items) > page.page_size)

    def update_call(self, account_sid: str, call_sid: str, args: UpdateCall) -> dict[str, Any]:
        """POST /Calls/{Sid}.json: hang up, cancel or redirect a call (see the module).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 unknown call; 21220 a redirect of a call that is not in progress;
            20001 an inline Twiml that does not parse, or a redirect during
            ``<Record>`` or a ``<Dial>`` to a number or client (not simulated yet).
        """
        with self.lock:
            sim = self.sim(account_sid)
            call = self._call(account_sid, call_sid)
            meta = self._meta(call)
            now = float(sim.env.now)
            status = call_status(call, meta, now)
            if args.url is not None or args.twiml is not None:
                if status != "in-progress":
                    raise InvalidRequestError(21220, f"Call {call_sid} is {status}, not in-progress; cannot "
                                                     "redirect it")
                self._redirect(sim, call, args)
            if args.status == "completed" and status == "in-progress":
                sim.hangup(call, call.parent)
            elif args.status is not None and status in ("queued", "ringing"):
                meta.canceled = True
                if meta.process is not None and meta.process.is_alive:
                    meta.process.interrupt("canceled")
            meta.updated = now
            _settle(sim)
            return self._json(account_sid, sim, call)

    def delete_call(self, account_sid: str, call_sid: str) -> None:
        """DELETE /Calls/{Sid}.json: forget an ended call (its recordings stay).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 unknown call; 20009 a call that has not ended.
        """
        with self.lock:
            call = self._call(account_sid, call_sid)
            if call.parent.ended_at is None:
                raise InvalidRequestError(20009, f"Call {call_sid} has not ended; only ended calls can be deleted")
            self.deleted_calls.add(call_sid)

    # ---------------------------------------------------------------- helpers
    def _meta(self, call: Call) -> CallMeta:
        """The emulator's record of ``call`` (created at time 0 when loaded by a scenario)."""
        return self.call_meta.setdefault(call.parent.sid, CallMeta())

    def _json(self, account_sid: str, sim: Simulation, call: Call) -> dict[str, Any]:
        return call_json(call, self._meta(call), account_sid=account_sid, epoch=sim.epoch, now=float(sim.env.now))

    def _parse(self, xml: str, url: str) -> Document:
        try:
            return parse_twiml(xml, url=url, max_call_duration=self.base.account.max_call_duration_s)
        except TwimlError as exc:
            raise InvalidRequestError(20001, f"Invalid parameter {exc}") from None

    def _redirect(self, sim: Simulation, call: Call, args: UpdateCall) -> None:
        """Run new TwiML in the live call now: the document at ``args.url`` (requested as
        the platform does, an event) or the inline ``args.twiml``."""
        if args.twiml is not None:
            doc = self._parse(args.twiml, "Twiml")
        else:
            assert args.url is not None
            doc = sim.fetch(call, args.url, args.method, sim.standard_params(call), reason="redirect")
        _check_record_actions(doc, redirect=True)
        if call.process is not None and call.process.is_alive:
            call.process.interrupt(doc)

    def _call(self, account_sid: str, call_sid: str) -> Call:
        """The live call ``call_sid`` of the account.

        Raises
        ------
        NotFoundError
            20404: no such call in the account's simulation, or deleted.
        """
        if call_sid not in self.deleted_calls:
            for c in self.sim(account_sid).calls:
                if c.parent.sid == call_sid:
                    return c
        raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/Calls/{call_sid}.json "
                            "was not found")


def _check_record_actions(doc: Document, *, redirect: bool) -> None:
    """001's two rules for the ``<Record>`` of a document given to the Calls API: "When
    modifying a live call to redirect to a <Record> verb an action URL must be provided.
    Failure to provide an action URL will result in an 11100 error", and "If you started
    or updated a call with a twiml parameter, the action URLs for <Record> ... must be
    absolute".

    Raises
    ------
    InvalidRequestError
        11100 (HTTP 400) naming the rule and the ``<Record>``.
    """
    for verb in doc.verbs:
        if not isinstance(verb, Record):
            continue
        if redirect and not verb.action:
            raise InvalidRequestError(11100, "Invalid URL: a live call redirected to a <Record> needs its action "
                                             "URL (001: 'an action URL must be provided')")
        if doc.url == "Twiml" and verb.action and urlsplit(verb.action).scheme not in ("http", "https"):
            raise InvalidRequestError(11100, f"Invalid URL format: <Record action={verb.action!r}> in a Twiml "
                                             "parameter must be an absolute URL (001)")


def _cancellable(sim: Simulation, call: Call) -> Generator[Any, Any, None]:
    """The call's process, which a cancel (an interrupt before the answer) ends at once:
    the leg ends unanswered (status canceled)."""
    try:
        yield from call_process(sim.context, sim.controls, call)
    except simpy.Interrupt:
        sim.end_leg(call, call.parent, float(sim.env.now))


def _settle(sim: Simulation) -> None:
    """Run the events due now, so a hangup or cancel shows in the answer."""
    env = sim.env
    while env.peek() <= env.now:
        try:
            env.step()
        except RecsimError:
            continue
