"""Conferences (specs 002, 003): the mix, join/leave timing, conference recordings,
pause with skip/silence, stop refused, and a participant's own call recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, wav

from recsim import RunResult, run

RATE = 8000


def _noise(seconds: float, seed: int, amp: int = 12000) -> np.ndarray:
    return np.random.default_rng(seed).integers(-amp, amp, round(seconds * RATE)).astype(np.int16)


VOICES = {"+1001": _noise(20, 1), "+1002": _noise(20, 2), "+1003": _noise(20, 3)}


def _room(tmp_path: Path, calls: list[dict[str, Any]], **kw: Any) -> RunResult:
    parties = {num: {"audio": wav(tmp_path, f"{num[1:]}.wav", x)} for num, x in VOICES.items()}
    return run(build(tmp_path, calls, parties=parties, **kw))


def _join(num: str, start: float, leave: float, attrs: str = "", after: str = "", events: list | None = None) -> dict:
    twiml = f"<Response><Dial><Conference {attrs}>room</Conference></Dial>{after}</Response>"
    return {"from": num, "to": "+1999", "twiml": twiml, "start_s": start,
            "events": [{"at": leave - start, "hangup": "caller"}, *(events or [])]}


def _reference(spans: list[tuple[str, float, float]], a: float, b: float) -> np.ndarray:
    """Sum of each participant's voice over its span within [a, b), saturated once."""
    acc = np.zeros(round(b * RATE) - round(a * RATE), np.int32)
    for num, t0, t1 in spans:
        lo, hi = max(t0, a), min(t1, b)
        if lo < hi:
            voice = VOICES[num]
            s0 = round(lo * RATE) - round(a * RATE)
            acc[s0 : s0 + round(hi * RATE) - round(lo * RATE)] += voice[round((lo - t0) * RATE):
                                                                         round((hi - t0) * RATE)]
    return np.clip(acc, -32768, 32767).astype(np.int16)


RECORD = "record='record-from-start' trim='do-not-trim' recordingStatusCallback='https://app/conf'"


def test_mix_is_the_saturated_sum_of_the_participants(tmp_path: Path) -> None:
    """A (records, starts) 0-8 s, B 1-5 s, C 2-8 s: the recording is the sample-exact
    saturated sum over each one's time in the conference."""
    res = _room(tmp_path, [_join("+1001", 0, 8, RECORD), _join("+1002", 1, 5), _join("+1003", 2, 8)])
    (r,) = res.recordings
    assert (r.source, r.channels, r.start_time) == ("Conference", 1, 0.0)
    assert r.samples is not None and r.samples.shape == (64000,)
    ref = _reference([("+1001", 0, 8), ("+1002", 1, 5), ("+1003", 2, 8)], 0, 8)
    np.testing.assert_array_equal(r.samples, ref)
    assert r.resource["conference_sid"].startswith("CF") and len(r.resource["conference_sid"]) == 34


def test_end_conference_on_exit_ends_it_for_everyone(tmp_path: Path) -> None:
    """A leaves at 4 s with endConferenceOnExit: the recording stops; C goes on with its
    next verb (a Redirect)."""
    res = _room(tmp_path, [_join("+1001", 0, 4, RECORD + " endConferenceOnExit='true'"),
                           _join("+1003", 1, 15, after="<Redirect>https://app/after</Redirect>")],
                apps={"https://app/after": "<Response/>"})
    (r,) = res.recordings
    assert r.untrimmed_s == 4.0
    redirect = [e for e in res.events_of("twiml-request") if e.extra["reason"] == "redirect"]
    assert [e.time for e in redirect] == [4.0]


def test_waiting_participants_join_when_the_conference_starts(tmp_path: Path) -> None:
    """B joins at 1 s with startConferenceOnEnter=false and waits; A starts it at 3 s:
    the recording starts at 3 s and B's voice before it is not in the mix."""
    res = _room(tmp_path, [_join("+1002", 1, 9, "startConferenceOnEnter='false'"),
                           _join("+1001", 3, 9, RECORD)])
    (r,) = res.recordings
    assert r.start_time == 3.0 and r.samples is not None
    np.testing.assert_array_equal(r.samples, _reference([("+1002", 1, 9), ("+1001", 3, 9)], 3, 9))


def _update(conf_event_at: float, status: str, behavior: str | None = None) -> dict:
    rest: dict[str, Any] = {"action": "update", "conference": "room", "recording": "Twilio.CURRENT",
                            "Status": status}
    if behavior:
        rest["PauseBehavior"] = behavior
    return {"at": conf_event_at, "rest": rest}


