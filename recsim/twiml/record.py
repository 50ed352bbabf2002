"""``<Record>`` (001_0ae55e6d7422f5b4.txt) -> :class:`Record`.

As on the platform, an invalid ``<Record>`` attribute is not an error: a debugger
warning is kept on the document and the attribute falls back to its default. Warning
codes (Twilio's dictionary; the ones marked * were checked against it, the others are
recsim's assignment inside the ``<Record>`` range, see COVERAGE.md): 13610 method,
13611* timeout, 13612 maxLength, 13613* finishOnKey, 13614 transcribe,
13615 transcribeCallback, 13616 playBeep, 13618 trim, 13619 recordingStatusCallback,
13620 recordingStatusCallbackMethod, 13621* recordingStatusCallbackEvent,
13622 transcribeCallback without transcribe="true".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from recsim.twiml._common import CB_ATTRS, FINISH_KEYS, METHODS, TRIMS, Ctx, check_attrs, events, no_mixing, valid_url
from recsim.twiml.verbs import Record
from recsim.values import Trim

__all__ = ["parse_record"]

_ATTRS = (
    "action", "method", "timeout", "finishOnKey", "maxLength", "playBeep", "trim",
    "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
    "transcribe", "transcribeCallback", "recordingConfigurationId",
)


def _method(ctx: Ctx, v: str) -> object:
    if v.upper() not in METHODS:
        raise ValueError
    return v.upper()


def _timeout(ctx: Ctx, v: str) -> object:
    t = int(v)
    if t < 0:
        raise ValueError
    return t


def _keys(ctx: Ctx, v: str) -> object:
    if not all(c in FINISH_KEYS for c in v):
        raise ValueError
    return v


def _max_length(ctx: Ctx, v: str) -> object:
    m = int(v)
    if m <= 1 or m > ctx.max_call_duration:
        raise ValueError
    return m


def _true_false(ctx: Ctx, v: str) -> object:
    if v not in ("true", "false"):
        raise ValueError
    return v == "true"


def _trim(ctx: Ctx, v: str) -> object:
    if v not in TRIMS:
        raise ValueError
    return Trim(v)


def _url(ctx: Ctx, v: str) -> object:
    if not valid_url(v):
        raise ValueError
    return ctx.resolve(v)


def _events(ctx: Ctx, v: str) -> object:
    ev = events(v)
    if ev is None:
        raise ValueError
    return ev


#: The lenient attributes in the platform's order: (attribute, Record field, warning
#: code, what is allowed, the default used, converter raising ValueError when invalid).
_LENIENT: tuple[tuple[str, str, int, str, str, Callable[[Ctx, str], object]], ...] = (
    ("method", "method", 13610, "GET, POST", "POST", _method),
    ("timeout", "timeout", 13611, "a positive integer, or 0 to disable", "5", _timeout),
    ("finishOnKey", "finish_on_key", 13613, "any of 0123456789#*", "1234567890*#", _keys),
    ("maxLength", "max_length", 13612, "", "3600 (120 with transcribe)", _max_length),
    ("playBeep", "play_beep", 13616, "true, false", "true", _true_false),
    ("trim", "trim", 13618, ", ".join(TRIMS), "trim-silence", _trim),
    ("recordingStatusCallback", "recording_status_callback", 13619, "a relative or absolute URL", "none", _url),
    ("recordingStatusCallbackMethod", "recording_status_callback_method", 13620, "GET, POST", "POST", _method),
    ("recordingStatusCallbackEvent", "recording_status_callback_event", 13621,
     "space-separated in-progress, completed, absent", "completed", _events),
    ("transcribe", "transcribe", 13614, "true, false", "false", _true_false),
    ("transcribeCallback", "transcribe_callback", 13615, "a relative or absolute URL", "none", _url),
)


def parse_record(ctx: Ctx, el: ET.Element, path: str) -> Record:
    """``<Record>``: its attributes, each invalid one a warning (module docstring).

    Raises
    ------
    TwimlError
        An attribute not of ``<Record>``, a child element, an ``action`` that is not a
        URL, or a recordingConfigurationId with programmatic parameters (004).
    """
    check_attrs(ctx, el, path, _ATTRS)
    if len(el):
        raise ctx.error(path, "<Record> cannot contain other verbs or nouns")
    no_mixing(ctx, el, path, ("trim", *CB_ATTRS))
    a = el.attrib
    kw: dict[str, object] = {}
    if "action" in a:
        if not valid_url(a["action"]):
            raise ctx.error(path, f"action={a['action']!r} is not allowed; expected a relative or absolute URL")
        kw["action"] = ctx.resolve(a["action"])
    for attr, name, code, allowed, default, convert in _LENIENT:
        if attr not in a:
            continue
        try:
            kw[name] = convert(ctx, a[attr])
        except ValueError:
            if attr == "maxLength":
                allowed = f"an integer > 1 and <= {ctx.max_call_duration} (the account's maximum call duration)"
            ctx.warn(code, path, attr, a[attr],
                     f"Record: Invalid {attr} value {a[attr]!r}; allowed: {allowed}; using the default {default}")
            continue
        if attr == "transcribeCallback" and not kw.get("transcribe"):
            ctx.warn(13622, path, "transcribeCallback", a["transcribeCallback"],
                     'Record: transcribeCallback requires transcribe="true"; nothing is transcribed')
    if "recordingConfigurationId" in a:
        kw["recording_configuration_id"] = a["recordingConfigurationId"]
    return Record(**kw)  # type: ignore[arg-type]
