"""TwiML XML -> typed verbs (:mod:`recsim.twiml.verbs`), validated.

Structural errors (not XML, unknown verb or noun, bad nesting, an invalid value where the
platform fails the call) raise :class:`recsim.errors.TwimlError` naming the document,
the element path, the attribute, the value and the allowed values. Invalid ``<Record>``
attributes (:mod:`recsim.twiml.record`) and ``<Dial record>`` (:mod:`recsim.twiml.dial`,
13217) only produce debugger warnings, as on the platform: the attribute falls back to
its default and the warning is kept on the document.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable

from recsim.twiml._common import (
    CB_ATTRS,
    METHODS,
    TRACKS,
    TRIMS,
    Ctx,
    check_attrs,
    choice,
    int_attr,
    no_mixing,
    recording_cb,
)
from recsim.twiml.dial import parse_dial
from recsim.twiml.record import parse_record
from recsim.twiml.verbs import (
    Document,
    Hangup,
    Pause,
    Play,
    Redirect,
    Say,
    StartRecording,
    StopRecording,
    Verb,
)
from recsim.values import RECORDING_EVENTS, Channels, Track, Trim

__all__ = ["RECORDING_EVENTS", "parse_twiml"]

VERBS = ("Say", "Play", "Pause", "Record", "Start", "Stop", "Dial", "Hangup", "Redirect")


def _start(ctx: Ctx, el: ET.Element, path: str) -> StartRecording:
    check_attrs(ctx, el, path, ())
    children = list(el)
    if len(children) != 1 or children[0].tag != "Recording":
        raise ctx.error(path, "<Start> must contain exactly one <Recording/> noun")
    rec = children[0]
    rpath = f"{path}/Recording"
    check_attrs(ctx, rec, rpath, (
        "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
        "trim", "track", "channels", "recordingConfigurationId"))
    no_mixing(ctx, rec, rpath, ("trim", "track", "channels", *CB_ATTRS))
    kw: dict[str, object] = {}
    a = rec.attrib
    if "trim" in a:
        kw["trim"] = Trim(choice(ctx, rpath, "trim", a["trim"], TRIMS))
    if "track" in a:
        kw["track"] = Track(choice(ctx, rpath, "track", a["track"], TRACKS))
    if "channels" in a:
        kw["channels"] = Channels(choice(ctx, rpath, "channels", a["channels"], Channels.values()))
    recording_cb(ctx, rec, rpath, kw)
    return StartRecording(**kw)  # type: ignore[arg-type]


def _stop(ctx: Ctx, el: ET.Element, path: str) -> StopRecording:
    check_attrs(ctx, el, path, ())
    children = list(el)
    if len(children) != 1 or children[0].tag != "Recording":
        raise ctx.error(path, "<Stop> must contain exactly one <Recording/> noun")
    return StopRecording()


def _loop(ctx: Ctx, el: ET.Element, path: str) -> int:
    return int_attr(ctx, path, "loop", el.attrib["loop"], 1) if "loop" in el.attrib else 1


def _say(ctx: Ctx, el: ET.Element, path: str) -> Say:
    check_attrs(ctx, el, path, ("voice", "language", "loop"))
    return Say(text=" ".join("".join(el.itertext()).split()), loop=_loop(ctx, el, path))


def _play(ctx: Ctx, el: ET.Element, path: str) -> Play:
    check_attrs(ctx, el, path, ("loop", "digits"))
    url = (el.text or "").strip()
    if not url:
        raise ctx.error(path, "<Play> needs a URL")
    return Play(url=ctx.resolve(url), loop=_loop(ctx, el, path))


def _pause(ctx: Ctx, el: ET.Element, path: str) -> Pause:
    check_attrs(ctx, el, path, ("length",))
    if "length" not in el.attrib:
        return Pause()
    try:
        length = float(el.attrib["length"])
    except ValueError:
        length = math.nan
    if not math.isfinite(length) or length < 0:
        raise ctx.error(path, f"length={el.attrib['length']!r} is not allowed; expected seconds >= 0")
    return Pause(length=length)


def _hangup(ctx: Ctx, el: ET.Element, path: str) -> Hangup:
    check_attrs(ctx, el, path, ())
    return Hangup()


def _redirect(ctx: Ctx, el: ET.Element, path: str) -> Redirect:
    check_attrs(ctx, el, path, ("method",))
    url = (el.text or "").strip()
    if not url:
        raise ctx.error(path, "<Redirect> needs a URL")
    method = choice(ctx, path, "method", el.attrib.get("method", "POST").upper(), METHODS)
    return Redirect(url=ctx.resolve(url), method=method)


_PARSERS: dict[str, Callable[[Ctx, ET.Element, str], Verb]] = {
    "Say": _say,
    "Play": _play,
    "Pause": _pause,
    "Record": parse_record,
    "Start": _start,
    "Stop": _stop,
    "Dial": parse_dial,
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
    ctx = Ctx(url, max_call_duration)
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
