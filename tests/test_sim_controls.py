"""Recording controls over REST (specs 002 update, 003): pause with skip or silence,
resume, stop (no restart), Twilio.CURRENT, concurrent recordings, error codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simkit import build, tone, wav

from recsim import RunResult, run
from recsim.errors import InvalidRequestError
from recsim.sim.lifecycle import TRANSITIONS, transition


def _call(tmp_path: Path, events: list[dict[str, Any]], twiml: str | None = None,
          seconds: float = 10.0) -> RunResult:
    twiml = twiml or ("<Response><Start><Recording trim='do-not-trim'/></Start>"
                      f"<Pause length='{seconds:g}'/></Response>")
    return run(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml, "events": events}],
                     parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(60.0))}}))


def _update(at: float, status: str, behavior: str | None = None, recording: str | int = "Twilio.CURRENT") -> dict:
    rest: dict[str, Any] = {"action": "update", "recording": recording, "Status": status}
    if behavior:
        rest["PauseBehavior"] = behavior
    return {"at": at, "rest": rest}


def test_pause_skip_removes_the_span(tmp_path: Path) -> None:
    """Paused (skip) from 2 s to 5 s of a 10 s call: 7 s recorded, the tone continuous
    across the cut in channel 1, aligned in both channels."""
    res = _call(tmp_path, [_update(2.0, "paused", "skip"), _update(5.0, "in-progress")])
    (r,) = res.recordings
    assert r.accounting == {"span": 80000, "skipped": 24000, "no_media": 0, "trimmed": 0, "samples": 56000}
    assert r.samples is not None and r.samples.shape == (56000, 2)
    t = tone(60.0)
    np.testing.assert_array_equal(r.samples[:16000, 0], t[:16000])
    np.testing.assert_array_equal(r.samples[16000:, 0], t[40000:80000])
    assert r.duration == 7


def test_pause_silence_keeps_the_span_as_zeros(tmp_path: Path) -> None:
    res = _call(tmp_path, [_update(2.0, "paused", "silence"), _update(5.0, "in-progress")])
    (r,) = res.recordings
    assert r.samples is not None and r.samples.shape == (80000, 2)
    assert not r.samples[16000:40000].any()
    np.testing.assert_array_equal(r.samples[40000:, 0], tone(60.0)[40000:80000])
    assert r.duration == 10


def test_pause_behavior_defaults_to_silence(tmp_path: Path) -> None:
    res = _call(tmp_path, [_update(2.0, "paused"), _update(5.0, "in-progress")])
    assert res.recordings[0].samples.shape == (80000, 2)  # type: ignore[union-attr]


def test_update_responses_show_in_flight_status(tmp_path: Path) -> None:
    res = _call(tmp_path, [_update(2.0, "paused", "skip"), _update(3.0, "in-progress"), _update(4.0, "stopped")])
    bodies = [(e.extra["status"], e.extra["body"]["status"]) for e in res.events_of("api-response")]
    assert bodies == [(200, "paused"), (200, "in-progress"), (200, "stopped")]
    assert res.recordings[0].untrimmed_s == 3.0  # 0-2 and 3-4


def test_stopped_cannot_restart(tmp_path: Path) -> None:
    """A stopped recording can't be restarted (003): 16114; a new one may be created."""
    res = _call(tmp_path, [_update(2.0, "stopped", recording=1), _update(3.0, "in-progress", recording=1),
                           {"at": 4.0, "rest": {"action": "create"}}])
    codes = [e.extra["body"].get("code") for e in res.events_of("api-response")]
    assert codes == [None, 16114, None]
    assert [r.untrimmed_s for r in res.recordings] == [2.0, 6.0]


def test_current_with_two_active_recordings_is_16108(tmp_path: Path) -> None:
    res = _call(tmp_path, [{"at": 1.0, "rest": {"action": "create"}}, _update(2.0, "paused")])
    err = res.events_of("api-response")[1]
    assert err.extra["status"] == 400 and err.extra["body"]["code"] == 16108
    assert err.extra["body"]["more_info"].endswith("/16108")


def test_current_with_none_active_is_20404(tmp_path: Path) -> None:
    res = _call(tmp_path, [_update(2.0, "paused")], twiml="<Response><Pause length='5'/></Response>")
    (err,) = res.events_of("api-response")
    assert err.extra["status"] == 404 and err.extra["body"]["code"] == 20404


def test_rest_on_an_ended_call_is_21220(tmp_path: Path) -> None:
    res = _call(tmp_path, [{"at": 20.0, "rest": {"action": "create"}}], seconds=5)
    (err,) = res.events_of("api-response")
    assert err.extra["body"]["code"] == 21220


