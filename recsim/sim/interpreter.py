"""The TwiML interpreter: executes a call's documents verb by verb as a SimPy process.

Each verb is a generator that yields SimPy events and returns what comes next:
``None`` (the next verb), a :class:`~recsim.twiml.Document` (continue there) or
:data:`HANGUP` (the call is over). A hangup of the caller arrives as
``simpy.Interrupt`` in whichever verb is running.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from recsim.audio import SAMPLE_RATE, say_audio
from recsim.errors import SimulationError
from recsim.sim.checks import dial_element
from recsim.sim.media import to_sample
from recsim.sim.options import apply_configuration, recording_options
from recsim.sim.record_verb import execute_record
from recsim.twiml import (
    Dial,
    Document,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    StartRecording,
    StopRecording,
    Verb,
)
from recsim.values import Channels, Source

if TYPE_CHECKING:
    from recsim.sim.call import Call
    from recsim.sim.simulation import Simulation

__all__ = ["HANGUP", "run_document"]

HANGUP = "hangup"
Step = Generator[Any, Any, Any]


def _play_outbound(sim: Simulation, call: Call, samples: Any) -> Step:
    call.parent.outbound.add(to_sample(sim.env.now), samples)
    yield sim.env.timeout(samples.shape[0] / SAMPLE_RATE)
    return None


def _say(sim: Simulation, call: Call, verb: Say, doc: Document) -> Step:
    audio = say_audio(verb.text)
    for _ in range(verb.loop):
        yield from _play_outbound(sim, call, audio)
    return None


def _play(sim: Simulation, call: Call, verb: Play, doc: Document) -> Step:
    audio = sim.media_audio(verb.url, where=sim.where(call, doc.url))
    for _ in range(verb.loop):
        yield from _play_outbound(sim, call, audio)
    return None


def _pause(sim: Simulation, call: Call, verb: Pause, doc: Document) -> Step:
    yield sim.env.timeout(verb.length)
    return None


def _hangup(sim: Simulation, call: Call, verb: Hangup, doc: Document) -> Step:
    return HANGUP
    yield  # pragma: no cover


def _redirect(sim: Simulation, call: Call, verb: Redirect, doc: Document) -> Step:
    return sim.fetch(call, verb.url, verb.method, sim.standard_params(call), reason="redirect")
    yield  # pragma: no cover


def _start_recording(sim: Simulation, call: Call, verb: StartRecording, doc: Document) -> Step:
    """``<Start><Recording>`` (000): defaults dual, both, trim-silence."""
    opts = recording_options(Source.START_CALL_RECORDING_TWIML, track=verb.track, channels=verb.channels,
                             trim=verb.trim,
                             callback_url=verb.recording_status_callback,
                             callback_method=verb.recording_status_callback_method,
                             callback_events=verb.recording_status_callback_event)
    where = f"{sim.where(call, doc.url)}: <Start><Recording>"
    opts = apply_configuration(opts, sim.configuration(verb.recording_configuration_id, where))
    sim.start_recording(call, call.parent, opts, float(sim.env.now))
    return None
    yield  # pragma: no cover


def _stop_recording(sim: Simulation, call: Call, verb: StopRecording, doc: Document) -> Step:
    sim.stop_all(call, call.parent, float(sim.env.now), sources=(Source.START_CALL_RECORDING_TWIML,))
    return None
    yield  # pragma: no cover


def _dial(sim: Simulation, call: Call, verb: Dial, doc: Document) -> Step:
    """``<Dial>``: ring the first target, bridge on answer, record per ``record``.

    The dialed party answers after its ``answer_delay_s`` (no-answer past ``timeout``)
    and hangs up after ``hangup_after_s``, or when the conversation's audio is over.
    """
    if verb.conference is not None:
        result = yield from _conference(sim, call, verb, doc)
        return result
    env = sim.env
    parent = call.parent
    target = verb.targets[0].address
    party = sim.party(target)
    where = f"{sim.where(call, doc.url)}: {dial_element(target)}"
    if party is None:
        raise SimulationError(
            f"{where}: the <Dial> target {target!r} has no entry in the scenario's parties "
            f"(known: {sorted(sim.scenario.parties)})"
        )
    from recsim.sim.call import Leg

    child = Leg(sid=call.sids.new("CA"), from_=parent.from_ if parent.direction == "inbound" else parent.to,
                to=target, direction="outbound-dial", hangup_event=env.event())
    call.child = child
    call.legs.append(child)
    rec = None
    dual = verb.record.endswith("-dual")
    opts = recording_options(Source.DIAL_VERB, track=verb.recording_track,
                             channels=Channels.DUAL if dual else Channels.MONO,
                             trim=verb.trim, callback_url=verb.recording_status_callback,
                             callback_method=verb.recording_status_callback_method,
                             callback_events=verb.recording_status_callback_event)
    opts = apply_configuration(opts, sim.configuration(verb.recording_configuration_id, where))
    t_dial = float(env.now)
    link = None
    status = "completed"
    try:
        if verb.record.startswith("record-from-ringing"):
            rec = sim.start_recording(call, parent, opts, t_dial)
        if party.answer_delay_s > verb.timeout:
            yield env.timeout(verb.timeout)
            status = "no-answer"
        else:
            yield env.timeout(party.answer_delay_s)
            child.answered_at = float(env.now)
            sim.place_party_audio(child, party.audio, party.mulaw, child.answered_at)
            s_ans = to_sample(child.answered_at)
            link = parent.outbound.link(s_ans, 1 << 62, child.inbound)
            child.outbound.link(s_ans, 1 << 62, parent.inbound)
            if verb.record.startswith("record-from-answer"):
                rec = sim.start_recording(call, parent, opts, child.answered_at)
            if party.hangup_after_s is not None:
                leave = child.answered_at + party.hangup_after_s
            else:
                talk_end = max(child.inbound.end(), parent.inbound.end()) / SAMPLE_RATE
                leave = max(talk_end, child.answered_at) + 1.0
            if verb.time_limit is not None:
                leave = min(leave, child.answered_at + verb.time_limit)
            yield env.timeout(max(0.0, leave - env.now)) | child.hangup_event
    except simpy.Interrupt:
        _end_bridge(sim, call, child, link, rec)
        return HANGUP
    _end_bridge(sim, call, child, link, rec)
    if verb.action:
        params = sim.standard_params(call)
        params.update({
            "DialCallStatus": status,
            "DialCallSid": child.sid,
            "DialCallDuration": str(int(child.ended_at - child.answered_at) if child.answered_at is not None
                                    and child.ended_at is not None else 0),
        })
        return sim.fetch(call, verb.action, verb.method, params, reason="dial-action")
    return None


def _conference(sim: Simulation, call: Call, verb: Dial, doc: Document) -> Step:
    """``<Dial><Conference>``: join, wait for the conference to end (or hang up)."""
    assert verb.conference is not None
    where = f"{sim.where(call, doc.url)}: <Dial><Conference>{verb.conference.name}</Conference></Dial>"
    conf, part = sim.conference_join(call, verb.conference, where)
    try:
        yield conf.ended_event
    except simpy.Interrupt:
        sim.conference_leave(conf, part, float(sim.env.now))
        return HANGUP
    if verb.action:
        return sim.fetch(call, verb.action, verb.method, sim.standard_params(call), reason="dial-action")
    return None


def _end_bridge(sim: Simulation, call: Call, child: Any, link: Any, rec: Any) -> None:
    now = float(sim.env.now)
    if link is not None:
        link[1] = to_sample(now)
        for entry in child.outbound.links:
            entry[1] = to_sample(now)
    if rec is not None and rec.active:
        sim.stop_recording(rec, now)
    sim.end_leg(call, child, now)
    call.child = None


def _record(sim: Simulation, call: Call, verb: Record, doc: Document) -> Step:
    result = yield from execute_record(sim, call, verb, doc)
    return result


_VERBS: dict[type, Any] = {
    Say: _say,
    Play: _play,
    Pause: _pause,
    Hangup: _hangup,
    Redirect: _redirect,
    StartRecording: _start_recording,
    StopRecording: _stop_recording,
    Dial: _dial,
    Record: _record,
}


def execute(sim: Simulation, call: Call, verb: Verb, doc: Document) -> Step:
    """Run one verb; returns None, a Document to continue with, or HANGUP."""
    result = yield from _VERBS[type(verb)](sim, call, verb, doc)
    return result


def run_document(sim: Simulation, call: Call) -> Step:
    """The call's TwiML process: documents one after the other until the TwiML ends
    (the call ends, 000: "If there are no instructions, the call will end"), a
    ``<Hangup>``, or the caller hangs up."""
    doc: Document | None = sim.first_document(call)
    try:
        while doc is not None:
            current, doc = doc, None
            for verb in current.verbs:
                result = yield from execute(sim, call, verb, current)
                if result == HANGUP:
                    return
                if isinstance(result, Document):
                    doc = result
                    break
    except simpy.Interrupt:
        return
