"""Scenario schema and loader (YAML, validated with pydantic).

A scenario is the whole input of a run: the seed, the wall-clock epoch of simulated
time 0, the account's settings, the TwiML apps by URL, the audio of each party, and the
calls with their timed events. REST parameters keep their wire names (spec 002:
``RecordingChannels``, ``RecordingStatusCallbackEvent``, ``PauseBehavior`` ...).

Paths to audio files are relative to the scenario file. Every error names the file, the
path to the field, the value and the allowed values (:class:`recsim.errors.ScenarioError`);
values are cut to 80 characters and unknown keys list the allowed ones ("did you mean").

Bounds: every number is finite. A time inside a call (event ``at``, clip ``at``, a
talker's ``offset_s``, a clip's ``seconds``, delays) is at most ``MAX_CALL_S`` (86,400 s,
the longest call an account allows); a call's ``start_s`` is at most ``MAX_START_S``
(2,592,000 s = 30 days); levels in dBFS are in [-200, 0]. A scenario file is at most
``MAX_YAML_BYTES`` (16 MB) of UTF-8, and YAML aliases may expand to at most
``MAX_ALIAS_NODES`` (100,000) nodes in all (a "billion laughs" is refused at once).
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

import recsim.values as wire
from recsim.errors import ScenarioError, problem_message, short_repr, validation_problems

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_CALL_S",
    "MAX_START_S",
    "MAX_YAML_BYTES",
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
    "parse_yaml",
    "scenario_from_dict",
]

EventName = Literal["in-progress", "completed", "absent"]

#: The longest call an account allows (s): the bound of every time inside a call.
MAX_CALL_S = 86_400.0
#: The latest start of a call (s, 30 days after the scenario's epoch).
MAX_START_S = 2_592_000.0
#: The largest scenario file (bytes).
MAX_YAML_BYTES = 16 * 1024 * 1024
#: The most nodes that YAML aliases may expand to, over a whole document.
MAX_ALIAS_NODES = 100_000

#: Seconds inside a call: finite, in [0, MAX_CALL_S].
Seconds = Annotated[float, Field(ge=0, le=MAX_CALL_S, allow_inf_nan=False)]
#: A positive length inside a call: finite, in (0, MAX_CALL_S].
PositiveSeconds = Annotated[float, Field(gt=0, le=MAX_CALL_S, allow_inf_nan=False)]
#: A call's start: finite, in [0, MAX_START_S].
StartSeconds = Annotated[float, Field(ge=0, le=MAX_START_S, allow_inf_nan=False)]
#: A level in dB relative to full scale: finite, in [-200, 0].
Dbfs = Annotated[float, Field(ge=-200, le=0, allow_inf_nan=False)]
#: A seed of numpy's generators: a non-negative 64-bit integer.
Seed = Annotated[int, Field(ge=0, lt=2**64)]


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
    min_duration_s: Seconds = 1.0
    duration_rounding: Literal["floor", "ceil", "round"] = "floor"
    trim_threshold_dbfs: Dbfs = -50.0
    trim_frame_s: float = Field(default=0.01, gt=0, le=1, allow_inf_nan=False)
    processing_delay_s: Seconds = 2.0
    finish_on_key_tail_loss_s: Seconds = 0.0
    dual_channel_conference_recording: bool = False
    transcription_engine: str = "pocketsphinx"
    transcription_delay_s: Seconds = 5.0


class Synthetic(_Model):
    """A seeded synthetic talker (speech-like audio) of ``seconds`` length."""

    seconds: PositiveSeconds
    seed: Seed = 0
    level_dbfs: Dbfs = -20.0
    pitch_hz: float = Field(default=120.0, gt=40, lt=500, allow_inf_nan=False)


class Talker(_Model):
    """A slice of one of the shared synthetic voices (``recsim.traffic.talker_bank``):
    cheap speech for thousands of calls."""

    voice: int = Field(ge=0, lt=8)
    offset_s: Seconds
    seconds: PositiveSeconds


class AudioClip(_Model):
    """One clip of a party's audio: a file (any rate / format), a synthetic talker, or a
    slice of a shared voice, starting ``at`` seconds after the party's leg is answered."""

    file: str | None = None
    synthetic: Synthetic | None = None
    talker: Talker | None = None
    at: Seconds = 0.0

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
    answer_delay_s: Seconds = 2.0
    hangup_after_s: PositiveSeconds | None = None
    mulaw: bool = False

    _norm = field_validator("audio", mode="before")(_clips)


class OutboundRecording(_Model):
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


