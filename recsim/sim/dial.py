"""``<Dial>``: ring a party, bridge the two legs on answer, record per ``record``; and
``<Dial><Conference>``.

The dialed party answers after its ``answer_delay_s`` (no-answer past ``timeout``; busy
or failed when its ``dial_outcome`` says so), the caller hearing ringback meanwhile
(ITU-T E.180, ``<Dial ringTone>``, when the scenario's ``network.ringback`` is on), and
hangs up after ``hangup_after_s``, or one second after the conversation's audio is over
(:data:`HANGUP_GRACE_S`), or at ``timeLimit``. A hangup of the caller arrives as
``simpy.Interrupt``.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from recsim.audio import SAMPLE_RATE, country_of_number, ringback
from recsim.errors import SimulationError
from recsim.scenario import PartySpec
from recsim.scenario.network import DEFAULT_NETWORK
from recsim.sim.call import Call
from recsim.sim.checks import dial_element
from recsim.sim.conference import OPEN
from recsim.sim.context import HANGUP, Context, Step
from recsim.sim.leg import Leg
from recsim.sim.media import to_sample
from recsim.sim.options import RecordingOptions, dial_options
from recsim.sim.recording import Recording
from recsim.twiml import Dial, Document

__all__ = ["HANGUP_GRACE_S", "dial"]

#: Seconds a dialed party stays on after the conversation's audio has ended.
HANGUP_GRACE_S = 1.0


@dataclass
class _Bridge:
    """The recording of a ``<Dial>`` and the link carrying the caller to the party."""

    rec: Recording | None = None
    link: list | None = None


def dial(cx: Context, call: Call, verb: Dial, doc: Document) -> Step:
    """Run ``<Dial>``; returns None, the action's Document or HANGUP.

    Raises
    ------
    SimulationError
        The target has no entry in the scenario's parties, or the recording
        configuration is unknown (the message names file, call, document, element).
    """
    if verb.conference is not None:
        return (yield from _conference(cx, call, verb, doc))
    k = cx.kernel
    target = verb.targets[0].address
    party = k.party(target)
    where = f"{k.where(call, doc.url)}: {dial_element(target)}"
    if party is None:
        raise SimulationError(f"{where}: the <Dial> target {target!r} has no entry in the scenario's parties "
                              f"(known: {sorted(k.scenario.parties)})")
    parent = call.parent
    child = Leg(sid=call.sids.new("CA"), from_=parent.from_ if parent.direction == "inbound" else parent.to,
                to=target, direction="outbound-dial", hangup_event=k.env.event())
    call.child = child
    call.legs.append(child)
    k.attach_network(call, child, target)
    opts = dial_options(verb, k.configuration(verb.recording_configuration_id, where))
    state = _Bridge()
    status = "completed"
    try:
        if verb.record.startswith("record-from-ringing"):
            state.rec = cx.recorder.start(call.sids, parent, opts, float(k.env.now), call=call)
        status = yield from _ring_and_talk(cx, call, verb, party, child, state, opts)
    except simpy.Interrupt as interrupt:
        _end_bridge(cx, call, child, state)
        # a live call modification (Calls update Url / Twiml) disconnects the dialed party
        # and the caller goes on with the new TwiML (no <Dial> action); else a hangup
        return interrupt.cause if isinstance(interrupt.cause, Document) else HANGUP
    _end_bridge(cx, call, child, state)
    if not verb.action:
        return None
    params = k.standard_params(call)
    talked = child.answered_at is not None and child.ended_at is not None
    params.update({
        "DialCallStatus": status,
        "DialCallSid": child.sid,
        "DialCallDuration": str(int(child.ended_at - child.answered_at) if talked else 0),  # type: ignore[operator]
    })
    return k.fetch(call, verb.action, verb.method, params, reason="dial-action")


def _ring_and_talk(cx: Context, call: Call, verb: Dial, party: PartySpec, child: Leg, state: _Bridge,
                   opts: RecordingOptions) -> Step:
    """Ring until answer (or no-answer), bridge, and talk until the party leaves;
    returns the DialCallStatus."""
    k = cx.kernel
    env = k.env
    parent = call.parent
    outcome = yield from _ring(cx, call, verb, party, child.to)
    if outcome is not None:
        return outcome
    child.answered_at = float(env.now)
    k.place_party_audio(child, party.audio, party.mulaw, child.answered_at)
    s_ans = to_sample(child.answered_at)
    state.link = parent.outbound.link(s_ans, OPEN, child.inbound)
    child.outbound.link(s_ans, OPEN, parent.inbound)
    if verb.record.startswith("record-from-answer"):
        state.rec = cx.recorder.start(call.sids, parent, opts, child.answered_at, call=call)
    if party.hangup_after_s is not None:
        leave = child.answered_at + party.hangup_after_s
    else:
        talk_end = max(child.inbound.end(), parent.inbound.end()) / SAMPLE_RATE
        leave = max(talk_end, child.answered_at) + HANGUP_GRACE_S
    if verb.time_limit is not None:
        leave = min(leave, child.answered_at + verb.time_limit)
    yield env.timeout(max(0.0, leave - env.now)) | child.hangup_event
    return "completed"


def _ring(cx: Context, call: Call, verb: Dial, party: PartySpec, target: str) -> Step:
    """Ring ``target``: the caller hears ringback (when the scenario's ``network.ringback``
    is on) from now until the answer or ``timeout``; returns None once the party
    answers, else the DialCallStatus: ``no-answer`` after ``timeout`` s, ``busy`` /
    ``failed`` after ``answer_delay_s`` (at most ``timeout``), without ringback (the
    network refuses the call before it alerts).
    """
    k = cx.kernel
    ring_s = min(party.answer_delay_s, float(verb.timeout))
    if party.dial_outcome != "answer":
        yield k.env.timeout(ring_s)
        return party.dial_outcome
    if (k.scenario.network or DEFAULT_NETWORK).ringback and ring_s > 0:
        country = verb.ring_tone or country_of_number(target)
        k.platform_audio(call.parent, float(k.env.now), ringback(country, ring_s))
    yield k.env.timeout(ring_s)
    return "no-answer" if party.answer_delay_s > verb.timeout else None


def _conference(cx: Context, call: Call, verb: Dial, doc: Document) -> Step:
    """``<Dial><Conference>``: join, wait for the conference to end (or hang up)."""
    assert verb.conference is not None
    k = cx.kernel
    where = f"{k.where(call, doc.url)}: <Dial><Conference>{verb.conference.name}</Conference></Dial>"
    conf, part = cx.conferences.join(call, verb.conference, where)
    try:
        yield conf.ended_event
    except simpy.Interrupt as interrupt:
        cx.conferences.leave(conf, part, float(k.env.now))
        return interrupt.cause if isinstance(interrupt.cause, Document) else HANGUP
    if verb.action:
        return k.fetch(call, verb.action, verb.method, k.standard_params(call), reason="dial-action")
    return None


def _end_bridge(cx: Context, call: Call, child: Leg, state: _Bridge) -> None:
    now = float(cx.kernel.env.now)
    link, rec = state.link, state.rec
    if link is not None:
        link[1] = to_sample(now)
        for entry in child.outbound.links:
            entry[1] = to_sample(now)
    if rec is not None and rec.active:
        cx.recorder.stop(rec, now)
    cx.kernel.end_leg(call, child, now)
    call.child = None
