"""Recording sources and their own defaults (DESIGN "defaults per source"), channel
layout of dual recordings, and the status callback parameters of each source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import RunResult, run
from recsim.audio import downmix

FULL = ["AccountSid", "CallSid", "RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration",
        "RecordingChannels", "RecordingStartTime", "RecordingSource", "RecordingTrack"]
RECORD_VERB = ["AccountSid", "CallSid", "RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration",
               "RecordingChannels", "RecordingSource"]


def _run(tmp_path: Path, twiml: str, *, caller: np.ndarray, call: dict[str, Any] | None = None,
         parties: dict[str, Any] | None = None) -> RunResult:
    c = {"from": "+1500", "to": "+1600", "twiml": twiml}
    c.update(call or {})
    p = {"+1500": {"audio": wav(tmp_path, "caller.wav", caller)}}
    p.update(parties or {})
    return run(build(tmp_path, [c], parties=p))


def test_start_recording_defaults_dual_both_trim(tmp_path: Path) -> None:
    """<Start><Recording/> (000): dual, track both, trim-silence. Channel 1 is the caller
    (inbound), channel 2 the platform's <Say> (outbound); both the same length."""
    caller = np.concatenate([silence(1.0), tone(2.0), silence(5.0)])
    res = _run(tmp_path, "<Response><Start><Recording recordingStatusCallback='https://app/rs'/></Start>"
                         "<Pause length='4'/></Response>", caller=caller)
    (r,) = res.recordings
    assert (r.source, r.channels, r.track) == ("StartCallRecordingTwiML", 2, "both")
    assert r.samples is not None and r.samples.shape == (16000, 2)  # trimmed to the tone: 1.0 s - 3.0 s
    np.testing.assert_array_equal(r.samples[:, 0], tone(2.0))
    assert not r.samples[:, 1].any()
    assert r.accounting["trimmed"] == 32000 - 16000


def test_start_recording_dual_channel_two_carries_the_child(tmp_path: Path) -> None:
    """With a <Dial>, channel 2 (outbound of the parent) is the child's voice, sample-exact."""
    caller = np.concatenate([tone(1.0, freq=300), silence(4.0)])
    agent = np.concatenate([silence(1.5), tone(1.0, freq=900), silence(0.5)])
    res = _run(tmp_path, "<Response><Start><Recording trim='do-not-trim'/></Start>"
                         "<Dial><Number>+1700</Number></Dial></Response>", caller=caller,
               parties={"+1700": {"audio": wav(tmp_path, "agent.wav", agent), "answer_delay_s": 0.5,
                                  "hangup_after_s": 3.0}})
    (r,) = res.recordings
    assert r.samples is not None and r.samples.shape == (3.5 * 8000, 2)  # until the agent hangs up at 3.5 s
    np.testing.assert_array_equal(r.samples[:8000, 0], tone(1.0, freq=300))
    np.testing.assert_array_equal(r.samples[4000:, 1], agent[: 3 * 8000])
    assert not r.samples[:4000, 1].any()


def test_start_recording_mono_is_the_saturated_sum(tmp_path: Path) -> None:
    caller = tone(2.0, amp=30000)
    res = _run(tmp_path, "<Response><Start><Recording channels='mono' trim='do-not-trim'/></Start>"
                         "<Dial><Number>+1700</Number></Dial></Response>", caller=caller,
               parties={"+1700": {"audio": wav(tmp_path, "a.wav", tone(2.0, amp=30000)), "answer_delay_s": 0,
                                  "hangup_after_s": 2.0}})
    (r,) = res.recordings
    assert r.channels == 1 and r.samples is not None
    both = np.stack([tone(2.0, amp=30000), tone(2.0, amp=30000)], axis=1)
    np.testing.assert_array_equal(r.samples, downmix(both))
    assert r.samples.max() == 32767  # saturated, not wrapped


@pytest.mark.parametrize(("track", "expect_caller", "expect_say"),
                         [("inbound", True, False), ("outbound", False, True)])
def test_start_recording_one_track_is_one_channel(tmp_path: Path, track: str, expect_caller: bool,
                                                  expect_say: bool) -> None:
    caller = np.concatenate([tone(1.0), silence(3.0)])
    res = _run(tmp_path, f"<Response><Start><Recording track='{track}' trim='do-not-trim'/></Start>"
                         "<Pause length='1'/><Say>one two three four five</Say></Response>", caller=caller)
    (r,) = res.recordings
    assert r.channels == 1 and r.samples is not None and r.samples.ndim == 1
    assert bool(r.samples[:8000].any()) is expect_caller
    assert bool(r.samples[8000:].any()) is expect_say


