"""Shared by the TwiML parsers: the parse context (document URL, warnings) and the
attribute checks every verb uses. Private to :mod:`recsim.twiml`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from urllib.parse import urljoin, urlparse

from recsim.errors import InvalidRequestError, TwimlError, did_you_mean
from recsim.twiml.verbs import TwimlWarning
from recsim.values import RECORDING_EVENTS, Track, Trim, callback_events

METHODS = ("GET", "POST")
TRIMS = Trim.values()
TRACKS = Track.values()
FINISH_KEYS = "0123456789#*"
CB_ATTRS = ("recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent")


class Ctx:
    """The document being parsed: its URL, the account's maximum call duration, and the
    debugger warnings raised so far."""

    def __init__(self, url: str, max_call_duration: int) -> None:
        self.url = url
        self.max_call_duration = max_call_duration
        self.warnings: list[TwimlWarning] = []

    def error(self, path: str, message: str) -> TwimlError:
        """A TwimlError naming the document and the element path."""
        return TwimlError(f"{self.url}: {path}: {message}")

    def warn(self, code: int, path: str, attr: str, value: str, message: str) -> None:
        """Keep a debugger warning (the attribute falls back to its default)."""
        self.warnings.append(TwimlWarning(code, message, path, attr, value))

    def resolve(self, url: str) -> str:
        """``url`` resolved against the document's URL (when that is absolute)."""
        return urljoin(self.url, url) if self.url.startswith(("http://", "https://")) else url


@lru_cache(maxsize=256)
def valid_url(value: str) -> bool:
    """An absolute http(s) URL or a relative one, without whitespace (a function of
    ``value`` only: cached, a run's documents repeat their callback URLs)."""
    if not value or any(c.isspace() for c in value):
        return False
    p = urlparse(value)
    return (p.scheme in ("http", "https") and bool(p.netloc)) or (not p.scheme and not p.netloc)


def events(value: str) -> tuple[str, ...] | None:
    """The events of a recordingStatusCallbackEvent attribute, None when invalid."""
    try:
        return callback_events(value)
    except InvalidRequestError:
        return None


def check_attrs(ctx: Ctx, el: ET.Element, path: str, allowed: tuple[str, ...]) -> None:
    """Refuse an attribute not in ``allowed`` (TwimlError)."""
    for name in el.attrib:
        if name not in allowed:
            raise ctx.error(
                path, f"attribute {name!r} is not allowed on <{el.tag}>; {did_you_mean(name, allowed)}allowed: "
                      f"{', '.join(allowed)}"
            )


def choice(ctx: Ctx, path: str, attr: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else TwimlError."""
    if value not in allowed:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; allowed values: {', '.join(allowed)}")
    return value


def int_attr(ctx: Ctx, path: str, attr: str, value: str, minimum: int) -> int:
    """An integer >= ``minimum``, else TwimlError."""
    try:
        v = int(value)
    except ValueError:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; expected an integer >= {minimum}") from None
    if v < minimum:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; expected an integer >= {minimum}")
    return v


def bool_attr(ctx: Ctx, path: str, attr: str, value: str) -> bool:
    """true or false (any case), else TwimlError."""
    return choice(ctx, path, attr, value.lower(), ("true", "false")) == "true"


def recording_cb(ctx: Ctx, el: ET.Element, path: str, kw: dict[str, object]) -> None:
    """The strict recording callback and configuration attributes (000, Dial,
    Conference) into ``kw``: an invalid value is a TwimlError."""
    a = el.attrib
    if "recordingStatusCallback" in a:
        if not valid_url(a["recordingStatusCallback"]):
            raise ctx.error(path, f"recordingStatusCallback={a['recordingStatusCallback']!r} is not allowed; "
                            "expected a relative or absolute URL")
        kw["recording_status_callback"] = ctx.resolve(a["recordingStatusCallback"])
    if "recordingStatusCallbackMethod" in a:
        kw["recording_status_callback_method"] = choice(
            ctx, path, "recordingStatusCallbackMethod", a["recordingStatusCallbackMethod"].upper(), METHODS)
    if "recordingStatusCallbackEvent" in a:
        ev = events(a["recordingStatusCallbackEvent"])
        if ev is None:
            raise ctx.error(path, f"recordingStatusCallbackEvent={a['recordingStatusCallbackEvent']!r} "
                            f"is not allowed; expected space-separated values of {', '.join(RECORDING_EVENTS)}")
        kw["recording_status_callback_event"] = ev
    if "recordingConfigurationId" in a:
        kw["recording_configuration_id"] = a["recordingConfigurationId"]


def no_mixing(ctx: Ctx, el: ET.Element, path: str, programmatic: tuple[str, ...], extra: str = "") -> None:
    """A recordingConfigurationId excludes programmatic recording parameters (spec 004:
    "A recording workflow can include either a Voice Recording Configuration ID or
    programmatic parameters, but not both")."""
    if "recordingConfigurationId" not in el.attrib:
        return
    given = [a for a in programmatic if a in el.attrib]
    if extra:
        given.append(extra)
    if given:
        raise ctx.error(path, f"recordingConfigurationId cannot be combined with the programmatic recording "
                              f"parameters {', '.join(given)}; use the configuration or the parameters, not both")
