"""Request parsing (moto's "responses", first half): form bodies, JSON bodies and query
strings into the typed arguments of :mod:`recsim.api.params`.

Twilio's wire format: form-encoded bodies with the parameter names of the spec
(``RecordingChannels``, ``RecordingStatusCallbackEvent`` ...; a repeated field is a list),
query parameters for lists and media. Every malformed value is a 400 with code 20001
(or the code of the spec), never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request

from recsim.api.params import (
    DEFAULT_PAGE_SIZE,
    MediaRequest,
    PageRequest,
    RecordingFilter,
    parse_model,
)
from recsim.errors import InvalidRequestError, NotFoundError, short_repr
from recsim.scenario import RestCreate, RestUpdate
from recsim.values import callback_events

__all__ = [
    "IGNORED_CREATE",
    "check_callbacks",
    "clock_seconds",
    "create_recording_args",
    "day_range",
    "include_soft_deleted",
    "int_param",
    "media_request",
    "page_request",
    "parse_events",
    "read_form",
    "read_json",
    "recording_filter",
    "recording_ref",
    "split_ext",
    "time_filter",
    "update_recording_args",
]

Form = dict[str, str | list[str]]
#: Create parameters accepted and ignored (see :func:`create_recording_args`).
IGNORED_CREATE = ("PlayBeep",)
_RE_SID = re.compile(r"RE[0-9a-fA-F]{32}")
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


def day_range(value: str, param: str) -> tuple[float, float]:
    """A date or a date-time -> the [start, end) unix seconds of its day in GMT.

    The API filters DateCreated (and the Calls list StartTime / EndTime) by day
    (002: "Specify a date as YYYY-MM-DD in GMT"); twilio-python sends a ``date`` or
    ``datetime`` argument as a full timestamp (``2026-01-05T00:00:00Z``), so a date-time
    names its day too, and ``list(date_created=date(...))`` finds that day's recordings.

    Raises
    ------
    InvalidRequestError
        20001: neither a date (YYYY-MM-DD) nor a date-time.
    """
    try:
        if len(value) == 10:
            t = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        else:
            t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            t = t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
        day = dt.datetime(t.year, t.month, t.day, tzinfo=dt.UTC).timestamp()
        return day, day + 86400
    except (ValueError, OverflowError):
        raise InvalidRequestError(20001, f"{param}={value!r} is not a date (YYYY-MM-DD) or date-time "
                                         "(YYYY-MM-DDTHH:MM:SSZ)") from None


def time_filter(query: Mapping[str, str], name: str) -> tuple[float | None, float | None]:
    """``name``, ``name<`` and ``name>`` of a list query as [from, to) unix seconds (by
    day, :func:`day_range`; ``<`` and ``>`` include the day they name)."""
    lo: float | None = None
    hi: float | None = None
    if query.get(name):
        lo, hi = day_range(query[name], name)
    if query.get(name + "<"):
        hi = day_range(query[name + "<"], name + "<")[1]
    if query.get(name + ">"):
        lo = day_range(query[name + ">"], name + ">")[0]
    return lo, hi


def include_soft_deleted(query: Mapping[str, str]) -> bool:
    """``IncludeSoftDeleted`` of a fetch or a list (002): true or false, any case.

    Raises
    ------
    InvalidRequestError
        20001: another value.
    """
    soft = query.get("IncludeSoftDeleted", "false").lower()
    if soft not in ("true", "false"):
        raise InvalidRequestError(20001, f"IncludeSoftDeleted={soft!r} is not allowed; allowed: true, false")
    return soft == "true"


def recording_filter(query: Mapping[str, str], *, call_sid: str | None = None,
                     conference_sid: str | None = None) -> RecordingFilter:
    """The filters of the recordings list (002): ``CallSid``, ``ConferenceSid``,
    ``DateCreated``, ``DateCreated<``, ``DateCreated>`` (by day: :func:`day_range`),
    ``IncludeSoftDeleted``; ``call_sid`` / ``conference_sid`` of a nested path win.

    Raises
    ------
    InvalidRequestError
        20001: a date that does not parse, IncludeSoftDeleted not true or false.
    """
    lo, hi = time_filter(query, "DateCreated")
    return RecordingFilter(call_sid=call_sid or query.get("CallSid") or None,
                           conference_sid=conference_sid or query.get("ConferenceSid") or None,
                           created_from=lo, created_to=hi, include_deleted=include_soft_deleted(query))


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


def parse_events(form: Form) -> Form:
    """The form with RecordingStatusCallbackEvent parsed (:func:`recsim.values.callback_events`)."""
    if _EVENTS not in form:
        return form
    return {**form, _EVENTS: list(callback_events(form[_EVENTS], field=_EVENTS))}


def create_recording_args(form: Form) -> RestCreate:
    """POST /Calls/{CallSid}/Recordings.json (002 create) parameters: those of the
    excerpt (CreateCallRecording) and ``RecordingConfigurationId`` (004); ``PlayBeep``
    (true or false) is accepted and ignored (an API-started recording plays no beep).

    Raises
    ------
    InvalidRequestError
        20001 naming the parameter, the problem and the value.
    """
    check_callbacks(form)
    body = {k: v for k, v in parse_events(form).items() if k not in IGNORED_CREATE}
    if "PlayBeep" in form and str(form["PlayBeep"]).lower() not in ("true", "false"):
        raise InvalidRequestError(20001, f"PlayBeep={form['PlayBeep']!r} is not allowed; allowed: true, false")
    return parse_model(RestCreate, {"action": "create", **body})


def check_callbacks(form: Form) -> None:
    """Every callback URL parameter of a request (a name ending in ``Callback``,
    ``Url``, but ``Url`` itself: 21205) must be an absolute http(s) URL.

    Raises
    ------
    InvalidRequestError
        21609 naming the parameter and its value.
    """
    for key, value in form.items():
        if key != "Url" and key.endswith(("Callback", "Url")) and isinstance(value, str) and value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InvalidRequestError(21609, f"Invalid {key}: {short_repr(value, 80)} is not an absolute "
                                                 "http(s) URL")


def recording_ref(name: str, path: str, *, current: bool = False) -> tuple[str, str]:
    """The RecordingSid (or, with ``current``, ``Twilio.CURRENT``) and the extension of a
    path segment.

    Raises
    ------
    NotFoundError
        20404 (naming ``path``): the segment is not a RecordingSid (RE + 32 hex).
    """
    sid, ext = split_ext(name)
    if not (_RE_SID.fullmatch(sid) or (current and sid == "Twilio.CURRENT")):
        raise NotFoundError(f"The requested resource {path} was not found")
    return sid, ext


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
