"""Request parsing (moto's "responses", first half): form bodies, JSON bodies and query
strings into the typed arguments of :mod:`recsim.api.params`.

Twilio's wire format: form-encoded bodies with the parameter names of the spec
(``RecordingChannels``, ``RecordingStatusCallbackEvent`` ...; a repeated field is a list),
query parameters for lists and media. Every malformed value is a 400 with code 20001
(or the code of the spec), never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from fastapi import Request

from recsim.api.params import (
    DEFAULT_PAGE_SIZE,
    CreateCall,
    MediaRequest,
    PageRequest,
    RecordingFilter,
    parse_model,
)
from recsim.errors import InvalidRequestError, short_repr
from recsim.scenario import OutboundRecording, RestCreate, RestUpdate
from recsim.values import callback_events

__all__ = [
    "clock_seconds",
    "create_call_args",
    "create_recording_args",
    "int_param",
    "media_request",
    "page_request",
    "read_form",
    "read_json",
    "recording_filter",
    "split_ext",
    "update_recording_args",
]

Form = dict[str, str | list[str]]
#: The extensions a resource name may end with; media ones default to ``wav``.
EXTENSIONS = (".json", ".xml", ".wav", ".mp3")
_EVENTS = "RecordingStatusCallbackEvent"


async def read_form(request: Request) -> Form:
    """The form fields of ``request``; repeated fields (RecordingStatusCallbackEvent)
    become lists.

    Raises
    ------
    InvalidRequestError
        20001: a body that cannot be parsed, or a field that is not text.
    """
    try:
        form = await request.form()
    except Exception as exc:  # malformed multipart or encoding
        raise InvalidRequestError(20001, f"The request body could not be parsed: {exc}") from None
    out: Form = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        if not values:
            raise InvalidRequestError(20001, f"Parameter {key} must be a text value")
        out[key] = values if len(values) > 1 else values[0]
    return out


async def read_json(request: Request) -> Any:
    """The JSON body of ``request``.

    Raises
    ------
    InvalidRequestError
        20001: not JSON.
    """
    try:
        return await request.json()
    except ValueError:
        raise InvalidRequestError(20001, "The request body must be JSON") from None


def split_ext(name: str) -> tuple[str, str]:
    """``"RE123.json"`` -> ``("RE123", "json")``; no known extension -> ``(name, "")``."""
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)], ext[1:]
    return name, ""


def int_param(query: Mapping[str, str], name: str, default: int | None) -> int | None:
    """An integer query parameter, ``default`` when absent or empty.

    Raises
    ------
    InvalidRequestError
        20001: not an integer.
    """
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequestError(20001, f"{name}={raw!r} is not an integer") from None


def _date(value: str, param: str) -> tuple[float, float]:
    """A date or a date-time -> [start, end) unix seconds (a day, or one second)."""
    try:
        if len(value) == 10:
            d = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return d.timestamp(), d.timestamp() + 86400
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        return t.timestamp(), t.timestamp() + 1
    except ValueError:
        raise InvalidRequestError(20001, f"{param}={value!r} is not a date (YYYY-MM-DD) or date-time "
                                         "(YYYY-MM-DDTHH:MM:SSZ)") from None


def recording_filter(query: Mapping[str, str], *, call_sid: str | None = None,
                     conference_sid: str | None = None) -> RecordingFilter:
    """The filters of the recordings list (002): ``CallSid``, ``ConferenceSid``,
    ``DateCreated`` (a day or a second), ``DateCreated<``, ``DateCreated>``,
    ``IncludeSoftDeleted``; ``call_sid`` / ``conference_sid`` of a nested path win.

    Raises
    ------
    InvalidRequestError
        20001: a date that does not parse, IncludeSoftDeleted not true or false.
    """
    lo: float | None = None
    hi: float | None = None
    if query.get("DateCreated"):
        lo, hi = _date(query["DateCreated"], "DateCreated")
    if query.get("DateCreated<"):
        hi = _date(query["DateCreated<"], "DateCreated<")[1]
    if query.get("DateCreated>"):
        lo = _date(query["DateCreated>"], "DateCreated>")[0]
    soft = query.get("IncludeSoftDeleted", "false").lower()
    if soft not in ("true", "false"):
        raise InvalidRequestError(20001, f"IncludeSoftDeleted={soft!r} is not allowed; allowed: true, false")
    return RecordingFilter(call_sid=call_sid or query.get("CallSid") or None,
                           conference_sid=conference_sid or query.get("ConferenceSid") or None,
                           created_from=lo, created_to=hi, include_deleted=soft == "true")


def page_request(query: Mapping[str, str]) -> PageRequest:
    """``Page`` and ``PageSize`` of a list.

    Raises
    ------
    InvalidRequestError
        20001 not integers, or a page out of range; 20007 a page size out of range.
    """
    size = int_param(query, "PageSize", DEFAULT_PAGE_SIZE)
    page = int_param(query, "Page", 0)
    assert size is not None and page is not None
    return PageRequest(page=page, page_size=size)


def media_request(ext: str, query: Mapping[str, str]) -> MediaRequest:
    """The format (the extension, ``wav`` when none) and ``RequestedChannels``.

    Raises
    ------
    InvalidRequestError
        20001: not allowed values.
    """
    return MediaRequest(ext or "wav", int_param(query, "RequestedChannels", None))


def _events(form: Form) -> Form:
    """The form with RecordingStatusCallbackEvent parsed (:func:`recsim.values.callback_events`)."""
    if _EVENTS not in form:
        return form
    return {**form, _EVENTS: list(callback_events(form[_EVENTS], field=_EVENTS))}


def create_call_args(form: Form) -> CreateCall:
    """POST /Calls.json: To, From, Url or Twiml, Record and the recording parameters.

    Raises
    ------
    InvalidRequestError
        21201, 21213, 21205 (:class:`recsim.api.CreateCall`); 20001 a recording
        parameter.
    """
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    args = CreateCall(to=text.get("To", ""), from_=text.get("From", ""), url=text.get("Url") or None,
                      twiml=text.get("Twiml") or None)
    if str(form.get("Record", "false")).lower() != "true":
        return args
    params = {k: v for k, v in _events(form).items() if k.startswith(("Recording", "Trim"))}
    return replace(args, record=parse_model(OutboundRecording, {"Record": True, **params}))


def create_recording_args(form: Form) -> RestCreate:
    """POST /Calls/{CallSid}/Recordings.json (002 create) parameters.

    Raises
    ------
    InvalidRequestError
        20001 naming the parameter, the problem and the value.
    """
    return parse_model(RestCreate, {"action": "create", **_events(form)})


def update_recording_args(form: Form, ref: str) -> RestUpdate:
    """POST .../Recordings/{Sid}.json (002 update) parameters; ``ref`` a RecordingSid or
    ``Twilio.CURRENT``.

    Raises
    ------
    InvalidRequestError
        20001 naming the parameter, the problem and the value.
    """
    return parse_model(RestUpdate, {"action": "update", "recording": ref, **form})


def clock_seconds(body: Any) -> float:
    """``seconds`` of a clock advance (a form or a JSON object; 0 when absent).

    Raises
    ------
    InvalidRequestError
        20001: not an object, or ``seconds`` not a number.
    """
    if not isinstance(body, dict):
        raise InvalidRequestError(20001, f"The request body must be a form or a JSON object with 'seconds'; "
                                         f"got {type(body).__name__}")
    raw = body.get("seconds", 0)
    try:
        if isinstance(raw, bool):
            raise TypeError
        return float(raw)
    except (TypeError, ValueError, OverflowError):
        raise InvalidRequestError(20001, f"seconds: {short_repr(raw, 40)} is not allowed; allowed: a finite "
                                         "number of seconds >= 0") from None
