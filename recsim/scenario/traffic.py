"""Traffic: a scenario that describes arrivals and a mix of call templates instead of
listing calls; expanded into ordinary calls, deterministically.

::

    traffic:
      calls: 10000                                   # or span_s: 3600
      arrivals: {process: poisson, rate_per_s: 2.0}  # or {process: fixed, interval_s: 0.5}
      call_seconds: {dist: uniform, low: 50, high: 70}
      talk: {spurt_s: {dist: uniform, low: 1, high: 5}, pause_s: {dist: uniform, low: 0.3, high: 1.5}}
      mix:
        - {template: voicemail, weight: 4}
        - {template: dual_dial, weight: 3}
        - {template: payment_pause, weight: 2}
        - {template: outbound_record, weight: 1}
        - {template: conference, weight: 1, participants: 3}
      callback_url: https://app.example.com/recording-status

Unit ``i`` (one call, or the participants of one conference) draws everything from
``SeedSequence(seed, spawn_key=(3, i))``; arrival times are the cumulative sum of one
seeded stream of gaps. So a unit's calls, and so its outputs, depend only on the seed and
its index. Voices are slices of eight shared synthetic talkers (:func:`recsim.traffic.talker_bank`),
so speech for thousands of calls costs no synthesis per call.

Bounds (every number finite): a drawn length is clipped to [0.01, 86,400] s; ``span_s``
and every unit's start (plus a conference's join, up to 5 s) at most 30 days
(``recsim.scenario.MAX_START_S``); ``rate_per_s`` at most 1,000; ``interval_s`` at least
0.001 s; at most 10,000,000 units (``calls``, or the units ``span_s`` makes); a
lognormal's ``mean`` at most ln(86,400) and its ``sd`` at most 10.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from recsim.scenario.fields import MAX_CALL_S, MAX_START_S
from recsim.scenario.network import NetworkSpec

__all__ = ["BANK_SECONDS", "BANK_VOICES", "MAX_UNITS", "TEMPLATES", "UNIT_INDEX_BASE", "Traffic", "check_starts",
           "expand_traffic", "expand_units", "unit_starts"]

TEMPLATES = ("voicemail", "dual_dial", "payment_pause", "outbound_record", "conference")
BANK_VOICES = 8
BANK_SECONDS = 180.0
#: The most units (calls, or conferences) a traffic section may make.
MAX_UNITS = 10_000_000
#: The shortest length a distribution draws (s): talk loops always move on.
MIN_DRAW_S = 0.01
#: The latest join of a conference participant after its unit's start (s).
MAX_JOIN_S = 5.0

class _TrafficModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: A positive length (s): finite, in (0, MAX_CALL_S].
Length = Annotated[float, Field(gt=0, le=MAX_CALL_S, allow_inf_nan=False)]


class Dist(_TrafficModel):
    """A distribution of seconds: fixed (value), uniform (low, high), normal (mean, sd,
    clipped at low), lognormal (mean, sd of the underlying normal)."""

    dist: Literal["fixed", "uniform", "normal", "lognormal"] = "fixed"
    value: Length = 60.0
    low: Length = 1.0
    high: Length = 2.0
    mean: float = Field(default=1.0, ge=-MAX_CALL_S, le=MAX_CALL_S, allow_inf_nan=False)
    sd: float = Field(default=0.0, ge=0, le=MAX_CALL_S, allow_inf_nan=False)

    @model_validator(mode="after")
    def _lognormal(self) -> Dist:
        if self.dist == "lognormal" and (self.mean > math.log(MAX_CALL_S) or self.sd > 10):
            raise ValueError(f"a lognormal's mean (of the log) is at most ln({MAX_CALL_S:.0f}) = "
                             f"{math.log(MAX_CALL_S):.2f} and its sd at most 10 (got mean {self.mean}, sd {self.sd})")
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One length (s) drawn from ``rng`` (numpy.random.Generator, the unit's),
        clipped to [MIN_DRAW_S, MAX_CALL_S]."""
        if self.dist == "fixed":
            x = self.value
        elif self.dist == "uniform":
            x = float(rng.uniform(self.low, self.high))
        elif self.dist == "normal":
            x = max(self.low, float(rng.normal(self.mean, self.sd)))
        else:
            x = float(rng.lognormal(self.mean, self.sd))
        return min(max(x, MIN_DRAW_S), MAX_CALL_S)


