"""The JSON shape of each resource the emulator serves, one place per resource.

Recording (spec 002): :func:`recsim.outputs.recording_json`, the one shape runs,
batches and the emulator share; :func:`nested_recording` adapts it to a request on
``/Calls/{CallSid}/Recordings`` or ``/Conferences/{ConferenceSid}/Recordings`` (the
excerpt's ``call_recording`` / ``conference_recording`` schemas). Call: :func:`call_json`.
Transcriptions and Recording Configurations render themselves
(:func:`recsim.outputs.transcription_json`, ``to_json``).

Source: ``twilio_api_v2010_recording_excerpt.json`` (components/schemas
``api.v2010.account.call``, ``api.v2010.account.call.call_recording``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from recsim.sim.call import Call
from recsim.sim.callbacks import API_VERSION, rfc2822

__all__ = ["CallMeta", "call_json", "call_status", "nested_recording", "recording_view"]

#: Fields of the account-level Recording that the nested (call / conference) ones lack.
_ACCOUNT_ONLY = ("subresource_uris", "media_url")
#: Statuses of a recording that is not finished: duration and price unknown yet.
_LIVE = ("in-progress", "paused", "stopped", "processing")


@dataclass
class CallMeta:
    """What the emulator keeps of a call beyond the simulation's state.

    Attributes
    ----------
    created : float
        Simulated seconds of its creation (``date_created``).
    canceled : bool
        Hung up by ``Status=canceled`` / ``completed`` before it was answered.
    updated : float
        Simulated seconds of the last API update.
    process : simpy.Process or None
        The process of a call created over the API (interrupted to cancel it).
    """

    created: float = 0.0
    canceled: bool = False
    updated: float = 0.0
    process: Any = None


def call_status(call: Call, meta: CallMeta, now: float) -> str:
    """The Call status (``call_enum_status``) of ``call`` at simulated time ``now`` (s):
    queued before its start, ringing until answered, in-progress, then completed (answered)
    or canceled (hung up before an answer by the API) or no-answer."""
    leg = call.parent
    if leg.ended_at is not None:
        if leg.answered_at is not None:
            return "completed"
        return "canceled" if meta.canceled else "no-answer"
    if leg.answered_at is not None:
        return "in-progress"
    return "ringing" if now > meta.created + call.spec.start_s else "queued"


def call_json(call: Call, meta: CallMeta, *, account_sid: str, epoch: dt.datetime, now: float) -> dict[str, Any]:
    """Render a call as the Call resource JSON (Calls create / fetch / list / update).

    Parameters
    ----------
    call : Call
        A call of the account's simulation (its parent leg).
    meta : CallMeta
        Creation time and API cancel of the call.
    account_sid : str
        AC sid of the account.
    epoch : datetime
        Wall-clock time of simulated time 0.
    now : float
        Simulated seconds now (the status of a call not started yet is queued).

    Returns
    -------
    dict
        The fields of ``api.v2010.account.call``: ``duration`` whole seconds from answer
        to end (null unless answered and ended), ``start_time`` when it started ringing,
        ``price`` null (no pricing model), ``price_unit`` USD.
    """
    leg = call.parent
    status = call_status(call, meta, now)
    started = meta.created + call.spec.start_s
    start_time = rfc2822(epoch, started) if status != "queued" else None
    duration = None
    if leg.answered_at is not None and leg.ended_at is not None:
        duration = str(round(leg.ended_at - leg.answered_at))
    updated = max(t for t in (meta.created, meta.updated, leg.answered_at or 0.0, leg.ended_at or 0.0) if t <= now)
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{leg.sid}.json"
    return {
        "sid": leg.sid, "date_created": rfc2822(epoch, meta.created), "date_updated": rfc2822(epoch, updated),
        "parent_call_sid": None, "account_sid": account_sid, "to": leg.to, "to_formatted": leg.to,
        "from": leg.from_, "from_formatted": leg.from_, "phone_number_sid": None, "status": status,
        "start_time": start_time, "end_time": rfc2822(epoch, leg.ended_at) if leg.ended_at is not None else None,
        "duration": duration, "price": None, "price_unit": "USD", "direction": leg.direction,
        "answered_by": None, "api_version": API_VERSION, "forwarded_from": None, "group_sid": None,
        "caller_name": None, "queue_time": "0", "trunk_sid": None, "uri": uri,
        "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")},
    }


def recording_view(resource: dict[str, Any]) -> dict[str, Any]:
    """The Recording resource as a response shows it: while the recording is not
    finished (in-progress, paused, stopped, processing) ``duration``, ``price`` and
    ``price_unit`` are null, as the excerpt's create / update examples show."""
    if resource.get("status") in _LIVE:
        return dict(resource, duration=None, price=None, price_unit=None)
    return resource


def nested_recording(resource: dict[str, Any], owner_path: str) -> dict[str, Any]:
    """A Recording resource as answered on a nested path (the excerpt's
    ``call_recording`` / ``conference_recording``).

    Parameters
    ----------
    resource : dict
        The account-level Recording resource (002).
    owner_path : str
        ``Calls/CA.../`` or ``Conferences/CF.../``.

    Returns
    -------
    dict
        ``uri`` under the nested path, ``track`` (inbound, outbound, both: the
        ``recsim_track`` extension) added for a call recording, in-progress fields as
        :func:`recording_view`; without ``subresource_uris`` and ``media_url``, which
        the nested schemas do not have.
    """
    out = {k: v for k, v in recording_view(resource).items() if k not in _ACCOUNT_ONLY}
    out["uri"] = f"/{API_VERSION}/Accounts/{resource['account_sid']}/{owner_path}Recordings/{resource['sid']}.json"
    if owner_path.startswith("Calls/"):
        out["track"] = resource.get("recsim_track")
    return out