def test_update_by_sid_addresses_one_of_concurrent_recordings(tmp_path: Path) -> None:
    """Two concurrent recordings; pausing the second by index leaves the first whole."""
    res = _call(tmp_path, [{"at": 1.0, "rest": {"action": "create", "RecordingChannels": "dual"}},
                           _update(2.0, "paused", "skip", recording=2), _update(4.0, "in-progress", recording=2)])
    first, second = res.recordings
    assert first.untrimmed_s == 10.0 and second.untrimmed_s == 7.0


def test_record_verb_recordings_are_not_rest_controllable(tmp_path: Path) -> None:
    res = _call(tmp_path, [_update(1.0, "paused", recording=1)],
                twiml="<Response><Record playBeep='false' maxLength='5' action='https://a/x'/></Response>")
    (err,) = res.events_of("api-response")
    assert err.extra["body"]["code"] == 21220


@pytest.mark.parametrize(("status", "action"), [(s, a) for s in ("stopped", "processing", "completed", "absent")
                                                for a in ("pause", "resume", "stop")])
def test_transition_table_refuses_controls_after_stop(status: str, action: str) -> None:
    with pytest.raises(InvalidRequestError) as e:
        transition(status, action)
    assert e.value.code == 16114


def test_transition_table_is_closed() -> None:
    states = {s for s, _ in TRANSITIONS} | set(TRANSITIONS.values())
    assert states == {"in-progress", "paused", "stopped", "processing", "completed", "absent", "deleted"}


_ACTIONS = st.sampled_from(["pause-skip", "pause-silence", "resume", "stop", "no-media"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 190), _ACTIONS, st.integers(1, 30)), max_size=8))
def test_random_control_sequences(tmp_path: Path, steps: list[tuple[int, str, int]]) -> None:
    """Random pause/resume/stop/no-media sequences: every answer is what the transition
    table says, and samples = span - skipped - no_media - trimmed, with the span, the
    skip and the no-media computed here independently."""
    events: list[dict[str, Any]] = []
    for tenth, action, length in sorted(steps):
        at = tenth / 10
        if action == "no-media":
            events.append({"at": at, "no_media_s": length / 10})
        elif action == "stop":
            events.append(_update(at, "stopped", recording=1))
        elif action == "resume":
            events.append(_update(at, "in-progress", recording=1))
        else:
            events.append(_update(at, "paused", action.split("-")[1], recording=1))
    res = _call(tmp_path, events, seconds=20.0)
    (r,) = res.recordings
    # replay the table
    status, seg_start, mode = "in-progress", 0.0, "captured"
    spans: list[tuple[str, float, float]] = []
    rest_events = [e for e in events if "rest" in e]
    answers = [e.extra for e in res.events_of("api-response")]
    for ev, ans in zip(rest_events, answers, strict=True):
        want = {"paused": "pause", "in-progress": "resume", "stopped": "stop"}[ev["rest"]["Status"]]
        try:
            new = transition(status, want)
        except InvalidRequestError as err:
            assert ans["body"]["code"] == err.code
            continue
        assert ans["status"] == 200
        if status == "in-progress" and want == "pause":
            spans.append((mode, seg_start, ev["at"]))
            seg_start, mode = ev["at"], "paused-" + (ev["rest"].get("PauseBehavior") or "silence")
        elif status == "paused" and want == "resume":
            spans.append((mode, seg_start, ev["at"]))
            seg_start, mode = ev["at"], "captured"
        elif want == "stop":
            spans.append((mode, seg_start, ev["at"]))
            mode = ""
            new = "processing"
        status = new
    if mode:
        spans.append((mode, seg_start, 20.0))
    span = sum(round(b * 8000) - round(a * 8000) for _, a, b in spans)
    skipped = sum(round(b * 8000) - round(a * 8000) for m, a, b in spans if m == "paused-skip")
    gaps = [(round(e["at"] * 8000), round((e["at"] + e["no_media_s"]) * 8000)) for e in events if "no_media_s" in e]
    covered = np.zeros(160000 + 400000, bool)
    for a, b in gaps:
        covered[a:b] = True
    no_media = sum(int(covered[round(a * 8000):round(b * 8000)].sum()) for m, a, b in spans if m == "captured")
    acc = r.accounting
    assert (acc["span"], acc["skipped"], acc["no_media"]) == (span, skipped, no_media)
    assert acc["samples"] == acc["span"] - acc["skipped"] - acc["no_media"] - acc["trimmed"]
    assert r.status == ("completed" if acc["samples"] >= 8000 else "absent")
    if r.status == "completed":
        assert r.samples is not None and r.samples.shape[0] == acc["samples"]