class Arrivals(_TrafficModel):
    """Poisson arrivals at ``rate_per_s``, or one call every ``interval_s``."""

    process: Literal["poisson", "fixed"] = "poisson"
    rate_per_s: float = Field(default=1.0, gt=0, le=1000, allow_inf_nan=False)
    interval_s: float = Field(default=1.0, ge=0.001, le=MAX_START_S, allow_inf_nan=False)


class Talk(_TrafficModel):
    """Talk spurts and pauses of a party."""

    spurt_s: Dist = Field(default_factory=lambda: Dist(dist="uniform", low=1.0, high=5.0))
    pause_s: Dist = Field(default_factory=lambda: Dist(dist="uniform", low=0.3, high=1.5))


class MixEntry(_TrafficModel):
    """One template of the mix, its weight, (conferences) its participant count and
    (optional) the network of its calls: a preset and overrides
    (:class:`recsim.scenario.network.NetworkSpec`), copied into every call it expands to
    as ``calls[i].network`` (over the scenario's ``network``)."""

    template: Literal["voicemail", "dual_dial", "payment_pause", "outbound_record", "conference"]
    weight: float = Field(default=1.0, gt=0, le=1e6, allow_inf_nan=False)
    participants: int = Field(default=3, ge=2, le=10)
    network: NetworkSpec | None = Field(default=None, exclude_if=lambda v: v is None)  # unset: left out of dumps


