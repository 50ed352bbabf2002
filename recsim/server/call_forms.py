"""Request parsing of the Calls resource: the parameters of create, update and list
into :class:`~recsim.api.CreateCall`, :class:`~recsim.api.params.UpdateCall` and
:class:`~recsim.api.params.CallFilter`.

Source: ``twilio_api_v2010_recording_excerpt.json`` (CreateCall, UpdateCall, ListCall).
Every parameter the excerpt lists is accepted. Applied: ``To``, ``From``, ``Url``,
``Twiml``, ``Record`` with ``RecordingChannels``, ``RecordingTrack``, ``Trim`` and
``RecordingStatusCallback*`` (create); ``Status``, ``Url``, ``Method``, ``Twiml``
(update). Checked and otherwise ignored (nothing in the simulation models them):
``Method`` of create, ``FallbackUrl``, ``FallbackMethod``, ``StatusCallback*``,
``SendDigits``, ``Timeout``, ``TimeLimit``, ``MachineDetection*``, ``AsyncAmd*``,
``SipAuth*``, ``CallerId``, ``Byoc``, ``CallReason``, ``CallToken``,
``ClientNotificationUrl``, ``ApplicationSid``. URLs must be absolute http(s) (21609),
methods GET or POST, timeouts integers (20001).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from recsim.api.params import CallFilter, CreateCall, UpdateCall, parse_model
from recsim.errors import InvalidRequestError
from recsim.scenario import OutboundRecording
from recsim.server.forms import Form, check_callbacks, parse_events, time_filter

__all__ = ["call_filter", "create_call_args", "update_call_args"]

_METHODS = ("Method", "FallbackMethod", "StatusCallbackMethod", "AsyncAmdStatusCallbackMethod",
            "RecordingStatusCallbackMethod")
_INTEGERS = ("Timeout", "TimeLimit", "MachineDetectionTimeout", "MachineDetectionSpeechThreshold",
             "MachineDetectionSpeechEndThreshold", "MachineDetectionSilenceTimeout")


def _check(form: Form) -> dict[str, str]:
    """The form's text values, after checking URLs, methods and integers."""
    check_callbacks(form)
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    for key in _METHODS:
        if key in text and text[key].upper() not in ("GET", "POST"):
            raise InvalidRequestError(20001, f"{key}={text[key]!r} is not allowed; allowed: GET, POST")
    for key in _INTEGERS:
        if key in text and not text[key].lstrip("-").isdigit():
            raise InvalidRequestError(20001, f"{key}={text[key]!r} is not an integer")
    return text


def create_call_args(form: Form) -> CreateCall:
    """POST /Calls.json: To, From, Url or Twiml, Record and the recording parameters
    (the others checked and ignored, see the module).

    Raises
    ------
    InvalidRequestError
        21201, 21213, 21205 (:class:`recsim.api.CreateCall`); 21609 a URL that is not
        absolute http(s); 20001 a recording parameter, a method or an integer.
    """
    text = _check(form)
    args = CreateCall(to=text.get("To", ""), from_=text.get("From", ""), url=text.get("Url") or None,
                      twiml=text.get("Twiml") or None)
    if str(form.get("Record", "false")).lower() != "true":
        return args
    params = {k: v for k, v in parse_events(form).items() if k.startswith(("Recording", "Trim"))}
    return replace(args, record=parse_model(OutboundRecording, {"Record": True, **params}))


def update_call_args(form: Form) -> UpdateCall:
    """POST /Calls/{Sid}.json: Status, Url, Method, Twiml (FallbackUrl, FallbackMethod,
    StatusCallback, StatusCallbackMethod, TimeLimit checked and ignored).

    Raises
    ------
    InvalidRequestError
        20001 (:class:`recsim.api.params.UpdateCall`), 21205 a Url that is not http(s),
        21609 a callback URL.
    """
    text = _check(form)
    return UpdateCall(status=text.get("Status") or None, url=text.get("Url") or None,
                      method=text.get("Method", "POST").upper(), twiml=text.get("Twiml") or None)


def call_filter(query: Mapping[str, str]) -> CallFilter:
    """The filters of the Calls list: To, From, ParentCallSid, Status, StartTime (=, <,
    >), EndTime (=, <, >), each time by day.

    Raises
    ------
    InvalidRequestError
        20001: a Status that is not a call status, a date that does not parse.
    """
    status = query.get("Status") or None
    allowed = ("queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled")
    if status is not None and status not in allowed:
        raise InvalidRequestError(20001, f"Status={status!r} is not allowed; allowed: {', '.join(allowed)}")
    start = time_filter(query, "StartTime")
    end = time_filter(query, "EndTime")
    return CallFilter(to=query.get("To") or None, from_=query.get("From") or None,
                      parent_call_sid=query.get("ParentCallSid") or None, status=status, start_from=start[0],
                      start_to=start[1], end_from=end[0], end_to=end[1])
