"""REST requests a scenario's calls make, with their wire names (spec 002): the
recording parameters of an outbound-api Calls create, and the Recordings create and
update requests of a call's timed events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

import recsim.values as wire
from recsim.scenario.fields import WireModel

__all__ = ["EventName", "OutboundRecording", "RestCreate", "RestUpdate"]

EventName = Literal["in-progress", "completed", "absent"]


class OutboundRecording(WireModel):
    """Record=true and the recording parameters of the Calls create request (wire names)."""

    Record: bool = True
    RecordingChannels: wire.Channels = wire.Channels.MONO
    RecordingTrack: wire.Track = wire.Track.BOTH
    Trim: wire.Trim = wire.Trim.TRIM_SILENCE
    RecordingStatusCallback: str | None = None
    RecordingStatusCallbackMethod: Literal["GET", "POST"] = "POST"
    RecordingStatusCallbackEvent: list[EventName] = Field(default_factory=lambda: ["completed"])  # type: ignore[arg-type]
    RecordingConfigurationId: str | None = None

    _ev = field_validator("RecordingStatusCallbackEvent", mode="before")(wire.split_events)
    _mix = model_validator(mode="after")(lambda self: _no_mixing(self))


def _no_mixing(model: Any) -> Any:
    """RecordingConfigurationId excludes the programmatic recording parameters (004)."""
    if getattr(model, "RecordingConfigurationId", None) is not None:
        given = sorted(f for f in model.model_fields_set if f.startswith(("Recording", "Trim"))
                       and f != "RecordingConfigurationId")
        if given:
            raise ValueError(f"RecordingConfigurationId cannot be combined with the programmatic recording "
                             f"parameters {', '.join(given)}; use the configuration or the parameters, not both")
    return model


class RestCreate(WireModel):
    """POST .../Calls/{CallSid}/Recordings.json (002 "Create a Recording resource"); with
    ``conference`` (a room name), POST .../Conferences/{ConferenceSid}/Recordings.json,
    which the platform refuses (003: not supported)."""

    action: Literal["create"]
    conference: str | None = None
    RecordingChannels: wire.Channels | None = None
    RecordingTrack: wire.Track | None = None
    Trim: wire.Trim | None = None
    RecordingStatusCallback: str | None = None
    RecordingStatusCallbackMethod: Literal["GET", "POST"] | None = None
    RecordingStatusCallbackEvent: list[EventName] | None = None
    RecordingConfigurationId: str | None = None

    _ev = field_validator("RecordingStatusCallbackEvent", mode="before")(wire.split_events)
    _mix = model_validator(mode="after")(lambda self: _no_mixing(self))


class RestUpdate(WireModel):
    """POST .../Calls/{CallSid}/Recordings/{Sid}.json (002 "Update a Recording resource"),
    or .../Conferences/{ConferenceSid}/Recordings/{Sid}.json with ``conference`` (a room
    name).

    ``recording`` is a RecordingSid, ``Twilio.CURRENT``, or the 1-based index of the
    call's (or conference's) recordings in creation order (a scenario does not know SIDs
    in advance).
    """

    action: Literal["update"]
    conference: str | None = None
    recording: str | int = "Twilio.CURRENT"
    Status: wire.UpdateStatus
    PauseBehavior: wire.PauseBehavior | None = None
