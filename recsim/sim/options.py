"""Recording options: one typed :class:`RecordingOptions`, built once per source.

Each source has its own defaults (DESIGN "defaults per source: never unify them"); the
TwiML verb dataclasses (snake_case) and the scenario's REST models (wire case) carry
them, and the builders below turn each into options in one step:

| source | builder | track | channels | trim | spec |
|---|---|---|---|---|---|
| RecordVerb (``<Record>``) | :func:`record_verb_options` | inbound | mono (only) | trim-silence | 001 |
| StartCallRecordingTwiML | :func:`start_recording_options` | both | dual | trim-silence | 000 |
| StartCallRecordingAPI (REST create) | :func:`rest_create_options` | both | mono | do-not-trim | 002 |
| OutboundAPI (Record=true) | :func:`outbound_options` | both | mono | trim-silence | Calls API |
| DialVerb (``<Dial record>``) | :func:`dial_options` | both | mono, dual with ``-dual`` | do-not-trim | 002 |
| Conference (``<Conference record>``) | :func:`conference_options` | mix | account | trim-silence | 002, 004 |
| a Recording Configuration | :func:`apply_configuration` | - | dual | do-not-trim | 004 |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from recsim.configurations import RecordingConfiguration
from recsim.scenario import OutboundRecording, RestCreate
from recsim.twiml import ConferenceNoun, Dial, Record, StartRecording
from recsim.values import Channels, Source, Track, Trim

__all__ = [
    "CallbackSpec",
    "RecordingOptions",
    "apply_configuration",
    "conference_options",
    "dial_options",
    "outbound_options",
    "record_verb_options",
    "recording_options",
    "rest_create_options",
    "start_recording_options",
]


@dataclass(frozen=True)
class CallbackSpec:
    """recordingStatusCallback, ...Method and ...Event of one recording."""

    url: str | None = None
    method: str = "POST"
    events: tuple[str, ...] = ("completed",)


@dataclass(frozen=True)
class RecordingOptions:
    """The resolved parameters of a recording (each source's own defaults applied).

    Wire strings given for ``source``, ``track`` and ``channels`` are parsed into their
    :mod:`recsim.values` members (case-sensitive).

    Attributes
    ----------
    source : Source
        RecordVerb, DialVerb, OutboundAPI, StartCallRecordingAPI, StartCallRecordingTwiML
        (``<Start><Recording>``), Conference.
    track : Track
        inbound, outbound or both.
    channels : Channels
        mono or dual (dual only has effect with track both).
    trim : bool
        trim-silence when True.
    callback : CallbackSpec
        Status callback settings.

    Raises
    ------
    InvalidRequestError
        20001: ``source``, ``track`` or ``channels`` is not one of its wire values (the
        message names the field, the value and the allowed values).
    """

    source: Source
    track: Track
    channels: Channels
    trim: bool
    callback: CallbackSpec = field(default_factory=CallbackSpec)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", Source.parse(self.source, "source"))
        object.__setattr__(self, "track", Track.parse(self.track, "track"))
        object.__setattr__(self, "channels", Channels.parse(self.channels, "channels"))

    @property
    def n_channels(self) -> int:
        """Channels of the recording file: 2 for track both + dual, else 1."""
        return 2 if (self.track is Track.BOTH and self.channels is Channels.DUAL) else 1


def recording_options(
    source: Source | str,
    *,
    track: Track | str,
    channels: Channels | str,
    trim: Trim | str,
    callback_url: str | None,
    callback_method: str | None = None,
    callback_events: Sequence[str] | None = None,
) -> RecordingOptions:
    """Options from wire-level values, each parsed case-sensitively.

    Parameters
    ----------
    source, track, channels, trim : enum member or its wire string
        :class:`~recsim.values.Source`, :class:`~recsim.values.Track`,
        :class:`~recsim.values.Channels`, :class:`~recsim.values.Trim` (trim-silence or
        do-not-trim).
    callback_url, callback_method, callback_events
        recordingStatusCallback, its method (default POST) and events (default
        completed).

    Returns
    -------
    RecordingOptions

    Raises
    ------
    InvalidRequestError
        20001: a value that is not one of its field's wire values (the message names the
        field, the value and the allowed values).
    """
    return RecordingOptions(
        source=Source.parse(source, "source"),
        track=Track.parse(track, "track"),
        channels=Channels.parse(channels, "channels"),
        trim=Trim.parse(trim, "trim") is Trim.TRIM_SILENCE,
        callback=CallbackSpec(callback_url, callback_method or "POST", tuple(callback_events or ("completed",))),
    )


def apply_configuration(opts: RecordingOptions, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """Replace composition (channels, trim) and callbacks by those of ``cfg`` (004).

    ``<Record>`` keeps one channel and a conference keeps the account's storage layout
    (004: dual-channel is not supported for them); a conference recording takes the
    conferenceRecordingStatusCallback, every other source the callRecordingStatusCallback.
    """
    if cfg is None:
        return opts
    c = cfg.configuration
    conference = opts.source is Source.CONFERENCE
    cb = c.conferenceRecordingStatusCallback if conference else c.callRecordingStatusCallback
    keep = opts.source in (Source.RECORD_VERB, Source.CONFERENCE)
    channels = opts.channels if keep else Channels.parse(c.compositionPolicy.channels, "channels")
    return replace(
        opts,
        channels=channels,
        trim=c.compositionPolicy.trim == "trim-silence",
        callback=CallbackSpec(cb.url, cb.method, tuple(cb.events)) if cb else CallbackSpec(),
    )


def _twiml_callback(element: Record | StartRecording | Dial | ConferenceNoun) -> dict[str, Any]:
    """The recordingStatusCallback, -Method and -Event attributes of a TwiML element
    (000, 001, Dial, Conference: the same three names), as :func:`recording_options`
    arguments."""
    return {"callback_url": element.recording_status_callback,
            "callback_method": element.recording_status_callback_method,
            "callback_events": element.recording_status_callback_event}


def record_verb_options(verb: Record, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """``<Record>`` (001) records the caller: track inbound, one channel, trim per ``trim``."""
    opts = recording_options(Source.RECORD_VERB, track=Track.INBOUND, channels=Channels.MONO, trim=verb.trim,
                             **_twiml_callback(verb))
    return apply_configuration(opts, cfg)


def start_recording_options(verb: StartRecording, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """``<Start><Recording>`` (000): defaults dual, both, trim-silence."""
    opts = recording_options(Source.START_CALL_RECORDING_TWIML, track=verb.track, channels=verb.channels,
                             trim=verb.trim, **_twiml_callback(verb))
    return apply_configuration(opts, cfg)


def dial_options(verb: Dial, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """``<Dial record>`` (002 DialVerb): mono, or dual for the ``-dual`` forms; trim
    default do-not-trim, track default both."""
    dual = verb.record.endswith("-dual")
    opts = recording_options(Source.DIAL_VERB, track=verb.recording_track,
                             channels=Channels.DUAL if dual else Channels.MONO,
                             trim=verb.trim, **_twiml_callback(verb))
    return apply_configuration(opts, cfg)


def conference_options(noun: ConferenceNoun, dual: bool, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """``<Conference record="record-from-start">``: the mix (mono), or the starter and
    the others on two channels when the account stores conference recordings dual."""
    opts = recording_options(Source.CONFERENCE, track=Track.BOTH if dual else Track.INBOUND,
                             channels=Channels.DUAL if dual else Channels.MONO, trim=noun.trim,
                             **_twiml_callback(noun))
    return apply_configuration(opts, cfg)


def outbound_options(r: OutboundRecording, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """Record=true of the Calls create request (OutboundAPI): mono, both, trim-silence."""
    opts = recording_options(Source.OUTBOUND_API, track=r.RecordingTrack, channels=r.RecordingChannels,
                             trim=r.Trim, callback_url=r.RecordingStatusCallback,
                             callback_method=r.RecordingStatusCallbackMethod,
                             callback_events=r.RecordingStatusCallbackEvent)
    return apply_configuration(opts, cfg)


def rest_create_options(req: RestCreate, cfg: RecordingConfiguration | None) -> RecordingOptions:
    """POST .../Calls/{CallSid}/Recordings.json (002 StartCallRecordingAPI): mono, track
    both, do-not-trim, completed event."""
    opts = recording_options(Source.START_CALL_RECORDING_API, track=req.RecordingTrack or Track.BOTH,
                             channels=req.RecordingChannels or Channels.MONO,
                             trim=req.Trim or Trim.DO_NOT_TRIM,
                             callback_url=req.RecordingStatusCallback,
                             callback_method=req.RecordingStatusCallbackMethod,
                             callback_events=req.RecordingStatusCallbackEvent)
    return apply_configuration(opts, cfg)