class Traffic(_TrafficModel):
    """The ``traffic`` section of a scenario (``calls`` 100 when neither ``calls`` nor
    ``span_s`` is given)."""

    calls: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    span_s: float | None = Field(default=None, gt=0, le=MAX_START_S, allow_inf_nan=False)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    call_seconds: Dist = Field(default_factory=lambda: Dist(value=60.0))
    talk: Talk = Field(default_factory=Talk)
    mix: list[MixEntry] = Field(min_length=1)
    callback_url: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _hundred_calls(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("calls") is None and data.get("span_s") is None:
            return {**data, "calls": 100}
        return data

    @model_validator(mode="after")
    def _bounded(self) -> Traffic:
        if self.calls is None and self.span_s is not None:
            per_s = self.arrivals.rate_per_s if self.arrivals.process == "poisson" else 1 / self.arrivals.interval_s
            if self.span_s * per_s > MAX_UNITS:
                raise ValueError(f"span_s {self.span_s} at {per_s:g} calls per second makes more than "
                                 f"{MAX_UNITS:,} calls; shorten span_s or lower the arrival rate")
        return self


def _talk(rng: np.random.Generator, talk: Talk, start: float, end: float, voice: int) -> list[dict[str, Any]]:
    """Talker clips alternating with pauses over [start, end) seconds."""
    if talk.spurt_s.dist == "uniform" and talk.pause_s.dist == "uniform":
        clips = _talk_uniform(rng, talk, start, end, voice)
        if clips is not None:
            return clips
    clips = []
    t = start
    while t < end:
        spurt = min(talk.spurt_s.draw(rng), end - t, 20.0)
        if spurt > 0.05:
            clips.append({"talker": {"voice": voice, "offset_s": round(float(rng.uniform(0, BANK_SECONDS - 21)), 3),
                                     "seconds": round(spurt, 3)}, "at": round(t, 3)})
        t += spurt + talk.pause_s.draw(rng)
    return clips


#: Most spurt / offset / pause triples drawn at once by :func:`_talk_uniform`.
_BULK = 400
#: Per-column floor and ceiling of (spurt, offset, pause) rows: Dist.draw's clip, a spurt at most 20 s.
_FLOOR, _CEIL = np.array([MIN_DRAW_S, -np.inf, MIN_DRAW_S]), np.array([20.0, np.inf, MAX_CALL_S])


def _talk_uniform(rng: np.random.Generator, talk: Talk, start: float, end: float,
                  voice: int) -> list[dict[str, Any]] | None:
    """:func:`_talk` for uniform spurts and pauses with the same draws, all at once:
    ``low + range * rng.random()`` element by element is what ``rng.uniform`` computes
    from each double it draws (as the scalar calls do), at a fifth of the cost of its
    array-bounds path; then the generator is put back and advanced by the draws used.
    None (nothing drawn) when a spurt is too short for a clip or there may be more than
    ``_BULK``."""
    s, p = talk.spurt_s, talk.pause_s
    m = max(1, int((end - start) / (min(max(s.low, MIN_DRAW_S), 20.0) + max(p.low, MIN_DRAW_S))) + 2)
    if m > _BULK:
        return None
    lows, ranges = np.array([s.low, 0.0, p.low]), np.array([s.high - s.low, BANK_SECONDS - 21, p.high - p.low])
    bits = rng.bit_generator
    saved = bits.state
    u = lows + ranges * rng.random((m, 3))  # rows of (spurt, offset, pause)
    bits.state = saved
    np.minimum(np.maximum(u, _FLOOR, out=u), _CEIL, out=u)  # min(max(x, floor), ceiling) per column, exact
    clips: list[dict[str, Any]] = []
    t = start
    for spurt, offset, pause in u.tolist():
        if t >= end:
            break
        if spurt > end - t:
            spurt = end - t
        if spurt <= 0.05:  # a spurt too short for a clip
            return None
        clips.append({"talker": {"voice": voice, "offset_s": round(offset, 3), "seconds": round(spurt, 3)},
                      "at": round(t, 3)})
        t += spurt + pause
    if t < end:  # never for valid bounds: more than m rows needed
        return None
    rng.random(3 * len(clips))  # the draws the clips used, and no more
    return clips


def _number(prefix: int, i: int, k: int = 0) -> str:
    return f"+1{prefix:03d}{i:06d}{k}"


def _unit(template: MixEntry, i: int, start: float, rng: np.random.Generator, tr: Traffic) -> tuple[list, dict]:
    """The calls and parties of unit ``i``."""
    call_s = max(10.0, tr.call_seconds.draw(rng))
    cb = f' recordingStatusCallback="{tr.callback_url}"' if tr.callback_url else ""
    caller, agent, app = _number(555, i), _number(666, i), "+15559990000"
    v1, v2 = int(rng.integers(BANK_VOICES)), int(rng.integers(BANK_VOICES))
    parties: dict[str, Any] = {}
    calls: list[dict[str, Any]] = []
    t = template.template
    if t == "voicemail":
        parties[caller] = {"audio": _talk(rng, tr.talk, 4.5, call_s - 6.0, v1)}
        calls.append({"from": caller, "to": app, "start_s": start,
                      "twiml": f'<Response><Say>Please leave a message after the beep.</Say><Record maxLength='
                               f'"{int(call_s)}" action="https://app.example.com/done"{cb}/></Response>',
                      "events": [{"at": call_s, "hangup": "caller"}]})
    elif t in ("dual_dial", "payment_pause"):
        answer = float(rng.uniform(1.0, 4.0))
        parties[caller] = {"audio": _talk(rng, tr.talk, answer, call_s, v1)}
        parties[agent] = {"audio": _talk(rng, tr.talk, 0.0, call_s - answer, v2), "answer_delay_s": answer,
                          "hangup_after_s": call_s - answer}
        if t == "dual_dial":
            twiml = f'<Response><Start><Recording{cb}/></Start><Dial><Number>{agent}</Number></Dial></Response>'
            events: list[dict[str, Any]] = []
        else:
            twiml = (f'<Response><Dial record="record-from-answer-dual"{cb}><Number>{agent}</Number></Dial>'
                     "</Response>")
            pause = round(call_s * float(rng.uniform(0.3, 0.5)), 3)
            events = [{"at": pause, "rest": {"action": "update", "Status": "paused", "PauseBehavior": "skip"}},
                      {"at": round(pause + call_s * 0.15, 3), "rest": {"action": "update", "Status": "in-progress"}}]
        calls.append({"from": caller, "to": app, "start_s": start, "twiml": twiml, "events": events})
    elif t == "outbound_record":
        answer = float(rng.uniform(1.0, 6.0))
        parties[caller] = {"audio": _talk(rng, tr.talk, 3.0, call_s - answer, v1), "answer_delay_s": answer,
                           "hangup_after_s": call_s - answer}
        rec: dict[str, Any] = {"Record": True, "RecordingChannels": "dual"}
        if tr.callback_url:
            rec["RecordingStatusCallback"] = tr.callback_url
        calls.append({"from": app, "to": caller, "direction": "outbound-api", "start_s": start, "record": rec,
                      "twiml": f'<Response><Say>This is a reminder from Acme.</Say><Pause length="{int(call_s)}"/>'
                               "</Response>"})
    else:
        room = f"room-{i}"
        for k in range(template.participants):
            who = _number(777, i, k)
            join = 0.0 if k == 0 else float(rng.uniform(0.5, MAX_JOIN_S))
            parties[who] = {"audio": _talk(rng, tr.talk, 1.0, call_s - join, int(rng.integers(BANK_VOICES)))}
            attrs = (f' record="record-from-start" endConferenceOnExit="true"{cb}' if k == 0
                     else ' startConferenceOnEnter="false"')
            calls.append({"from": who, "to": app, "start_s": round(start + join, 3),
                          "twiml": f"<Response><Dial><Conference{attrs}>{room}</Conference></Dial></Response>",
                          "events": [{"at": round(call_s - join, 3), "hangup": "caller"}]})
    if template.network is not None:
        network = template.network.model_dump(exclude_none=True)
        for call in calls:
            call["network"] = network
    return calls, parties


def unit_starts(tr: Traffic, seed: int) -> np.ndarray:
    """Start time (s) of every unit: cumulative seeded gaps (Poisson) or a fixed step;
    as many units as ``calls``, or all that start within ``span_s``."""
    n = tr.calls if tr.calls is not None else None
    if tr.arrivals.process == "fixed":
        if n is None:
            assert tr.span_s is not None
            n = int(tr.span_s // tr.arrivals.interval_s) + 1
        return np.round(np.arange(n) * tr.arrivals.interval_s, 3)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
    if n is None:
        assert tr.span_s is not None
        n = int(tr.span_s * tr.arrivals.rate_per_s * 2 + 100)
    gaps = rng.exponential(1.0 / tr.arrivals.rate_per_s, size=n)
    gaps[0] = 0.0
    starts = np.round(np.cumsum(gaps), 3)
    return starts if tr.span_s is None else starts[starts <= tr.span_s]


def check_starts(tr: Traffic, seed: int) -> None:
    """Check that every unit (and a conference's last join) starts by ``MAX_START_S``.

    Parameters
    ----------
    tr : Traffic
        The validated section.
    seed : int
        The scenario's seed.

    Raises
    ------
    ValueError
        The last unit would start too late (the message says what to change).
    """
    starts = unit_starts(tr, seed)
    if starts.shape[0] and float(starts[-1]) + MAX_JOIN_S > MAX_START_S:
        raise ValueError(f"the last of {starts.shape[0]:,} calls would start at {float(starts[-1]):,.0f} s, later "
                         f"than {MAX_START_S - MAX_JOIN_S:,.0f} s (30 days); raise the arrival rate or "
                         "lower calls / span_s")


def expand_units(tr: Traffic, seed: int, units: range, starts: np.ndarray) -> tuple[list, dict]:
    """The calls (each with its ``index``: ``UNIT_INDEX_BASE + 16 * unit + k``) and
    parties of ``units``; unit ``i`` draws from ``SeedSequence(seed, spawn_key=(3, i))``."""
    weights = np.array([m.weight for m in tr.mix], dtype=np.float64)
    weights /= weights.sum()
    cum = weights.cumsum()
    cdf = (cum / cum[-1]).tolist()  # rng.choice(len(mix), p=weights) is bisect_right(cdf, rng.random())
    calls: list[tuple[int, dict[str, Any]]] = []
    parties: dict[str, Any] = {}
    for i in units:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3, i)))
        entry = tr.mix[bisect_right(cdf, rng.random())]
        unit_calls, unit_parties = _unit(entry, i, float(starts[i]), rng, tr)
        calls += [(UNIT_INDEX_BASE + 16 * i + k, c) for k, c in enumerate(unit_calls)]
        parties.update(unit_parties)
    return calls, parties


#: Call index of a traffic unit's first call (explicit calls keep 0, 1, 2, ...).
UNIT_INDEX_BASE = 1 << 24


def expand_traffic(data: dict[str, Any], *, source: str = "<dict>") -> dict[str, Any]:
    """Replace ``traffic`` by concrete ``calls`` and ``parties`` (after any listed calls).
    Raises pydantic's ValidationError for
    an invalid section (the loader turns it into a ScenarioError naming the field).
    Batches do not expand: each shard expands its own units (:func:`expand_units`)."""
    tr = Traffic.model_validate(data["traffic"])
    seed = int(data.get("seed", 0))
    starts = unit_starts(tr, seed)
    unit_calls, parties = expand_units(tr, seed, range(starts.shape[0]), starts)
    out = {k: v for k, v in data.items() if k != "traffic"}
    out["calls"] = list(data.get("calls") or []) + [{**c, "index": i} for i, c in unit_calls]
    out["parties"] = {**dict(data.get("parties") or {}), **parties}
    return out
