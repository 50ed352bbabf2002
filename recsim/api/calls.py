"""Calls actions of the emulator (moto's "models"): create an outbound-api call.

Issue 17 adds fetch, list, update (Status completed / canceled, Url / Twiml redirect)
and delete here.
"""

from __future__ import annotations

from typing import Any

from recsim.api.params import CreateCall, parse_model
from recsim.api.resources import call_json
from recsim.api.state import BackendState
from recsim.errors import InvalidRequestError, NotFoundError, TwimlError
from recsim.scenario import CallSpec
from recsim.sim.call import Call
from recsim.sim.callbacks import API_VERSION
from recsim.twiml import parse_twiml

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
            try:
                parse_twiml(args.twiml, url="Twiml", max_call_duration=self.base.account.max_call_duration_s)
            except TwimlError as exc:
                raise InvalidRequestError(20001, f"Invalid parameter {exc}") from None
            spec["twiml"] = args.twiml
        else:
            spec["url"] = args.url
        if args.record is not None:
            spec["record"] = args.record
        call_spec = parse_model(CallSpec, spec)
        with self.lock:
            sim = self.sim(account_sid)
            call = sim.add_call(len(sim.calls), call_spec)
            return call_json(account_sid=account_sid, sid=call.parent.sid, status="queued", to=args.to,
                             from_=args.from_, epoch=sim.epoch, now=float(sim.env.now))

    def _call(self, account_sid: str, call_sid: str) -> Call:
        """The live call ``call_sid`` of the account.

        Raises
        ------
        NotFoundError
            20404: no such call in the account's simulation.
        """
        for c in self.sim(account_sid).calls:
            if c.parent.sid == call_sid:
                return c
        raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/Calls/{call_sid}.json "
                            "was not found")