class RestCreate(_Model):
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
    Status: wire.UpdateStatus
    PauseBehavior: wire.PauseBehavior | None = None


class CallEvent(_Model):
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
    start_s: StartSeconds = 0.0
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

    seed: Seed = 0
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


def _members(t: Any) -> list[Any]:
    """The types an annotation may hold: ``Annotated`` and ``Optional`` / unions unwrapped."""
    if get_origin(t) is Annotated:
        return _members(get_args(t)[0])
    if get_origin(t) in (Union, types.UnionType):
        return [m for a in get_args(t) for m in _members(a)]
    return [] if t is type(None) else [t]


def _step(t: Any, part: str | int) -> Any:
    """The type at ``part`` (a field name or alias, a list index, a dict key or a union tag) of ``t``."""
    for m in _members(t):
        if isinstance(m, type) and issubclass(m, BaseModel) and isinstance(part, str):
            for name, f in m.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
            if any(part in get_args(f.annotation) for f in m.model_fields.values()):
                return m  # the tag of a discriminated union (rest.update)
        elif get_origin(m) is list and isinstance(part, int):
            return get_args(m)[0]
        elif get_origin(m) is dict and isinstance(part, str):
            return get_args(m)[1]
    return None


def _allowed_keys(root: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at ``loc`` accepts (wire names), or [] when unknown."""
    t: Any = root
    for part in loc:
        t = _step(t, part)
    models = [m for m in _members(t) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) != 1:
        return []
    return [f.alias or name for name, f in models[0].model_fields.items() if not f.exclude]


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def _range(root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """``allowed: 0 to 86400`` for the number field at ``loc``, or "" when unknown."""
    t: Any = root
    for part in loc[:-1]:
        t = _step(t, part)
    for m in _members(t):
        if isinstance(m, type) and issubclass(m, BaseModel):
            field = next((f for n, f in m.model_fields.items() if loc[-1] in (n, f.alias)), None)
            if field is not None:
                ops = {"Ge": ">=", "Gt": ">", "Le": "<=", "Lt": "<"}
                parts = [f"{ops[type(c).__name__]} {_num(getattr(c, type(c).__name__.lower()))}"
                         for c in field.metadata if type(c).__name__ in ops]
                return "; allowed: finite numbers" + (" " + " and ".join(parts) if parts else "")
    return ""


def _unknown_key(root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """``unknown field; did you mean 'x'? allowed: a, b, c`` for an extra key at ``loc``."""
    allowed = _allowed_keys(root, loc[:-1])
    if not allowed:
        return "Extra inputs are not permitted: unknown field"
    key = str(loc[-1])
    close = ([a for a in allowed if a.lower() == key.lower()] or difflib.get_close_matches(key, allowed, n=1)
             or [a for a in allowed if key and a.lower().startswith(key.lower())][:1])
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"Extra inputs are not permitted: unknown field; {hint}allowed: {', '.join(allowed)}"


def _explainer(root: type[BaseModel]) -> Any:
    """The ``explain`` hook of :func:`recsim.errors.validation_problems` for ``root``:
    an unknown key lists the allowed keys ("did you mean"), a non-finite number its range."""

    def explain(e: Any, loc: tuple[str | int, ...]) -> str:
        if e["type"] == "extra_forbidden":
            return _unknown_key(root, loc)
        if e["type"] == "finite_number" and loc:
            return problem_message({**e, "msg": e["msg"] + _range(root, loc)})
        return problem_message(e)

    return explain


def _format_error(source: str, err: ValidationError, root: type[BaseModel] | None = None,
                  prefix: tuple[str | int, ...] = ()) -> ScenarioError:
    """A ScenarioError of one line per problem (at most ``recsim.errors.MAX_PROBLEMS``, the rest counted)."""
    lines = validation_problems(err, prefix=prefix, explain=_explainer(root or Scenario))
    return ScenarioError("invalid scenario\n" + "\n".join(f"{source}: {line}" for line in lines))


def _traffic(data: dict[str, Any], source: str, expand: bool) -> dict[str, Any]:
    """``data`` with its traffic section expanded into calls, or validated (``expand=False``).

    Raises
    ------
    ScenarioError
        An invalid ``seed`` or ``traffic`` section (named ``traffic.<field>``).
    """
    from recsim.traffic import Traffic, check_starts, expand_traffic, traffic_of

    try:
        seed = TypeAdapter(Seed).validate_python(data.get("seed", 0))
    except ValidationError as err:
        raise _format_error(source, err, prefix=("seed",)) from None
    try:
        tr = traffic_of(data)
    except ValidationError as err:
        raise _format_error(source, err, root=Traffic, prefix=("traffic",)) from None
    try:
        check_starts(tr, seed)
    except ValueError as exc:
        raise ScenarioError(f"invalid scenario\n{source}: traffic.arrivals: {exc}") from None
    return expand_traffic({**data, "seed": seed}, source=source) if expand else {**data, "traffic": tr}


def scenario_from_dict(data: dict[str, Any], *, base_dir: Path | str = ".", source: str = "<dict>",
                       expand: bool = True) -> Scenario:
    """Validate a scenario given as a dict (the parsed YAML).

    A ``traffic`` section is expanded into calls; with ``expand=False`` it is kept as
    ``Scenario.traffic`` (validated) for :func:`recsim.batch.run_batch`, whose shards
    expand their own units (memory bounded by a shard).

    Parameters
    ----------
    data : dict
        The scenario (the parsed YAML, or a JSON body).
    base_dir : path
        Folder that relative audio paths are resolved against.
    source : str
        Name of the input in error messages (a file path, ``POST /recsim/scenario``).
    expand : bool
        Expand ``traffic`` into calls (True) or keep it for a batch (False).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        One line per problem: ``source: path.to.field: message (got value)``; values cut
        to 80 characters, at most 20 problems listed; an unknown key lists the allowed keys.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: the scenario must be a mapping, got {type(data).__name__}")
    if data.get("traffic") is not None:
        data = _traffic(data, source, expand)
    try:
        return Scenario.model_validate({**data, "base_dir": Path(base_dir), "source": source})
    except ValidationError as err:
        raise _format_error(source, err) from None


class _YamlLimit(Exception):
    """A YAML document over a bound (aliases expanding too far, or a recursive alias)."""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts the nodes aliases stand for and refuses more than
    ``MAX_ALIAS_NODES`` in a document (a "billion laughs"), or an alias inside its anchor."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}
        self._expanded = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        alias = self.check_event(yaml.AliasEvent)
        node = super().compose_node(parent, index)
        if not alias:
            children = node.value if isinstance(node, yaml.SequenceNode) else (
                [n for kv in node.value for n in kv] if isinstance(node, yaml.MappingNode) else [])
            self._sizes[id(node)] = 1 + sum(self._sizes.get(id(c), 1) for c in children)
            return node
        size = self._sizes.get(id(node))
        if size is None:
            raise _YamlLimit("an alias refers to a node that contains it (a recursive structure)")
        self._expanded += size
        if self._expanded > MAX_ALIAS_NODES:
            raise _YamlLimit(f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?); "
                             "write the values out or use fewer aliases")
        return node


