"""A live call's TwiML interrupted with a Document (Calls update Url / Twiml, issue 17)
continues with that document at that simulated moment; a hangup interrupt still ends
the call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from simkit import build

from recsim.audio import say_audio, say_duration_s
from recsim.rest_steps import simulation
from recsim.sim.simulation import Simulation
from recsim.twiml import parse_twiml

RATE = 8000
BODY = "<Response><Start><Recording track='outbound' trim='do-not-trim'/></Start><Pause length='30'/></Response>"


def _live(tmp_path: Path, at: float) -> Simulation:
    sim = simulation(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": BODY}]))
    for index, spec in sim.scenario.indexed_calls():
        sim.add_call(index, spec)
    sim.env.run(until=at)
    return sim


def test_a_document_interrupt_runs_that_document_from_that_moment(tmp_path: Path) -> None:
    """Interrupted at 5 s with <Say>: the pause stops, the speech starts at 5 s, the call
    ends when the new document ends; the recording holds silence then exactly the speech."""
    sim = _live(tmp_path, 5.0)
    (call,) = sim.calls
    assert call.process is not None
    call.process.interrupt(parse_twiml("<Response><Say>hello there</Say></Response>", url="Twiml"))
    sim.env.run()
    end = 5.0 + say_duration_s("hello there")
    assert call.parent.ended_at is not None and abs(call.parent.ended_at - end) < 1e-9
    (rec,) = sim.recordings.values()
    assert rec.assembly is not None
    x = rec.assembly.samples
    assert x.shape[0] == round(end * RATE)
    assert not x[:5 * RATE].any()
    np.testing.assert_array_equal(x[5 * RATE:], say_audio("hello there"))


def test_a_hangup_interrupt_still_ends_the_call(tmp_path: Path) -> None:
    """A hangup at 5 s (interrupt cause 'hangup') ends the call and its recording at 5 s."""
    sim = _live(tmp_path, 5.0)
    (call,) = sim.calls
    sim.hangup(call, call.parent)
    sim.env.run()
    assert call.parent.ended_at == 5.0
    (rec,) = sim.recordings.values()
    assert rec.assembly is not None and rec.assembly.samples.shape[0] == 5 * RATE


def test_a_document_interrupt_takes_a_call_out_of_its_conference(tmp_path: Path) -> None:
    """Two callers in a recorded conference; the second is redirected at 6 s to a 2 s
    pause: it leaves the room at 6 s (the first stays until its own hangup at 10 s) and
    its call ends at 8 s, not at the redirect."""
    room = "<Response><Dial><Conference{}>room</Conference></Dial></Response>"
    sim = simulation(build(tmp_path, [
        {"from": "+1501", "to": "+1600", "twiml": room.format(' record="record-from-start"'),
         "events": [{"at": 10.0, "hangup": "caller"}]},
        {"from": "+1502", "to": "+1600", "twiml": room.format("")}]))
    for index, spec in sim.scenario.indexed_calls():
        sim.add_call(index, spec)
    sim.env.run(until=6.0)
    first, second = sim.calls
    assert second.process is not None
    second.process.interrupt(parse_twiml("<Response><Pause length='2'/></Response>", url="Twiml"))
    sim.env.run()
    assert second.parent.ended_at == 8.0 and first.parent.ended_at == 10.0
    (conf,) = sim.conferences.values()
    (rec,) = conf.recordings
    assert rec.assembly is not None and rec.assembly.untrimmed == 10 * RATE  # the room lived until 10 s
