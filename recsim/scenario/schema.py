"""The scenario schema: the whole input of a run (validated with pydantic).

A scenario holds the seed, the wall-clock epoch of simulated time 0, the account's
settings, the TwiML apps by URL, the audio of each party, and the calls with their timed
events. Every default is applied here, once; REST parameters keep their wire names
(:mod:`recsim.scenario.rest`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from recsim.errors import short_repr
from recsim.scenario.fields import Dbfs, PositiveSeconds, Seconds, Seed, StartSeconds, WireModel
from recsim.scenario.network import NetworkSpec, ScenarioNetwork
from recsim.scenario.network import unset as _unset
from recsim.scenario.rest import OutboundRecording, RestCreate, RestUpdate
from recsim.scenario.traffic import BANK_VOICES, Traffic

__all__ = ["Account", "AudioClip", "CallEvent", "CallSpec", "ConfigurationSpec", "PartySpec", "Scenario",
           "Synthetic", "Talker"]


class Account(WireModel):
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
        ``reference`` (the captured words, the default), ``pocketsphinx`` or
        ``package.module:Factory`` (recsim.transcription).
    word_error_rate : float
        The ``reference`` engine's seeded word error rate, 0 to 1 (0: the captured words exactly).
    transcription_delay_s : float
        Seconds from a recording's completion to its transcription (deterministic).
    dual_channel_conference_recording : bool
        Store conference recordings in two channels (004: "conference recordings (with
        the Dual-channel Recording for Conference Console setting enabled)").
    """

    sid: str | None = Field(default=None, pattern=r"^AC[0-9a-f]{32}$")
    max_call_duration_s: Literal[14400, 86400] = 14400
    delete_silent_recordings: bool = False
    min_duration_s: Seconds = 1.0
    duration_rounding: Literal["floor", "ceil", "round"] = "floor"
    trim_threshold_dbfs: Dbfs = -50.0
    trim_frame_s: float = Field(default=0.01, gt=0, le=1, allow_inf_nan=False)
    processing_delay_s: Seconds = 2.0
    finish_on_key_tail_loss_s: Seconds = 0.0
    dual_channel_conference_recording: bool = False
    transcription_engine: str = "reference"
    word_error_rate: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False, exclude_if=lambda v: v == 0.0)
    transcription_delay_s: Seconds = 5.0


class Synthetic(WireModel):
    """A seeded synthetic talker (speech-like audio) of ``seconds`` length."""

    seconds: PositiveSeconds
    seed: Seed = 0
    level_dbfs: Dbfs = -20.0
    pitch_hz: float = Field(default=120.0, gt=40, lt=500, allow_inf_nan=False)


class Talker(WireModel):
    """A slice of one of the shared synthetic voices (``recsim.traffic.talker_bank``):
    cheap speech for thousands of calls."""

    voice: int = Field(ge=0, lt=BANK_VOICES)
    offset_s: Seconds
    seconds: PositiveSeconds


class AudioClip(WireModel):
    """One clip of a party's audio: a file (any rate / format), a synthetic talker, or a
    slice of a shared voice, starting ``at`` seconds after the party's leg is answered."""

    file: str | None = None
    synthetic: Synthetic | None = None
    talker: Talker | None = None
    at: Seconds = 0.0

    @model_validator(mode="after")
    def _one_source(self) -> AudioClip:
        # run for every clip of every party: three tests, no generator (1 us less a clip)
        if (self.file is not None) + (self.synthetic is not None) + (self.talker is not None) != 1:
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


class PartySpec(WireModel):
    """A number or client: its voice, when it answers and when it hangs up.

    ``hangup_after_s`` counts from its answer; without it a dialed party hangs up when
    the conversation's audio (its own and the caller's) has ended, and a caller never
    hangs up on its own.
    """

    audio: AudioSpec
    answer_delay_s: Seconds = 2.0
    hangup_after_s: PositiveSeconds | None = None
    mulaw: bool = False
    codec: Literal["PCMU", "PCMA", "L16"] | None = Field(default=None, exclude_if=_unset)  # network.codecs
    network: NetworkSpec | None = Field(default=None, exclude_if=_unset)  # recsim.scenario.network
    dial_outcome: Literal["answer", "busy", "failed"] = Field(default="answer", exclude_if=lambda v: v == "answer")

    _norm = field_validator("audio", mode="before")(_clips)


