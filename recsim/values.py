"""The typed values of recordings, defined once (DESIGN.md, Layers).

Each is a :class:`enum.StrEnum` whose values are spelled exactly as on the wire, so a
member compares equal to its string, formats as it (``f"{Track.BOTH}" == "both"``) and
serialises as it (``json.dumps``): outputs do not change by using them.

Strings from outside (a scenario, a REST request, a caller of the simulator's public
methods) are turned into members with ``parse``, which is case-sensitive as the platform
is on enum values (``"Skip"`` is refused, naming the allowed values).

| enum | spec (files in shared/spec/) |
|---|---|
| :class:`PauseBehavior` | 002 update ``PauseBehavior`` |
| :class:`UpdateStatus` | 002 update ``Status`` |
| :class:`Status` | 002 ``status``; OpenAPI excerpt ``recording_enum_status`` |
| :class:`Source` | OpenAPI excerpt ``recording_enum_source``; 000 ``RecordingSource`` |
| :class:`Track` | 000 ``track``, 002 create ``RecordingTrack`` |
| :class:`Channels` | 000 ``channels``, 002 create ``RecordingChannels`` |
| :class:`Trim` | 000/001 ``trim``, 002 create ``Trim`` |
| :class:`SegmentKind` | recsim: the time segments of a recording |
| :func:`callback_events` | 000/001/002 ``recordingStatusCallbackEvent``, 004 ``events`` |

This module imports nothing of recsim but :mod:`recsim.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Self

from recsim.errors import InvalidRequestError

__all__ = [
    "CONFIGURATION_EVENTS",
    "RECORDING_EVENTS",
    "Channels",
    "PauseBehavior",
    "SegmentKind",
    "Source",
    "Status",
    "Track",
    "Trim",
    "UpdateStatus",
    "callback_events",
    "split_events",
]

#: recordingStatusCallbackEvent values of TwiML, the Calls and Recordings APIs (000-002).
RECORDING_EVENTS: tuple[str, ...] = ("in-progress", "completed", "absent")
#: ``events`` of a Recording Configuration's callbacks (004), which adds ``failed``.
CONFIGURATION_EVENTS: tuple[str, ...] = ("in-progress", "completed", "failed", "absent")


class _WireEnum(StrEnum):
    """A wire value: ``parse`` accepts exactly the spelled values, nothing else."""

    @classmethod
    def parse(cls, value: object, field: str) -> Self:
        """The member spelled ``value`` (case-sensitive, as on the wire).

        Parameters
        ----------
        value : object
            A member, or its exact wire string.
        field : str
            The parameter or attribute named in the error (e.g. ``PauseBehavior``).

        Returns
        -------
        The member.

        Raises
        ------
        InvalidRequestError
            Code 20001 (also a ``ValueError``): the message names ``field``, the value
            received and the allowed values.
        """
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        raise InvalidRequestError(
            20001, f"{field}: {value!r} is not allowed; allowed values: {', '.join(cls.values())}"
        )

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The wire values, in declaration order."""
        return tuple(m.value for m in cls)


class PauseBehavior(_WireEnum):
    """002 update ``PauseBehavior``: ``skip`` leaves the paused span out of the
    recording, ``silence`` (the default) records it as digital zeros."""

    SKIP = "skip"
    SILENCE = "silence"


class UpdateStatus(_WireEnum):
    """002 update ``Status``: the states a REST update may ask for."""

    PAUSED = "paused"
    IN_PROGRESS = "in-progress"
    STOPPED = "stopped"


class Status(_WireEnum):
    """002 ``status`` of a recording (OpenAPI ``recording_enum_status``)."""

    IN_PROGRESS = "in-progress"
    PAUSED = "paused"
    STOPPED = "stopped"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ABSENT = "absent"
    DELETED = "deleted"