def test_rest_create_defaults_mono_do_not_trim(tmp_path: Path) -> None:
    """REST create (002): mono, track both, do-not-trim, source StartCallRecordingAPI."""
    caller = np.concatenate([silence(2.0), tone(1.0), silence(10.0)])
    res = _run(tmp_path, "<Response><Pause length='6'/></Response>", caller=caller,
               call={"events": [{"at": 1.0, "rest": {"action": "create"}}]})
    (r,) = res.recordings
    assert (r.source, r.channels, r.track) == ("StartCallRecordingAPI", 1, "both")
    assert r.untrimmed_s == r.duration_s == 5.0  # from 1.0 s to the end of the call at 6.0 s
    (api,) = res.events_of("api-response")
    assert api.extra["status"] == 201 and api.extra["body"]["status"] == "in-progress"


def test_outbound_api_record_true_defaults_mono_trim(tmp_path: Path) -> None:
    """Record=true (Calls API): mono, trim-silence, track both; starts at answer."""
    callee = np.concatenate([silence(1.0), tone(2.0)])
    res = run(build(tmp_path, [{"from": "+1600", "to": "+1500", "direction": "outbound-api",
                                "twiml": "<Response><Pause length='5'/></Response>",
                                "record": {"Record": True}}],
                    parties={"+1500": {"audio": wav(tmp_path, "c.wav", callee), "answer_delay_s": 3.0}}))
    (r,) = res.recordings
    assert (r.source, r.channels, r.track, r.start_time) == ("OutboundAPI", 1, "both", 3.0)
    assert r.untrimmed_s == 5.0 and r.duration_s == 2.0


@pytest.mark.parametrize(("record", "channels", "start"), [
    ("record-from-answer", 1, 2.0), ("record-from-answer-dual", 2, 2.0),
    ("record-from-ringing", 1, 0.0), ("record-from-ringing-dual", 2, 0.0),
])
def test_dial_record_modes(tmp_path: Path, record: str, channels: int, start: float) -> None:
    """<Dial record>: from answer or from ringing, mono or -dual, do-not-trim; the
    recording ends with the bridge."""
    res = _run(tmp_path, f"<Response><Dial record='{record}'><Number>+1700</Number></Dial>"
                         "<Pause length='3'/></Response>", caller=tone(1.0),
               parties={"+1700": {"audio": wav(tmp_path, "a.wav", tone(1.0)), "answer_delay_s": 2.0,
                                  "hangup_after_s": 4.0}})
    (r,) = res.recordings
    assert (r.source, r.channels, r.start_time) == ("DialVerb", channels, start)
    assert r.untrimmed_s == r.duration_s == 6.0 - start


def test_callback_parameters_per_source(tmp_path: Path) -> None:
    """<Record> sends the 001 list; the other sources the 000/002 list; RecordingDuration
    only with completed; values as the wire sends them."""
    caller = np.concatenate([tone(2.0), silence(8.0)])
    res = _run(tmp_path,
               "<Response><Start><Recording recordingStatusCallback='https://app/a' "
               "recordingStatusCallbackEvent='in-progress completed'/></Start>"
               "<Record playBeep='false' timeout='2' action='https://app/x' recordingStatusCallback='https://app/b'"
               " recordingStatusCallbackEvent='in-progress completed'/></Response>", caller=caller)
    by_source = {}
    for e in res.events_of("recording-status-callback"):
        by_source.setdefault(e.parameters["RecordingSource"], []).append(e.parameters)
    start = by_source["StartCallRecordingTwiML"]
    assert list(start[0]) == [k for k in FULL if k != "RecordingDuration"]
    assert list(start[1]) == FULL
    rv = by_source["RecordVerb"]
    assert list(rv[1]) == RECORD_VERB
    assert rv[1]["RecordingChannels"] == "1" and rv[1]["RecordingStatus"] == "completed"
    assert start[1]["RecordingStartTime"] == "Fri, 02 Jan 2026 03:04:05 +0000"
    assert start[1]["RecordingTrack"] == "both" and start[1]["RecordingChannels"] == "2"


def test_no_callback_without_url_and_only_requested_events(tmp_path: Path) -> None:
    res = _run(tmp_path, "<Response><Start><Recording/></Start><Start><Recording "
                         "recordingStatusCallback='https://app/a'/></Start><Pause length='3'/></Response>",
               caller=tone(3.0))
    events = res.events_of("recording-status-callback")
    assert [e.parameters["RecordingStatus"] for e in events] == ["completed"]  # default event: completed
    assert len(res.recordings) == 2


def test_stop_recording_verb_stops_start_recordings(tmp_path: Path) -> None:
    res = _run(tmp_path, "<Response><Start><Recording trim='do-not-trim'/></Start><Pause length='2'/>"
                         "<Stop><Recording/></Stop><Pause length='5'/></Response>", caller=tone(7.0))
    (r,) = res.recordings
    assert r.untrimmed_s == 2.0
