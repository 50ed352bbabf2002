"""The kernel and its services: typed REST outcomes to an injected responder, the
one callback-event parser, completion hooks, and sample-to-time pieces of an assembly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simkit import build, tone, wav

from recsim.errors import ApiError, InvalidRequestError
from recsim.rest_steps import simulation
from recsim.sim import Kernel, MemorySink, Recording, Simulation
from recsim.sim.recording import timeline
from recsim.values import CONFIGURATION_EVENTS, callback_events, split_events

TWIML = "<Response><Start><Recording trim='do-not-trim'/></Start><Pause length='6'/></Response>"


def _scenario(tmp_path: Path, events: list[dict[str, Any]]) -> Any:
    return build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": TWIML, "events": events}],
                 parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(10.0))}})


def test_the_responder_gets_typed_outcomes_at_their_time(tmp_path: Path) -> None:
    """A Recording for a valid step, the ApiError for a refused one, None for a create on
    a conference (no such action of the platform), each at the step's time."""
    sc = _scenario(tmp_path, [
        {"at": 1.0, "rest": {"action": "update", "Status": "paused"}},
        {"at": 2.0, "rest": {"action": "update", "recording": 9, "Status": "paused"}},
        {"at": 3.0, "rest": {"action": "create", "conference": "room"}},
    ])
    seen: list[tuple[float, Any]] = []
    sim = Simulation(sc, responder=lambda k, call, req, out, conf: seen.append((float(k.env.now), out)))
    sim.run()
    assert [t for t, _ in seen] == [1.0, 2.0, 3.0]
    assert isinstance(seen[0][1], Recording) and seen[0][1].status == "completed"
    assert isinstance(seen[1][1], ApiError) and seen[1][1].code == 20404
    assert seen[2][1] is None


def test_rest_steps_shape_the_api_responses(tmp_path: Path) -> None:
    """rest_steps.simulation: path, HTTP status and body of each step (201/200/404/405)."""
    sc = _scenario(tmp_path, [
        {"at": 1.0, "rest": {"action": "create", "Trim": "trim-silence"}},
        {"at": 2.0, "rest": {"action": "update", "recording": 9, "Status": "paused"}},
        {"at": 3.0, "rest": {"action": "create", "conference": "room"}},
    ])
    sink = MemorySink()
    sim = simulation(sc, sink=sink)
    sim.run()
    answers = [e for e in sink.events if e.kind == "api-response"]
    assert [e.extra["status"] for e in answers] == [201, 404, 405]
    assert answers[0].url.endswith(f"/Calls/{sim.calls[0].parent.sid}/Recordings.json")
    assert answers[0].parameters == {"Trim": "trim-silence"}
    assert answers[1].url.endswith("/Recordings/9.json") and answers[1].extra["body"]["code"] == 20404
    assert answers[2].url.endswith("/Conferences/room/Recordings.json")
    assert answers[2].extra["body"]["code"] == 20004


def test_completion_hooks_run_after_the_status_callback_before_on_complete(tmp_path: Path) -> None:
    order: list[str] = []
    sim = Simulation(_scenario(tmp_path, []), on_complete=lambda rec: order.append("on_complete"))
    sim.recorder.completion_hooks.append(lambda rec, call: order.append(f"hook {call is sim.calls[0]}"))
    sim.run()
    assert order == ["hook True", "on_complete"]


def test_assembly_pieces_map_samples_to_simulated_time(tmp_path: Path) -> None:
    """Each part of the untrimmed samples starts where the previous ends, and its times
    are the timeline's pieces."""
    sc = _scenario(tmp_path, [{"at": 2.0, "rest": {"action": "update", "Status": "paused",
                                                    "PauseBehavior": "silence"}},
                              {"at": 3.0, "rest": {"action": "update", "Status": "in-progress"}},
                              {"at": 4.0, "no_media_s": 0.5}])
    sim = Simulation(sc)
    sim.run()
    (rec,) = sim.recordings.values()
    a = rec.assembly
    assert a is not None
    starts = [p[0] for p in a.pieces]
    lengths = [round((t1 - t0) * 8000) for _, t0, t1 in a.pieces]
    assert starts == [sum(lengths[:i]) for i in range(len(lengths))] and sum(lengths) == a.untrimmed
    assert [[t0, t1] for _, t0, t1 in a.pieces] == [p[1:] for p in timeline(rec)["pieces"]]


def test_the_kernel_alone_parses_apps_and_knows_no_services(tmp_path: Path) -> None:
    k = Kernel(_scenario(tmp_path, []))
    assert k.calls == [] and k.leg_end_hooks == []
    assert not hasattr(k, "recorder")


@pytest.mark.parametrize(("value", "expected"), [
    ("completed", ("completed",)),
    ("in-progress completed", ("in-progress", "completed")),
    ("in-progress,completed completed", ("in-progress", "completed")),
    (["absent", "in-progress completed"], ("absent", "in-progress", "completed")),
])
def test_callback_events_parse_once(value: Any, expected: tuple[str, ...]) -> None:
    assert callback_events(value) == expected


@pytest.mark.parametrize("value", ["", "failed", "Completed", "completed nope", []])
def test_callback_events_refuse_naming_the_allowed(value: Any) -> None:
    with pytest.raises(InvalidRequestError, match=r"recordingStatusCallbackEvent: .* allowed; expected space-sep"
                                                  r"arated values of in-progress, completed, absent"):
        callback_events(value)


def test_configuration_events_allow_failed() -> None:
    assert callback_events("failed", allowed=CONFIGURATION_EVENTS, field="events") == ("failed",)
    assert split_events("a,b c") == ["a", "b", "c"] and split_events(["a"]) == ["a"]