def parse_yaml(text: str | bytes, source: str = "<yaml>") -> Any:
    """Parse YAML safely and within bounds: at most ``MAX_YAML_BYTES``, UTF-8, aliases
    expanding to at most ``MAX_ALIAS_NODES`` nodes.

    Parameters
    ----------
    text : str or bytes
        The document (bytes are decoded as UTF-8).
    source : str
        Name of the input in error messages.

    Returns
    -------
    Any
        The parsed document (a dict for a scenario).

    Raises
    ------
    ScenarioError
        Too large, not UTF-8 (names the byte offset), not valid YAML, nested too deeply,
        or an alias bomb.
    """
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError(f"{source}: {len(text):,} bytes, more than the {MAX_YAML_BYTES:,} a scenario may have")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{source}: not UTF-8 text (byte {exc.start:,} is "
                                f"{exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8") from None
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML ({_cut(str(exc))})") from None
    except _YamlLimit as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()


def _cut(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def load_scenario(path: str | Path, *, expand: bool = True) -> Scenario:
    """Read and validate a YAML scenario file (``expand`` as :func:`scenario_from_dict`).

    Parameters
    ----------
    path : str or Path
        The scenario file (at most 16 MB of UTF-8 YAML).
    expand : bool
        Expand a ``traffic`` section into calls (see :func:`scenario_from_dict`).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Missing, unreadable, too large or non-UTF-8 file, YAML syntax error or alias bomb,
        or invalid fields (each named with its path).
    """
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{p}: no such scenario file")
    try:
        if p.stat().st_size > MAX_YAML_BYTES:
            raise ScenarioError(f"{p}: {p.stat().st_size:,} bytes, more than the {MAX_YAML_BYTES:,} "
                                "a scenario may have")
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{p}: cannot read the scenario ({exc.strerror or exc})") from None
    return scenario_from_dict(parse_yaml(raw, str(p)), base_dir=p.parent, source=str(p), expand=expand)
