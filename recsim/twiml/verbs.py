"""Typed TwiML verbs: the validated content of a document, no behaviour.

Field names are the snake_case of the TwiML attributes; defaults are each verb's own
(000_3572b13370ab4ff8.txt for ``<Start><Recording>``, 001_0ae55e6d7422f5b4.txt for
``<Record>``). ``None`` means "not given" where the default depends on other attributes
(``Record.max_length`` is 3600, or 120 with ``transcribe``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recsim.values import Channels, Track, Trim

__all__ = [
    "ConferenceNoun",
    "Dial",
    "DialTarget",
    "Document",
    "Hangup",
    "Pause",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "StartRecording",
    "StopRecording",
    "TwimlWarning",
    "Verb",
]


@dataclass(frozen=True)
class TwimlWarning:
    """A debugger warning the platform logs instead of failing (Twilio code 13xxx).

    Attributes
    ----------
    code : int
        Twilio warning code (e.g. 13611 "Record: Invalid timeout value").
    message : str
        What was wrong and the value used instead.
    element, attribute, value : str
        Where: element path, attribute name, the value given.
    """

    code: int
    message: str
    element: str
    attribute: str
    value: str


@dataclass(frozen=True)
class Say:
    """``<Say>``: platform speech on the outbound stream; its length follows the text."""

    text: str
    loop: int = 1


@dataclass(frozen=True)
class Play:
    """``<Play>``: audio from a URL (mapped to a file in the scenario's ``media``)."""

    url: str
    loop: int = 1


@dataclass(frozen=True)
class Pause:
    """``<Pause length>``: wait ``length`` seconds (default 1)."""

    length: float = 1.0


@dataclass(frozen=True)
class Record:
    """``<Record>`` (001): record the caller's voice (track inbound, mono)."""

    action: str | None = None
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "1234567890*#"
    max_length: int | None = None
    play_beep: bool = True
    trim: Trim = Trim.TRIM_SILENCE
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)
    transcribe: bool = False
    transcribe_callback: str | None = None
    recording_configuration_id: str | None = None


@dataclass(frozen=True)
class StartRecording:
    """``<Start><Recording>`` (000): record the call in the background."""

    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)
    trim: Trim = Trim.TRIM_SILENCE
    track: Track = Track.BOTH
    channels: Channels = Channels.DUAL
    recording_configuration_id: str | None = None


@dataclass(frozen=True)
class StopRecording:
    """``<Stop><Recording/>``: stop the recordings ``<Start><Recording>`` began."""


@dataclass(frozen=True)
class DialTarget:
    """``<Number>`` or ``<Client>`` inside ``<Dial>``; ``address`` is the party key
    (``+15551234567`` or ``client:name``)."""

    address: str


@dataclass(frozen=True)
class ConferenceNoun:
    """``<Conference>`` inside ``<Dial>``: join the conference ``name``.

    ``record``: do-not-record (default) or record-from-start; ``trim`` default
    trim-silence; startConferenceOnEnter default true, endConferenceOnExit default false.
    """

    name: str
    record: str = "do-not-record"
    trim: Trim = Trim.TRIM_SILENCE
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)
    recording_configuration_id: str | None = None


@dataclass(frozen=True)
class Dial:
    """``<Dial>``: connect the caller to another party, optionally recording the bridge.

    ``record``: do-not-record, record-from-answer, record-from-ringing, and the
    ``-dual`` forms. ``trim`` defaults to do-not-trim, ``recording_track`` to both.
    """

    targets: tuple[DialTarget, ...]
    conference: ConferenceNoun | None = None
    action: str | None = None
    method: str = "POST"
    timeout: int = 30
    time_limit: int | None = None
    record: str = "do-not-record"
    recording_track: Track = Track.BOTH
    trim: Trim = Trim.DO_NOT_TRIM
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)
    recording_configuration_id: str | None = None
    ring_tone: str | None = None  # <Dial ringTone>: a country code of recsim.audio.progress; None = automatic


@dataclass(frozen=True)
class Hangup:
    """``<Hangup>``: end the call."""


@dataclass(frozen=True)
class Redirect:
    """``<Redirect>``: continue with the TwiML at ``url``."""

    url: str
    method: str = "POST"


Verb = Say | Play | Pause | Record | StartRecording | StopRecording | Dial | Hangup | Redirect


@dataclass(frozen=True)
class Document:
    """A parsed ``<Response>``: its URL, verbs in order, and the warnings it raised."""

    url: str
    verbs: tuple[Verb, ...]
    warnings: tuple[TwimlWarning, ...] = field(default=())
