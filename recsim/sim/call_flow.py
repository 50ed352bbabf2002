"""The process of one call: answer, the party's audio and timed events, the Calls API
recording, the TwiML, and the end of the leg.

Timed events of a scenario call (``events``): keys pressed (out of band and as tones),
a hangup of the caller or the callee, a span without media, and a REST request
(:meth:`recsim.sim.controls.RestControls.schedule`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from recsim.audio import dtmf_tone
from recsim.sim.call import Call
from recsim.sim.context import Context
from recsim.sim.controls import RestControls
from recsim.sim.interpreter import run_document
from recsim.sim.options import outbound_options

__all__ = ["DTMF_SPACING_S", "call_process"]

#: Seconds between the keys of one ``dtmf`` event.
DTMF_SPACING_S = 0.2


def _timed_hangup(cx: Context, call: Call, who: str, at: float) -> Generator[Any, Any, None]:
    k = cx.kernel
    yield k.env.timeout(max(0.0, at - k.env.now))
    if who == "caller" or call.spec.direction == "outbound-api" or call.child is None:
        k.hangup(call, call.parent)
    else:
        k.hangup(call, call.child)


def _schedule_events(cx: Context, controls: RestControls, call: Call, t0: float) -> None:
    """Place the call's timed events (``at`` seconds after its start ``t0``)."""
    k = cx.kernel
    leg = call.parent
    for ev in call.spec.events:
        if ev.dtmf is not None:
            for i, key in enumerate(ev.dtmf):
                t = t0 + ev.at + i * DTMF_SPACING_S
                leg.dtmf.append((t, key))
                k.party_audio(leg, t, dtmf_tone(key))
        elif ev.hangup is not None:
            k.env.process(_timed_hangup(cx, call, ev.hangup, t0 + ev.at))
        elif ev.no_media_s is not None:
            leg.no_media.append((t0 + ev.at, t0 + ev.at + ev.no_media_s))
        elif ev.rest is not None:
            controls.schedule(call, ev.rest, t0 + ev.at)
    leg.dtmf.sort()


def call_process(cx: Context, controls: RestControls, call: Call) -> Generator[Any, Any, None]:
    """Run ``call`` from its start to the end of its parent leg (a SimPy process).

    Raises
    ------
    SimulationError
        The call's TwiML cannot go on (a loop, an unknown ``<Dial>`` target, ``<Play>``
        URL or recording configuration).
    """
    k = cx.kernel
    spec = call.spec
    t0 = float(k.env.now) + spec.start_s  # the call's time 0 (calls may be added while running)
    yield k.env.timeout(spec.start_s)
    leg = call.parent
    party = k.party(spec.from_ if spec.direction == "inbound" else spec.to)
    clips = spec.audio if spec.audio is not None else (party.audio if party else [])
    if spec.direction == "outbound-api":
        yield k.env.timeout(party.answer_delay_s if party else 0.0)
    leg.answered_at = float(k.env.now)
    k.place_party_audio(leg, clips, party.mulaw if party else False, leg.answered_at)
    _schedule_events(cx, controls, call, t0)
    if party and party.hangup_after_s is not None:
        who = "callee" if spec.direction == "outbound-api" else "caller"
        k.env.process(_timed_hangup(cx, call, who, leg.answered_at + party.hangup_after_s))
    k.env.process(_timed_hangup(cx, call, "caller", t0 + k.account.max_call_duration_s))
    if spec.record is not None and spec.record.Record:
        where = f"{k.where(call)}: record.RecordingConfigurationId"
        opts = outbound_options(spec.record, k.configuration(spec.record.RecordingConfigurationId, where))
        cx.recorder.start(call.sids, leg, opts, leg.answered_at, call=call)
    call.process = k.env.process(run_document(cx, call))
    try:
        yield call.process
    except simpy.Interrupt:  # pragma: no cover - the process handles its own interrupts
        pass
    k.end_leg(call, leg, float(k.env.now))