class Source(_WireEnum):
    """``source`` / ``RecordingSource``: what started a recording (OpenAPI
    ``recording_enum_source``, plus ``StartCallRecordingTwiML`` which the platform reports
    for ``<Start><Recording>`` and the enum lacks, spec README)."""

    DIAL_VERB = "DialVerb"
    CONFERENCE = "Conference"
    OUTBOUND_API = "OutboundAPI"
    TRUNKING = "Trunking"
    RECORD_VERB = "RecordVerb"
    START_CALL_RECORDING_API = "StartCallRecordingAPI"
    START_CONFERENCE_RECORDING_API = "StartConferenceRecordingAPI"
    START_CALL_RECORDING_TWIML = "StartCallRecordingTwiML"


class Track(_WireEnum):
    """Which audio of the leg is recorded (000 ``track``, 002 ``RecordingTrack``)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BOTH = "both"


class Channels(_WireEnum):
    """Recording layout (000 ``channels``, 002 ``RecordingChannels``); dual only has
    effect with track both."""

    MONO = "mono"
    DUAL = "dual"


class Trim(_WireEnum):
    """Leading and trailing silence removal (000/001 ``trim``, 002 ``Trim``)."""

    TRIM_SILENCE = "trim-silence"
    DO_NOT_TRIM = "do-not-trim"


class SegmentKind(_WireEnum):
    """A time segment of a recording (recsim's model, DESIGN.md Media model):
    ``captured`` audio, a pause recorded as ``paused-silence``, a ``paused-skip``."""

    CAPTURED = "captured"
    PAUSED_SILENCE = "paused-silence"
    PAUSED_SKIP = "paused-skip"

    @classmethod
    def paused(cls, behavior: PauseBehavior) -> SegmentKind:
        """The segment kind of a pause with ``behavior``."""
        return cls.PAUSED_SKIP if behavior is PauseBehavior.SKIP else cls.PAUSED_SILENCE


def split_events(value: object) -> object:
    """Split a recordingStatusCallbackEvent string into its words (spaces or commas).

    ``"in-progress completed"`` and ``"in-progress,completed"`` both give
    ``["in-progress", "completed"]``, in order, duplicates kept; anything that is not a
    string (a list of repeated form fields, None) is returned unchanged, so this serves
    as a pydantic ``mode="before"`` validator whose field type checks the words.

    Parameters
    ----------
    value : object
        The attribute or parameter as received.

    Returns
    -------
    list of str, or ``value`` unchanged when it is not a string.
    """
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return value


def callback_events(
    value: str | Sequence[str],
    *,
    allowed: Sequence[str] = RECORDING_EVENTS,
    field: str = "recordingStatusCallbackEvent",
) -> tuple[str, ...]:
    """The one parser of callback events (000/001/002 ``recordingStatusCallbackEvent``,
    004 ``events``): words split on spaces and commas, each one of ``allowed``
    (case-sensitive), duplicates dropped, first occurrence order kept.

    Parameters
    ----------
    value : str or sequence of str
        ``"in-progress completed"``, ``"in-progress,completed"`` or the words (repeated
        form fields); a list item may itself hold several words.
    allowed : sequence of str
        :data:`RECORDING_EVENTS` (default) or :data:`CONFIGURATION_EVENTS`.
    field : str
        The attribute or parameter named in the error.

    Returns
    -------
    tuple of str
        At least one event.

    Raises
    ------
    InvalidRequestError
        Code 20001 (also a ``ValueError``): no event, or a word that is not allowed; the
        message names ``field``, the value and the allowed values.
    """
    items = [value] if isinstance(value, str) else list(value)
    words = [w for item in items for w in (item.replace(",", " ").split() if isinstance(item, str) else [item])]
    if not words or any(w not in allowed for w in words):
        raise InvalidRequestError(
            20001, f"{field}: {value!r} is not allowed; expected space-separated values of {', '.join(allowed)}"
        )
    return tuple(dict.fromkeys(words))
