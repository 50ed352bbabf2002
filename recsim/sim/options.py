"""Each recording source's options, with its own defaults, and Recording Configurations.

One place decides track, channels, trim and callbacks for every source (DESIGN
"defaults per source: never unify them"):

| source | track | channels | trim | spec |
|---|---|---|---|---|
| RecordVerb (``<Record>``) | inbound | mono (only) | trim-silence | 001 |
| StartCallRecordingTwiML (``<Start><Recording>``) | both | dual | trim-silence | 000 |
| StartCallRecordingAPI (REST create) | both | mono | do-not-trim | 002 |
| OutboundAPI (Record=true) | both | mono | trim-silence | Calls API |
| DialVerb (``<Dial record>``) | both | mono, or dual with ``-dual`` | do-not-trim | 002 |
| Conference (``<Conference record>``) | the mix | mono (dual: account setting) | trim-silence | 002, 004 |
| a Recording Configuration | - | dual | do-not-trim | 004 |

The TwiML verb dataclasses and the scenario models carry those defaults; these
functions turn them into :class:`~recsim.sim.recording.RecordingOptions`, and
:func:`apply_configuration` replaces composition and callbacks by a configuration's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from recsim.configurations import RecordingConfiguration
from recsim.sim.recording import CallbackSpec, RecordingOptions
from recsim.values import Channels, Source, Track, Trim

__all__ = ["apply_configuration", "recording_options"]


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
        configuration_id=cfg.id,
    )
