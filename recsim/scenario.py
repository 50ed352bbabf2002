"""Scenario schema and loader (YAML, validated with pydantic).

A scenario is the whole input of a run: the seed, the wall-clock epoch of simulated
time 0, the account's settings, the TwiML apps by URL, the audio of each party, and the
calls with their timed events. REST parameters keep their wire names (spec 002:
``RecordingChannels``, ``RecordingStatusCallbackEvent``, ``PauseBehavior`` ...).

Paths to audio files are relative to the scenario file. Every error names the file, the
path to the field, the value and the allowed values (:class:`recsim.errors.ScenarioError`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from recsim.errors import ScenarioError

__all__ = [
    "Account",
    "AudioClip",
    "CallEvent",
    "CallSpec",
    "OutboundRecording",
    "PartySpec",
    "RestCreate",
    "RestUpdate",
    "Scenario",
    "load_scenario",
    "scenario_from_dict",
]

EventName = Literal["in-progress", "completed", "absent"]


def _split_events(v: Any) -> Any:
    if isinstance(v, str):
        return v.replace(",", " ").split()
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Account(_Model):
    """Account settings that change recording behaviour.

    Attributes
    ----------
    sid : str
        AccountSid (AC + 32 hex); derived from the seed when omitted.
    max_call_duration_s : 14400 or 86400
        Maximum call length (001 maxLength: "4 hours ... or 24 hours").
    delete_silent_recordings : bool
        Entirely silent recordings become absent (000 absent event; off by default).
    min_duration_s : float
        Recordings shorter than this after trimming are absent (recsim's assumption).
    duration_rounding : floor, ceil or round
        How whole-second ``duration`` / ``RecordingDuration`` derive from samples.
    trim_threshold_dbfs, trim_frame_s : float
        The silence rule of trim-silence and ``<Record timeout>``.
    processing_delay_s : float
        Seconds from stop to completed (media available).
    finish_on_key_tail_loss_s : float
        Audio lost before a finishOnKey press (001: "approximately the one second").
    transcription_engine : str
        ``pocketsphinx`` or ``package.module:Factory`` (recsim.transcription).
    transcription_delay_s : float
        Seconds from a recording's completion to its transcription (deterministic).
    dual_channel_conference_recording : bool
        Store conference recordings in two channels (004: "conference recordings (with
        the Dual-channel Recording for Conference Console setting enabled)").
    """

    sid: str | None = Field(default=None, pattern=r"^AC[0-9a-f]{32}$")
    max_call_duration_s: Literal[14400, 86400] = 14400
    delete_silent_recordings: bool = False
    min_duration_s: float = Field(default=1.0, ge=0)
    duration_rounding: Literal["floor", "ceil", "round"] = "floor"
    trim_threshold_dbfs: float = Field(default=-50.0, le=0)
    trim_frame_s: float = Field(default=0.01, gt=0, le=1)
    processing_delay_s: float = Field(default=2.0, ge=0)
    finish_on_key_tail_loss_s: float = Field(default=0.0, ge=0)
    dual_channel_conference_recording: bool = False
    transcription_engine: str = "pocketsphinx"
    transcription_delay_s: float = Field(default=5.0, ge=0)


class Synthetic(_Model):
    """A seeded synthetic talker (speech-like audio) of ``seconds`` length."""

    seconds: float = Field(gt=0)
    seed: int = 0
    level_dbfs: float = Field(default=-20.0, le=0)
    pitch_hz: float = Field(default=120.0, gt=40, lt=500)


class Talker(_Model):
    """A slice of one of the shared synthetic voices (``recsim.traffic.talker_bank``):
    cheap speech for thousands of calls."""

    voice: int = Field(ge=0, lt=8)
    offset_s: float = Field(ge=0)
    seconds: float = Field(gt=0)


class AudioClip(_Model):
    """One clip of a party's audio: a file (any rate / format), a synthetic talker, or a
    slice of a shared voice, starting ``at`` seconds after the party's leg is answered."""

    file: str | None = None
    synthetic: Synthetic | None = None
    talker: Talker | None = None
    at: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _one_source(self) -> AudioClip:
        if sum(x is not None for x in (self.file, self.synthetic, self.talker)) != 1:
            raise ValueError("give exactly one of 'file', 'synthetic' or 'talker'")
        return self


def _clips(v: Any) -> Any:
    """A path, a clip, or a list of paths and clips -> a list of clips."""
    if isinstance(v, (str, dict)):
        v = [v]
    if isinstance(v, list):
        return [{"file": c} if isinstance(c, str) else c for c in v]
    return v


AudioSpec = Annotated[list[AudioClip], Field(default_factory=list)]


class PartySpec(_Model):
    """A number or client: its voice, when it answers and when it hangs up.

    ``hangup_after_s`` counts from its answer; without it a dialed party hangs up when
    the conversation's audio (its own and the caller's) has ended, and a caller never
    hangs up on its own.
    """

    audio: AudioSpec
    answer_delay_s: float = Field(default=2.0, ge=0)
    hangup_after_s: float | None = Field(default=None, gt=0)
    mulaw: bool = False

    _norm = field_validator("audio", mode="before")(_clips)


class OutboundRecording(_Model):
    """Record=true and the recording parameters of the Calls create request (wire names)."""

    Record: bool = True
    RecordingChannels: Literal["mono", "dual"] = "mono"
    RecordingTrack: Literal["inbound", "outbound", "both"] = "both"
    Trim: Literal["trim-silence", "do-not-trim"] = "trim-silence"
    RecordingStatusCallback: str | None = None
    RecordingStatusCallbackMethod: Literal["GET", "POST"] = "POST"
    RecordingStatusCallbackEvent: list[EventName] = Field(default_factory=lambda: ["completed"])  # type: ignore[arg-type]
    RecordingConfigurationId: str | None = None

    _ev = field_validator("RecordingStatusCallbackEvent", mode="before")(_split_events)
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


class RestCreate(_Model):
    """POST .../Calls/{CallSid}/Recordings.json (002 "Create a Recording resource"); with
    ``conference`` (a room name), POST .../Conferences/{ConferenceSid}/Recordings.json,
    which the platform refuses (003: not supported)."""

    action: Literal["create"]
    conference: str | None = None
    RecordingChannels: Literal["mono", "dual"] | None = None
    RecordingTrack: Literal["inbound", "outbound", "both"] | None = None
    Trim: Literal["trim-silence", "do-not-trim"] | None = None
    RecordingStatusCallback: str | None = None
    RecordingStatusCallbackMethod: Literal["GET", "POST"] | None = None
    RecordingStatusCallbackEvent: list[EventName] | None = None
    RecordingConfigurationId: str | None = None

    _ev = field_validator("RecordingStatusCallbackEvent", mode="before")(_split_events)
    _mix = model_validator(mode="after")(lambda self: _no_mixing(self))


class RestUpdate(_Model):
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
    Status: Literal["paused", "in-progress", "stopped"]
    PauseBehavior: Literal["skip", "silence"] | None = None


class CallEvent(_Model):
    """A timed event of a call, ``at`` seconds after the call starts. Exactly one of:
    ``dtmf`` (keys pressed by the remote party), ``hangup`` (``caller`` or ``callee``),
    ``no_media_s`` (no RTP for that many seconds), ``rest`` (a REST request)."""

    at: float = Field(ge=0)
    dtmf: str | None = Field(default=None, pattern=r"^[0-9#*]+$")
    hangup: Literal["caller", "callee"] | None = None
    no_media_s: float | None = Field(default=None, gt=0)
    rest: Annotated[RestCreate | RestUpdate, Field(discriminator="action")] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CallEvent:
        given = [k for k in ("dtmf", "hangup", "no_media_s", "rest") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of dtmf, hangup, no_media_s, rest (got {given or 'none'})")
        return self


class CallSpec(_Model):
    """One call: who calls whom, when, with which TwiML, audio and events.

    ``index`` seeds the call's SIDs (default: its position in ``calls``; traffic units
    set it so that a unit's outputs are the same however the traffic is run).

    ``direction`` inbound: ``from`` is the caller whose audio is the inbound stream and
    the first TwiML runs at once. outbound-api: the platform calls ``to``, which answers
    after its answer delay; its audio is the inbound stream; ``record`` carries
    Record=true and the recording parameters.
    """

    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    direction: Literal["inbound", "outbound-api"] = "inbound"
    start_s: float = Field(default=0.0, ge=0)
    url: str | None = None
    twiml: str | None = None
    audio: list[AudioClip] | None = None
    record: OutboundRecording | None = None
    events: list[CallEvent] = Field(default_factory=list)
    index: int | None = Field(default=None, ge=0)

    _norm = field_validator("audio", mode="before")(_clips)

    @model_validator(mode="after")
    def _check(self) -> CallSpec:
        if (self.url is None) == (self.twiml is None):
            raise ValueError("give exactly one of 'url' (a key of apps) or 'twiml' (inline XML)")
        if self.record is not None and self.direction != "outbound-api":
            raise ValueError("'record' (Record=true) is a parameter of outbound-api calls only")
        return self


class ConfigurationSpec(_Model):
    """A Recording Configuration (004) that exists before the calls: the create body, and
    optionally its ``id`` (default: derived from the unique_name)."""

    id: str | None = Field(default=None, pattern=r"^voice_recordingconfiguration_[0-9a-z]+$")
    unique_name: str | None = Field(default=None, pattern=r"^\S+$")
    description: str | None = None
    configuration: dict[str, Any]


class Scenario(_Model):
    """The input of a run. See docs/scenario.md for every field."""

    seed: int = 0
    epoch: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    account: Account = Field(default_factory=Account)
    apps: dict[str, str] = Field(default_factory=dict)
    media: dict[str, str] = Field(default_factory=dict)
    parties: dict[str, PartySpec] = Field(default_factory=dict)
    recording_configurations: list[ConfigurationSpec] = Field(default_factory=list)
    calls: list[CallSpec] = Field(default_factory=list)
    traffic: Any = None  # recsim.traffic.Traffic, expanded into calls by load_scenario
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: str = Field(default="<dict>", exclude=True)

    @field_validator("epoch")
    @classmethod
    def _utc(cls, v: dt.datetime) -> dt.datetime:
        return v if v.tzinfo else v.replace(tzinfo=dt.UTC)

    @model_validator(mode="after")
    def _refs(self) -> Scenario:
        for i, c in enumerate(self.calls):
            if c.url is not None and c.url not in self.apps:
                raise ValueError(f"calls[{i}].url {c.url!r} is not a key of apps (known: {sorted(self.apps)})")
        return self

    def resolve_path(self, path: str) -> Path:
        """An audio path from the scenario, relative to the scenario's folder."""
        p = Path(path)
        return p if p.is_absolute() else self.base_dir / p


def _format_error(source: str, err: ValidationError) -> ScenarioError:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        value = e.get("input")
        shown = repr(value) if not isinstance(value, dict) else "{...}"
        lines.append(f"{source}: {loc or '(top)'}: {e['msg']} (got {shown})")
    return ScenarioError("invalid scenario\n" + "\n".join(lines))


def scenario_from_dict(data: dict[str, Any], *, base_dir: Path | str = ".", source: str = "<dict>",
                       expand: bool = True) -> Scenario:
    """Validate a scenario given as a dict (the parsed YAML).

    A ``traffic`` section is expanded into calls; with ``expand=False`` it is kept as
    ``Scenario.traffic`` (validated) for :func:`recsim.batch.run_batch`, whose shards
    expand their own units (memory bounded by a shard).

    Raises
    ------
    ScenarioError
        One line per problem: ``source: path.to.field: message (got value)``.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: the scenario must be a mapping, got {type(data).__name__}")
    try:
        if data.get("traffic") is not None:
            from recsim.traffic import expand_traffic, traffic_of

            data = expand_traffic(data, source=source) if expand else {**data, "traffic": traffic_of(data)}
        return Scenario.model_validate({**data, "base_dir": Path(base_dir), "source": source})
    except ValidationError as err:
        raise _format_error(source, err) from None


def load_scenario(path: str | Path, *, expand: bool = True) -> Scenario:
    """Read and validate a YAML scenario file (``expand`` as :func:`scenario_from_dict`).

    Raises
    ------
    ScenarioError
        Missing file, YAML syntax error, or invalid fields (each named with its path).
    """
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{p}: no such scenario file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{p}: not valid YAML ({exc})") from None
    return scenario_from_dict(data, base_dir=p.parent, source=str(p), expand=expand)
