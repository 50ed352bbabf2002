"""``<Dial>`` and its nouns (``<Number>``, ``<Client>``, ``<Conference>``) -> :class:`Dial`.

An invalid ``record`` is a debugger warning 13217 (do-not-record is used); every other
invalid value is a TwimlError. ``ringTone`` takes the country codes of
:data:`recsim.audio.progress.COUNTRY_CODES` (absent: the dialed number's country).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from recsim.audio.progress import COUNTRY_CODES
from recsim.twiml._common import (
    CB_ATTRS,
    METHODS,
    TRACKS,
    TRIMS,
    Ctx,
    bool_attr,
    check_attrs,
    choice,
    int_attr,
    no_mixing,
    recording_cb,
)
from recsim.twiml.verbs import ConferenceNoun, Dial, DialTarget
from recsim.values import Track, Trim

__all__ = ["DIAL_RECORD", "parse_dial"]

DIAL_RECORD = (
    "do-not-record",
    "record-from-answer",
    "record-from-ringing",
    "record-from-answer-dual",
    "record-from-ringing-dual",
)


def parse_dial(ctx: Ctx, el: ET.Element, path: str) -> Dial:
    """``<Dial>``: a number (text), ``<Number>`` and ``<Client>`` targets, or one
    ``<Conference>``; the recording attributes.

    Raises
    ------
    TwimlError
        An unknown attribute or noun, no target, a conference mixed with targets, an
        invalid value (but ``record``: warning 13217).
    """
    check_attrs(ctx, el, path, (
        "action", "method", "timeout", "timeLimit", "record", "recordingTrack", "trim", "callerId",
        "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
        "recordingConfigurationId", "ringTone"))
    a = el.attrib
    kw: dict[str, object] = {}
    if "ringTone" in a:
        kw["ring_tone"] = choice(ctx, path, "ringTone", a["ringTone"], COUNTRY_CODES)
    targets = _targets(ctx, el, path, kw)
    if not targets and "conference" not in kw:
        raise ctx.error(path, "<Dial> needs a number, a <Number>, a <Client> or a <Conference>")
    if targets and "conference" in kw:
        raise ctx.error(path, "<Dial> cannot mix <Conference> with numbers or clients")
    kw["targets"] = tuple(targets)
    no_mixing(ctx, el, path, ("trim", "recordingTrack", *CB_ATTRS),
               extra="record=" + a["record"] if a.get("record", "").endswith("-dual") else "")
    if "action" in a:
        kw["action"] = ctx.resolve(a["action"])
    if "method" in a:
        kw["method"] = choice(ctx, path, "method", a["method"].upper(), METHODS)
    if "timeout" in a:
        kw["timeout"] = int_attr(ctx, path, "timeout", a["timeout"], 1)
    if "timeLimit" in a:
        kw["time_limit"] = int_attr(ctx, path, "timeLimit", a["timeLimit"], 1)
    if "record" in a:
        if a["record"] in DIAL_RECORD:
            kw["record"] = a["record"]
        else:
            ctx.warn(13217, path, "record", a["record"],
                     f"Dial: Invalid record value {a['record']!r}; allowed: {', '.join(DIAL_RECORD)}; "
                     "using do-not-record")
    if "recordingTrack" in a:
        kw["recording_track"] = Track(choice(ctx, path, "recordingTrack", a["recordingTrack"], TRACKS))
    if "trim" in a:
        kw["trim"] = Trim(choice(ctx, path, "trim", a["trim"], TRIMS))
    recording_cb(ctx, el, path, kw)
    return Dial(**kw)  # type: ignore[arg-type]


def _targets(ctx: Ctx, el: ET.Element, path: str, kw: dict[str, object]) -> list[DialTarget]:
    """The numbers and clients of ``<Dial>`` (its text and nouns); a ``<Conference>``
    goes into ``kw``."""
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
    return targets


def _conference(ctx: Ctx, el: ET.Element, path: str) -> ConferenceNoun:
    check_attrs(ctx, el, path, (
        "record", "trim", "startConferenceOnEnter", "endConferenceOnExit", "beep", "muted", "waitUrl",
        "statusCallback", "statusCallbackEvent", "statusCallbackMethod", *CB_ATTRS, "recordingConfigurationId"))
    name = (el.text or "").strip()
    if not name:
        raise ctx.error(path, "<Conference> needs a room name")
    no_mixing(ctx, el, path, ("trim", *CB_ATTRS))
    a = el.attrib
    kw: dict[str, object] = {"name": name}
    if "record" in a:
        kw["record"] = choice(ctx, path, "record", a["record"], ("do-not-record", "record-from-start"))
    if "trim" in a:
        kw["trim"] = Trim(choice(ctx, path, "trim", a["trim"], TRIMS))
    if "startConferenceOnEnter" in a:
        kw["start_conference_on_enter"] = bool_attr(ctx, path, "startConferenceOnEnter", a["startConferenceOnEnter"])
    if "endConferenceOnExit" in a:
        kw["end_conference_on_exit"] = bool_attr(ctx, path, "endConferenceOnExit", a["endConferenceOnExit"])
    recording_cb(ctx, el, path, kw)
    return ConferenceNoun(**kw)  # type: ignore[arg-type]