@pytest.mark.parametrize(("behavior", "samples"), [("skip", 80000 - 16000), ("silence", 80000)])
def test_pause_in_a_conference(tmp_path: Path, behavior: str, samples: int) -> None:
    res = _room(tmp_path, [_join("+1001", 0, 10, RECORD, events=[_update(3.0, "paused", behavior),
                                                                  _update(5.0, "in-progress")]),
                           _join("+1002", 0, 10)])
    (r,) = res.recordings
    assert r.samples is not None and r.samples.shape == (samples,)
    ref = _reference([("+1001", 0, 10), ("+1002", 0, 10)], 0, 10)
    if behavior == "skip":
        np.testing.assert_array_equal(r.samples, np.concatenate([ref[:24000], ref[40000:]]))
    else:
        assert not r.samples[24000:40000].any()
        np.testing.assert_array_equal(r.samples[40000:], ref[40000:])
    answers = [(e.extra["status"], e.extra["body"]["status"]) for e in res.events_of("api-response")]
    assert answers == [(200, "paused"), (200, "in-progress")]
    assert "/Conferences/CF" in res.events_of("api-response")[0].url  # type: ignore[operator]


def test_stop_and_create_are_refused_for_conferences(tmp_path: Path) -> None:
    res = _room(tmp_path, [_join("+1001", 0, 6, RECORD, events=[
        _update(2.0, "stopped"), {"at": 3.0, "rest": {"action": "create", "conference": "room"}}])])
    stop, create = res.events_of("api-response")
    assert stop.extra["status"] == 400 and "cannot be stopped" in stop.extra["body"]["message"]
    assert create.extra["status"] == 405 and create.extra["body"]["code"] == 20004
    assert res.recordings[0].untrimmed_s == 6.0


def test_conference_callbacks_carry_the_conference_sid(tmp_path: Path) -> None:
    res = _room(tmp_path, [_join("+1001", 0, 3, RECORD + " recordingStatusCallbackEvent='in-progress completed'")])
    started, done = res.events_of("recording-status-callback")
    assert list(done.parameters) == ["AccountSid", "CallSid", "ConferenceSid", "RecordingSid", "RecordingUrl",
                                     "RecordingStatus", "RecordingDuration", "RecordingChannels",
                                     "RecordingStartTime", "RecordingSource", "RecordingTrack"]
    assert done.parameters["ConferenceSid"] == res.recordings[0].resource["conference_sid"]
    assert done.parameters["RecordingSource"] == "Conference" and started.url == "https://app/conf"


def test_dual_channel_conference_storage(tmp_path: Path) -> None:
    """With the account's dual-channel conference setting: channel 1 the participant who
    started the conference, channel 2 everyone else."""
    res = _room(tmp_path, [_join("+1001", 0, 6, RECORD), _join("+1002", 1, 6), _join("+1003", 2, 6)],
                account={"dual_channel_conference_recording": True})
    (r,) = res.recordings
    assert r.channels == 2 and r.samples is not None and r.samples.shape == (48000, 2)
    np.testing.assert_array_equal(r.samples[:, 0], _reference([("+1001", 0, 6)], 0, 6))
    np.testing.assert_array_equal(r.samples[:, 1], _reference([("+1002", 1, 6), ("+1003", 2, 6)], 0, 6))


def test_a_participants_own_call_recording_is_separate(tmp_path: Path) -> None:
    """REST create on C's call records C's leg: channel 1 C, channel 2 what C hears
    (the mix without C's own voice), apart from the conference recording."""
    res = _room(tmp_path, [_join("+1001", 0, 8, RECORD),
                           _join("+1003", 0, 8, events=[{"at": 2.0, "rest": {"action": "create",
                                                                             "RecordingChannels": "dual"}}]),
                           _join("+1002", 0, 8)])
    conf_rec, own = sorted(res.recordings, key=lambda r: r.source)
    assert (conf_rec.source, own.source) == ("Conference", "StartCallRecordingAPI")
    assert own.samples is not None and own.samples.shape == (48000, 2)
    np.testing.assert_array_equal(own.samples[:, 0], _reference([("+1003", 0, 8)], 2, 8))
    np.testing.assert_array_equal(own.samples[:, 1], _reference([("+1001", 0, 8), ("+1002", 0, 8)], 2, 8))
    assert own.resource["conference_sid"] is None


def test_the_conference_example(tmp_path: Path) -> None:
    """examples/conference.yaml: three parties on speech; the configuration-driven
    conference recording skips 6 s; the supervisor's own call is recorded apart."""
    from recsim import load_scenario
    from recsim.cli import default_scenario_path

    res = run(load_scenario(default_scenario_path().parent / "conference.yaml"), out_dir=tmp_path)
    conf, own = res.recordings
    assert (conf.source, conf.channels, conf.status) == ("Conference", 1, "completed")
    assert conf.accounting["span"] == 46 * RATE and conf.accounting["skipped"] == 6 * RATE
    assert (own.source, own.channels, own.untrimmed_s) == ("StartCallRecordingAPI", 2, 25.0)
    urls = [(e.url, e.parameters["RecordingStatus"]) for e in res.events_of("recording-status-callback")]
    assert urls == [("https://app.example.com/conference-recording-status", "in-progress"),
                    ("https://app.example.com/conference-recording-status", "completed"),
                    ("https://app.example.com/call-recording-status", "completed")]
    assert (tmp_path / "media" / f"{conf.sid}.wav").is_file()
