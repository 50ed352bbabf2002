"""TwiML XML -> typed verbs (:mod:`recsim.twiml.verbs`), validated.

Structural errors (not XML, unknown verb or noun, bad nesting, an invalid value where the
platform fails the call) raise :class:`recsim.errors.TwimlError` naming the document,
the element path, the attribute, the value and the allowed values. Invalid ``<Record>``
attributes and ``<Dial record>`` only produce debugger warnings, as on the platform: the
attribute falls back to its default and the warning is kept on the document.

Warning codes (Twilio's dictionary; the ones marked * were checked against it, the
others are recsim's assignment inside the ``<Record>`` range, see COVERAGE.md):
13610 method, 13611* timeout, 13612 maxLength, 13613* finishOnKey, 13614 transcribe,
13615 transcribeCallback, 13616 playBeep, 13618 trim, 13619 recordingStatusCallback,
13620 recordingStatusCallbackMethod, 13621* recordingStatusCallbackEvent,
13622 transcribeCallback without transcribe="true", 13217* Dial record.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urljoin, urlparse

from recsim.errors import InvalidRequestError, TwimlError
from recsim.twiml.verbs import (
    ConferenceNoun,
    Dial,
    DialTarget,
    Document,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    StartRecording,
    StopRecording,
    TwimlWarning,
    Verb,
)
from recsim.values import RECORDING_EVENTS, Channels, Track, Trim, callback_events

__all__ = ["RECORDING_EVENTS", "parse_twiml"]

METHODS = ("GET", "POST")
TRIMS = Trim.values()
TRACKS = Track.values()
DIAL_RECORD = (
    "do-not-record",
    "record-from-answer",
    "record-from-ringing",
    "record-from-answer-dual",
    "record-from-ringing-dual",
)
VERBS = ("Say", "Play", "Pause", "Record", "Start", "Stop", "Dial", "Hangup", "Redirect")
FINISH_KEYS = "0123456789#*"


class _Ctx:
    def __init__(self, url: str, max_call_duration: int) -> None:
        self.url = url
        self.max_call_duration = max_call_duration
        self.warnings: list[TwimlWarning] = []

    def error(self, path: str, message: str) -> TwimlError:
        return TwimlError(f"{self.url}: {path}: {message}")

    def warn(self, code: int, path: str, attr: str, value: str, message: str) -> None:
        self.warnings.append(TwimlWarning(code, message, path, attr, value))

    def resolve(self, url: str) -> str:
        return urljoin(self.url, url) if self.url.startswith(("http://", "https://")) else url


def _valid_url(value: str) -> bool:
    if not value or any(c.isspace() for c in value):
        return False
    p = urlparse(value)
    return (p.scheme in ("http", "https") and bool(p.netloc)) or (not p.scheme and not p.netloc)


def _events(value: str) -> tuple[str, ...] | None:
    """The events of a recordingStatusCallbackEvent attribute, None when invalid."""
    try:
        return callback_events(value)
    except InvalidRequestError:
        return None


def _check_attrs(ctx: _Ctx, el: ET.Element, path: str, allowed: tuple[str, ...]) -> None:
    for name in el.attrib:
        if name not in allowed:
            raise ctx.error(
                path, f"attribute {name!r} is not allowed on <{el.tag}>; allowed: {', '.join(allowed)}"
            )


def _choice(ctx: _Ctx, path: str, attr: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; allowed values: {', '.join(allowed)}")
    return value


def _int_attr(ctx: _Ctx, path: str, attr: str, value: str, minimum: int) -> int:
    try:
        v = int(value)
    except ValueError:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; expected an integer >= {minimum}") from None
    if v < minimum:
        raise ctx.error(path, f"{attr}={value!r} is not allowed; expected an integer >= {minimum}")
    return v


def _record(ctx: _Ctx, el: ET.Element, path: str) -> Record:
    attrs = (
        "action", "method", "timeout", "finishOnKey", "maxLength", "playBeep", "trim",
        "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
        "transcribe", "transcribeCallback", "recordingConfigurationId",
    )
    _check_attrs(ctx, el, path, attrs)
    if len(el):
        raise ctx.error(path, "<Record> cannot contain other verbs or nouns")
    _no_mixing(ctx, el, path, ("trim", *_CB_ATTRS))
    a = el.attrib
    kw: dict[str, object] = {}

    def warn_default(code: int, attr: str, allowed: str, default: str) -> None:
        ctx.warn(code, path, attr, a[attr],
                 f"Record: Invalid {attr} value {a[attr]!r}; allowed: {allowed}; using the default {default}")

    if "action" in a:
        if not _valid_url(a["action"]):
            raise ctx.error(path, f"action={a['action']!r} is not allowed; expected a relative or absolute URL")
        kw["action"] = ctx.resolve(a["action"])
    if "method" in a:
        if a["method"].upper() in METHODS:
            kw["method"] = a["method"].upper()
        else:
            warn_default(13610, "method", "GET, POST", "POST")
    if "timeout" in a:
        try:
            t = int(a["timeout"])
            if t < 0:
                raise ValueError
            kw["timeout"] = t
        except ValueError:
            warn_default(13611, "timeout", "a positive integer, or 0 to disable", "5")
    if "finishOnKey" in a:
        if all(c in FINISH_KEYS for c in a["finishOnKey"]):
            kw["finish_on_key"] = a["finishOnKey"]
        else:
            warn_default(13613, "finishOnKey", "any of 0123456789#*", "1234567890*#")
    if "maxLength" in a:
        try:
            m = int(a["maxLength"])
            if m <= 1 or m > ctx.max_call_duration:
                raise ValueError
            kw["max_length"] = m
        except ValueError:
            warn_default(13612, "maxLength",
                         f"an integer > 1 and <= {ctx.max_call_duration} (the account's maximum call duration)",
                         "3600 (120 with transcribe)")
    if "playBeep" in a:
        if a["playBeep"] in ("true", "false"):
            kw["play_beep"] = a["playBeep"] == "true"
        else:
            warn_default(13616, "playBeep", "true, false", "true")
    if "trim" in a:
        if a["trim"] in TRIMS:
            kw["trim"] = Trim(a["trim"])
        else:
            warn_default(13618, "trim", ", ".join(TRIMS), "trim-silence")
    if "recordingStatusCallback" in a:
        if _valid_url(a["recordingStatusCallback"]):
            kw["recording_status_callback"] = ctx.resolve(a["recordingStatusCallback"])
        else:
            warn_default(13619, "recordingStatusCallback", "a relative or absolute URL", "none")
    if "recordingStatusCallbackMethod" in a:
        if a["recordingStatusCallbackMethod"].upper() in METHODS:
            kw["recording_status_callback_method"] = a["recordingStatusCallbackMethod"].upper()
        else:
            warn_default(13620, "recordingStatusCallbackMethod", "GET, POST", "POST")
    if "recordingStatusCallbackEvent" in a:
        ev = _events(a["recordingStatusCallbackEvent"])
        if ev is None:
            warn_default(13621, "recordingStatusCallbackEvent",
                         "space-separated in-progress, completed, absent", "completed")
        else:
            kw["recording_status_callback_event"] = ev
    if "transcribe" in a:
        if a["transcribe"] in ("true", "false"):
            kw["transcribe"] = a["transcribe"] == "true"
        else:
            warn_default(13614, "transcribe", "true, false", "false")
    if "transcribeCallback" in a:
        if _valid_url(a["transcribeCallback"]):
            kw["transcribe_callback"] = ctx.resolve(a["transcribeCallback"])
            if not kw.get("transcribe"):
                ctx.warn(13622, path, "transcribeCallback", a["transcribeCallback"],
                         'Record: transcribeCallback requires transcribe="true"; nothing is transcribed')
        else:
            warn_default(13615, "transcribeCallback", "a relative or absolute URL", "none")
    if "recordingConfigurationId" in a:
        kw["recording_configuration_id"] = a["recordingConfigurationId"]
    return Record(**kw)  # type: ignore[arg-type]


def _recording_cb(ctx: _Ctx, el: ET.Element, path: str, kw: dict[str, object]) -> None:
    a = el.attrib
    if "recordingStatusCallback" in a:
        if not _valid_url(a["recordingStatusCallback"]):
            raise ctx.error(path, f"recordingStatusCallback={a['recordingStatusCallback']!r} is not allowed; "
                            "expected a relative or absolute URL")
        kw["recording_status_callback"] = ctx.resolve(a["recordingStatusCallback"])
    if "recordingStatusCallbackMethod" in a:
        kw["recording_status_callback_method"] = _choice(
            ctx, path, "recordingStatusCallbackMethod", a["recordingStatusCallbackMethod"].upper(), METHODS)
    if "recordingStatusCallbackEvent" in a:
        ev = _events(a["recordingStatusCallbackEvent"])
        if ev is None:
            raise ctx.error(path, f"recordingStatusCallbackEvent={a['recordingStatusCallbackEvent']!r} "
                            f"is not allowed; expected space-separated values of {', '.join(RECORDING_EVENTS)}")
        kw["recording_status_callback_event"] = ev
    if "recordingConfigurationId" in a:
        kw["recording_configuration_id"] = a["recordingConfigurationId"]


def _no_mixing(ctx: _Ctx, el: ET.Element, path: str, programmatic: tuple[str, ...], extra: str = "") -> None:
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


_CB_ATTRS = ("recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent")


def _start(ctx: _Ctx, el: ET.Element, path: str) -> StartRecording:
    _check_attrs(ctx, el, path, ())
    children = list(el)
    if len(children) != 1 or children[0].tag != "Recording":
        raise ctx.error(path, "<Start> must contain exactly one <Recording/> noun")
    rec = children[0]
    rpath = f"{path}/Recording"
    _check_attrs(ctx, rec, rpath, (
        "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
        "trim", "track", "channels", "recordingConfigurationId"))
    _no_mixing(ctx, rec, rpath, ("trim", "track", "channels", *_CB_ATTRS))
    kw: dict[str, object] = {}
    a = rec.attrib
    if "trim" in a:
        kw["trim"] = Trim(_choice(ctx, rpath, "trim", a["trim"], TRIMS))
    if "track" in a:
        kw["track"] = Track(_choice(ctx, rpath, "track", a["track"], TRACKS))
    if "channels" in a:
        kw["channels"] = Channels(_choice(ctx, rpath, "channels", a["channels"], Channels.values()))
    _recording_cb(ctx, rec, rpath, kw)
    return StartRecording(**kw)  # type: ignore[arg-type]


def _stop(ctx: _Ctx, el: ET.Element, path: str) -> StopRecording:
    _check_attrs(ctx, el, path, ())
    children = list(el)
    if len(children) != 1 or children[0].tag != "Recording":
        raise ctx.error(path, "<Stop> must contain exactly one <Recording/> noun")
    return StopRecording()


def _dial(ctx: _Ctx, el: ET.Element, path: str) -> Dial:
    _check_attrs(ctx, el, path, (
        "action", "method", "timeout", "timeLimit", "record", "recordingTrack", "trim", "callerId",
        "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
        "recordingConfigurationId"))
    a = el.attrib
    kw: dict[str, object] = {}
    targets: list[DialTarget] = []
    if (el.text or "").strip():
        targets.append(DialTarget(el.text.strip()))  # type: ignore[union-attr]
    for i, child in enumerate(el, 1):
        cpath = f"{path}/{child.tag}[{i}]"
        text = (child.text or "").strip()
        if child.tag == "Number":
            if not text:
                raise ctx.error(cpath, "<Number> needs a phone number")
            targets.append(DialTarget(text))
        elif child.tag == "Client":
            if not text:
                raise ctx.error(cpath, "<Client> needs an identity")
            targets.append(DialTarget(text if text.startswith("client:") else f"client:{text}"))
        elif child.tag == "Conference":
            kw["conference"] = _conference(ctx, child, cpath)
        else:
            raise ctx.error(cpath, f"<{child.tag}> is not allowed in <Dial>; allowed nouns: Number, Client, Conference")
    if not targets and "conference" not in kw:
        raise ctx.error(path, "<Dial> needs a number, a <Number>, a <Client> or a <Conference>")
    if targets and "conference" in kw:
        raise ctx.error(path, "<Dial> cannot mix <Conference> with numbers or clients")
    kw["targets"] = tuple(targets)
    _no_mixing(ctx, el, path, ("trim", "recordingTrack", *_CB_ATTRS),
               extra="record=" + a["record"] if a.get("record", "").endswith("-dual") else "")
    if "action" in a:
        kw["action"] = ctx.resolve(a["action"])
    if "method" in a:
        kw["method"] = _choice(ctx, path, "method", a["method"].upper(), METHODS)
    if "timeout" in a:
        kw["timeout"] = _int_attr(ctx, path, "timeout", a["timeout"], 1)
    if "timeLimit" in a:
        kw["time_limit"] = _int_attr(ctx, path, "timeLimit", a["timeLimit"], 1)
    if "record" in a:
        if a["record"] in DIAL_RECORD:
            kw["record"] = a["record"]
        else:
            ctx.warn(13217, path, "record", a["record"],
                     f"Dial: Invalid record value {a['record']!r}; allowed: {', '.join(DIAL_RECORD)}; "
                     "using do-not-record")
    if "recordingTrack" in a:
        kw["recording_track"] = Track(_choice(ctx, path, "recordingTrack", a["recordingTrack"], TRACKS))
    if "trim" in a:
        kw["trim"] = Trim(_choice(ctx, path, "trim", a["trim"], TRIMS))
    _recording_cb(ctx, el, path, kw)
    return Dial(**kw)  # type: ignore[arg-type]


def _bool(ctx: _Ctx, path: str, attr: str, value: str) -> bool:
    return _choice(ctx, path, attr, value.lower(), ("true", "false")) == "true"


def _conference(ctx: _Ctx, el: ET.Element, path: str) -> ConferenceNoun:
    _check_attrs(ctx, el, path, (
        "record", "trim", "startConferenceOnEnter", "endConferenceOnExit", "beep", "muted", "waitUrl",
        "statusCallback", "statusCallbackEvent", "statusCallbackMethod", *_CB_ATTRS, "recordingConfigurationId"))
    name = (el.text or "").strip()
    if not name:
        raise ctx.error(path, "<Conference> needs a room name")
    _no_mixing(ctx, el, path, ("trim", *_CB_ATTRS))
    a = el.attrib
    kw: dict[str, object] = {"name": name}
    if "record" in a:
        kw["record"] = _choice(ctx, path, "record", a["record"], ("do-not-record", "record-from-start"))
    if "trim" in a:
        kw["trim"] = Trim(_choice(ctx, path, "trim", a["trim"], TRIMS))
    if "startConferenceOnEnter" in a:
        kw["start_conference_on_enter"] = _bool(ctx, path, "startConferenceOnEnter", a["startConferenceOnEnter"])
    if "endConferenceOnExit" in a:
        kw["end_conference_on_exit"] = _bool(ctx, path, "endConferenceOnExit", a["endConferenceOnExit"])
    _recording_cb(ctx, el, path, kw)
    return ConferenceNoun(**kw)  # type: ignore[arg-type]


def _loop(ctx: _Ctx, el: ET.Element, path: str) -> int:
    return _int_attr(ctx, path, "loop", el.attrib["loop"], 1) if "loop" in el.attrib else 1


def _say(ctx: _Ctx, el: ET.Element, path: str) -> Say:
    _check_attrs(ctx, el, path, ("voice", "language", "loop"))
    return Say(text=" ".join("".join(el.itertext()).split()), loop=_loop(ctx, el, path))


def _play(ctx: _Ctx, el: ET.Element, path: str) -> Play:
    _check_attrs(ctx, el, path, ("loop", "digits"))
    url = (el.text or "").strip()
    if not url:
        raise ctx.error(path, "<Play> needs a URL")
    return Play(url=ctx.resolve(url), loop=_loop(ctx, el, path))


def _pause(ctx: _Ctx, el: ET.Element, path: str) -> Pause:
    _check_attrs(ctx, el, path, ("length",))
    if "length" not in el.attrib:
        return Pause()
    try:
        length = float(el.attrib["length"])
    except ValueError:
        length = math.nan
    if not math.isfinite(length) or length < 0:
        raise ctx.error(path, f"length={el.attrib['length']!r} is not allowed; expected seconds >= 0")
    return Pause(length=length)


def _hangup(ctx: _Ctx, el: ET.Element, path: str) -> Hangup:
    _check_attrs(ctx, el, path, ())
    return Hangup()


def _redirect(ctx: _Ctx, el: ET.Element, path: str) -> Redirect:
    _check_attrs(ctx, el, path, ("method",))
    url = (el.text or "").strip()
    if not url:
        raise ctx.error(path, "<Redirect> needs a URL")
    method = _choice(ctx, path, "method", el.attrib.get("method", "POST").upper(), METHODS)
    return Redirect(url=ctx.resolve(url), method=method)


_PARSERS: dict[str, Callable[[_Ctx, ET.Element, str], Verb]] = {
    "Say": _say,
    "Play": _play,
    "Pause": _pause,
    "Record": _record,
    "Start": _start,
    "Stop": _stop,
    "Dial": _dial,
    "Hangup": _hangup,
    "Redirect": _redirect,
}


def parse_twiml(text: str, *, url: str = "inline", max_call_duration: int = 14400) -> Document:
    """Parse a TwiML voice document.

    Parameters
    ----------
    text : str
        The XML, a ``<Response>`` root (an XML declaration is optional). The output of
        twilio-python's ``VoiceResponse().to_xml()`` parses.
    url : str
        The document's URL: relative URLs inside resolve against it, and it names the
        document in errors.
    max_call_duration : int
        The account's maximum call duration in seconds (14400, or 86400), the upper
        bound of ``<Record maxLength>``.

    Returns
    -------
    Document
        Verbs in order and the debugger warnings raised.

    Raises
    ------
    TwimlError
        Not XML, root not ``<Response>``, unknown verb or noun, bad nesting, an invalid
        attribute value where the platform fails the call; the message names the
        document, the element path (``Response/Dial[2]``), the attribute, the value and
        the allowed values.
    """
    ctx = _Ctx(url, max_call_duration)
    try:
        root = ET.fromstring(text.strip())
    except ET.ParseError as exc:
        raise ctx.error("(document)", f"not well-formed XML ({exc})") from None
    if root.tag != "Response":
        raise ctx.error(root.tag, f"the root element must be <Response>, got <{root.tag}>")
    verbs: list[Verb] = []
    for i, el in enumerate(root, 1):
        path = f"Response/{el.tag}[{i}]"
        parser = _PARSERS.get(el.tag)
        if parser is None:
            raise ctx.error(path, f"<{el.tag}> is not a supported verb; supported: {', '.join(VERBS)}")
        verbs.append(parser(ctx, el, path))
    return Document(url=url, verbs=tuple(verbs), warnings=tuple(ctx.warnings))
