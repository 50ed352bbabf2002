"""Calls with the same inline TwiML share its parse only when nothing in it came from
the call's own URL: a relative URL resolves under each call's /calls/{i}/."""

from __future__ import annotations

from pathlib import Path

from simkit import build, tone, wav

from recsim.sim import Simulation
from recsim.sim.documents import inline_url

ABSOLUTE = '<Response><Record maxLength="2" action="https://app/done"/></Response>'
RELATIVE = '<Response><Record maxLength="2" action="done"/></Response>'


def _sim(tmp_path: Path, *twimls: str) -> Simulation:
    calls = [{"from": f"+1555000000{k}", "to": "+15559990000", "start_s": 5.0 * k, "twiml": t}
             for k, t in enumerate(twimls)]
    clip = wav(tmp_path, "a.wav", tone(3.0))
    parties = {c["from"]: {"audio": [{"file": clip, "at": 0.0}]} for c in calls}
    sim = Simulation(build(tmp_path, calls, parties=parties))
    sim.run()
    return sim


def test_same_absolute_twiml_is_parsed_once(tmp_path: Path) -> None:
    """Three calls, one text with absolute URLs: one parse (the verbs are the same
    objects), each document named by its own call's URL; the <Record> action is the
    absolute URL in every call."""
    sim = _sim(tmp_path, ABSOLUTE, ABSOLUTE, ABSOLUTE)
    docs = [sim.document(inline_url(c.index)) for c in sim.calls]
    assert [d.url for d in docs if d is not None] == [inline_url(c.index) for c in sim.calls]
    assert docs[0] is not None and all(d is not None and d.verbs is docs[0].verbs for d in docs)
    assert docs[0].verbs[0].action == "https://app/done"


def test_relative_urls_resolve_per_call(tmp_path: Path) -> None:
    """A relative action resolves against each call's own inline URL, never another's;
    the action requests go to /calls/{i}/done of each call."""
    sim = _sim(tmp_path, RELATIVE, RELATIVE, ABSOLUTE)
    docs = [sim.document(inline_url(c.index)) for c in sim.calls]
    actions = [d.verbs[0].action for d in docs if d is not None]
    assert actions == [f"https://recsim.local/calls/{c.index}/done" for c in sim.calls[:2]] + ["https://app/done"]
    asked = [e.url for e in sim.sink.events if e.kind == "twiml-request" and e.parameters.get("RecordingUrl")]
    assert asked == actions