class CallEvent(WireModel):
    """A timed event of a call, ``at`` seconds after the call starts. Exactly one of:
    ``dtmf`` (keys pressed by the remote party), ``hangup`` (``caller`` or ``callee``),
    ``no_media_s`` (no RTP for that many seconds), ``rest`` (a REST request)."""

    at: Seconds
    dtmf: str | None = Field(default=None, pattern=r"^[0-9#*]+$")
    hangup: Literal["caller", "callee"] | None = None
    no_media_s: PositiveSeconds | None = None
    rest: Annotated[RestCreate | RestUpdate, Field(discriminator="action")] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CallEvent:
        given = [k for k in ("dtmf", "hangup", "no_media_s", "rest") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of dtmf, hangup, no_media_s, rest (got {given or 'none'})")
        return self


class CallSpec(WireModel):
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
    start_s: StartSeconds = 0.0
    url: str | None = None
    twiml: str | None = None
    audio: list[AudioClip] | None = None
    record: OutboundRecording | None = None
    events: list[CallEvent] = Field(default_factory=list)
    index: int | None = Field(default=None, ge=0)
    network: NetworkSpec | None = Field(default=None, exclude_if=_unset)  # every leg of the call

    _norm = field_validator("audio", mode="before")(_clips)

    @model_validator(mode="after")
    def _check(self) -> CallSpec:
        if (self.url is None) == (self.twiml is None):
            raise ValueError("give exactly one of 'url' (a key of apps) or 'twiml' (inline XML)")
        if self.record is not None and self.direction != "outbound-api":
            raise ValueError("'record' (Record=true) is a parameter of outbound-api calls only")
        return self


class ConfigurationSpec(WireModel):
    """A Recording Configuration (004) that exists before the calls: the create body, and
    optionally its ``id`` (default: derived from the unique_name)."""

    id: str | None = Field(default=None, pattern=r"^voice_recordingconfiguration_[0-9a-z]+$")
    unique_name: str | None = Field(default=None, pattern=r"^\S+$")
    description: str | None = None
    configuration: dict[str, Any]


class Scenario(WireModel):
    """The input of a run. See docs/scenario.md for every field."""

    seed: Seed = 0
    epoch: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    account: Account = Field(default_factory=Account)
    apps: dict[str, str] = Field(default_factory=dict)
    media: dict[str, str] = Field(default_factory=dict)
    parties: dict[str, PartySpec] = Field(default_factory=dict)
    recording_configurations: list[ConfigurationSpec] = Field(default_factory=list)
    calls: list[CallSpec] = Field(default_factory=list)
    traffic: Traffic | None = None  # expanded into calls by load_scenario, kept for a batch
    network: ScenarioNetwork | None = Field(default=None, exclude_if=_unset)  # recsim.scenario.network
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
                raise ValueError(f"calls[{i}].url {short_repr(c.url)} is not a key of apps "
                                 f"(known: {short_repr(sorted(self.apps))})")
        return self

    def indexed_calls(self) -> list[tuple[int, CallSpec]]:
        """Every listed call with its index: ``CallSpec.index``, or its position in
        ``calls`` when not given (the one place this default is applied).

        Returns
        -------
        list of (int, CallSpec)
            In the order of ``calls``.
        """
        return [(c.index if c.index is not None else i, c) for i, c in enumerate(self.calls)]

    def resolve_path(self, path: str) -> Path:
        """An audio path from the scenario, relative to the scenario's folder."""
        p = Path(path)
        return p if p.is_absolute() else self.base_dir / p
