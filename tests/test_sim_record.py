"""``<Record>`` (spec 001): timeout, finishOnKey, maxLength, playBeep, trim, action,
absent recordings, hangup, and the loop guard - with exact sample counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import SimulationError, run


def _voicemail(tmp_path: Path, record_attrs: str, audio: str, events: list | None = None, account: dict | None = None,
               after: str = "") -> tuple:
    twiml = f"<Response><Record {record_attrs} recordingStatusCallback='https://app/rs' " \
            f"recordingStatusCallbackEvent='in-progress completed absent'/>{after}</Response>"
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml, "events": events or []}],
               parties={"+1500": {"audio": audio}}, account=account or {},
               apps={"https://app/done": "<Response><Hangup/></Response>",
                     "https://app/next": "<Response><Hangup/></Response>"})
    res = run(sc)
    return res, res.recordings


def test_timeout_ends_after_silence_and_trim_removes_it(tmp_path: Path) -> None:
    """3 s of tone then silence, timeout=2: capture ends at 5.0 s (40000 samples);
    the action's RecordingDuration is 5 (before trimming), the final duration 3."""
    audio = wav(tmp_path, "c.wav", tone(3.0), silence(20.0))
    res, recs = _voicemail(tmp_path, 'playBeep="false" timeout="2" action="https://app/done"', audio)
    (r,) = recs
    assert r.status == "completed" and r.source == "RecordVerb" and r.channels == 1 and r.track == "inbound"
    assert r.untrimmed_s == 5.0
    assert r.samples is not None and r.samples.shape == (24000,)
    assert r.duration == 3
    np.testing.assert_array_equal(r.samples, tone(3.0))
    (action,) = res.events_of("twiml-request", call_sid=r.call_sid)[1:]
    assert action.time == 5.0 and action.url == "https://app/done" and action.method == "POST"
    assert action.parameters["RecordingDuration"] == "5"
    assert "Digits" not in action.parameters
    assert action.parameters["RecordingUrl"].endswith(f"/Recordings/{r.sid}")
    done = res.events_of("recording-status-callback", recording_sid=r.sid)
    assert [(e.time, e.parameters["RecordingStatus"]) for e in done] == [(0.0, "in-progress"), (7.0, "completed")]
    assert done[1].parameters["RecordingDuration"] == "3"


def test_do_not_trim_keeps_the_silent_tail(tmp_path: Path) -> None:
    audio = wav(tmp_path, "c.wav", tone(3.0), silence(20.0))
    _, (r,) = _voicemail(tmp_path, 'playBeep="false" timeout="2" trim="do-not-trim" action="https://app/done"', audio)
    assert r.samples is not None and r.samples.shape == (40000,) and r.duration == 5


def test_timeout_zero_disables_it(tmp_path: Path) -> None:
    """timeout=0: only maxLength (here 4 s) ends a capture of tone then silence."""
    audio = wav(tmp_path, "c.wav", tone(1.0), silence(20.0))
    _, (r,) = _voicemail(tmp_path, 'playBeep="false" timeout="0" maxLength="4" trim="do-not-trim" '
                                   'action="https://app/done"', audio)
    assert r.untrimmed_s == 4.0


def test_finish_on_key_out_of_band(tmp_path: Path) -> None:
    """'#' pressed at 2.5 s ends the capture there; Digits=#; the tone is not recorded."""
    audio = wav(tmp_path, "c.wav", tone(10.0))
    res, (r,) = _voicemail(tmp_path, 'playBeep="false" finishOnKey="#" action="https://app/done"', audio,
                           events=[{"at": 2.5, "dtmf": "#"}])
    assert r.untrimmed_s == 2.5 and r.samples is not None and r.samples.shape == (20000,)
    np.testing.assert_array_equal(r.samples, tone(10.0)[:20000])
    action = res.events_of("twiml-request")[-1]
    assert action.parameters["Digits"] == "#" and action.time == 2.5


def test_keys_not_in_finish_on_key_do_not_end(tmp_path: Path) -> None:
    audio = wav(tmp_path, "c.wav", tone(10.0))
    _, (r,) = _voicemail(tmp_path, 'playBeep="false" finishOnKey="#" maxLength="6" trim="do-not-trim" '
                                   'action="https://app/done"', audio, events=[{"at": 2.0, "dtmf": "5"}])
    assert r.untrimmed_s == 6.0


def test_finish_on_key_tail_loss(tmp_path: Path) -> None:
    """With 1 s of tail loss (001: "approximately the one second before the key")."""
    audio = wav(tmp_path, "c.wav", tone(10.0))
    _, (r,) = _voicemail(tmp_path, 'playBeep="false" finishOnKey="#" action="https://app/done"', audio,
                         events=[{"at": 2.5, "dtmf": "#"}], account={"finish_on_key_tail_loss_s": 1.0})
    assert r.untrimmed_s == 1.5


def test_finish_on_key_in_band_from_the_dtmf_fixture(tmp_path: Path, fixtures_dir: Path) -> None:
    """A caller whose audio carries key tones (the sox fixture '1234#'): finishOnKey='#'
    ends the capture at the '#' onset (16800 samples into the file), within one
    Goertzel hop; earlier keys do not end it."""
    audio = str(fixtures_dir / "dtmf_1234_hash.wav")
    res, (r,) = _voicemail(tmp_path, 'playBeep="false" finishOnKey="#" timeout="0" trim="do-not-trim" '
                                     'action="https://app/done"', audio)
    assert r.samples is not None
    assert 16800 - 102 <= r.samples.shape[0] <= 16800 + 102
    assert res.events_of("twiml-request")[-1].parameters["Digits"] == "#"


def test_max_length_counts_captured_time(tmp_path: Path) -> None:
    audio = wav(tmp_path, "c.wav", tone(30.0))
    _, (r,) = _voicemail(tmp_path, 'playBeep="false" maxLength="3" action="https://app/done"', audio)
    assert r.untrimmed_s == 3.0 and r.duration == 3


def test_hangup_sends_digits_hangup(tmp_path: Path) -> None:
    audio = wav(tmp_path, "c.wav", tone(30.0))
    res, (r,) = _voicemail(tmp_path, 'playBeep="false" action="https://app/done"', audio,
                           events=[{"at": 2.0, "hangup": "caller"}])
    assert r.untrimmed_s == 2.0
    action = res.events_of("twiml-request")[-1]
    assert action.parameters["Digits"] == "hangup"
    assert action.parameters["CallStatus"] == "completed"


def test_play_beep_delays_capture_and_is_not_recorded(tmp_path: Path) -> None:
    """The beep (0.25 s) plays on the outbound stream; capture starts after it."""
    audio = wav(tmp_path, "c.wav", tone(3.0), silence(10.0))
    _, (r,) = _voicemail(tmp_path, 'timeout="1" trim="do-not-trim" action="https://app/done"', audio)
    assert r.start_time == 0.25
    assert r.samples is not None
    np.testing.assert_array_equal(r.samples[: 24000 - 2000], tone(3.0)[2000:])
    assert r.untrimmed_s == 3.0 - 0.25 + 1.0


def test_absent_recording_makes_no_action_and_goes_on(tmp_path: Path) -> None:
    """A silent caller: trimmed to nothing, absent (16101); no action request; the next
    verb runs (here a Redirect); the absent callback is sent."""
    audio = wav(tmp_path, "c.wav", silence(30.0))
    res, (r,) = _voicemail(tmp_path, 'playBeep="false" action="https://app/done"', audio,
                           after="<Redirect>https://app/next</Redirect>")
    assert r.status == "absent" and r.error_code == 16101 and r.duration == 0
    reasons = [e.extra["reason"] for e in res.events_of("twiml-request")]
    assert reasons == ["voice", "redirect"]
    statuses = [e.parameters["RecordingStatus"] for e in res.events_of("recording-status-callback")]
    assert statuses == ["in-progress", "absent"]
    assert "RecordingDuration" not in res.events_of("recording-status-callback")[-1].parameters
    assert r.resource["status"] == "absent" and r.resource["error_code"] == 16101


def test_silent_do_not_trim_is_kept_unless_the_account_deletes_silent(tmp_path: Path) -> None:
    audio = wav(tmp_path, "c.wav", silence(30.0))
    _, (kept,) = _voicemail(tmp_path, 'playBeep="false" trim="do-not-trim" action="https://app/done"', audio)
    assert kept.status == "completed" and kept.duration == 5
    _, (gone,) = _voicemail(tmp_path, 'playBeep="false" trim="do-not-trim" action="https://app/done"', audio,
                            account={"delete_silent_recordings": True})
    assert gone.status == "absent" and gone.error_code == 16102


def test_no_action_re_requests_the_current_document_and_loops_are_stopped(tmp_path: Path) -> None:
    """Without action, <Record> re-requests its document (001); recsim stops a loop
    after 100 documents with a clear error."""
    audio = wav(tmp_path, "c.wav", tone(2000.0))
    with pytest.raises(SimulationError, match=r"more than 100 TwiML requests.*give it an action URL"):
        _voicemail(tmp_path, 'playBeep="false" maxLength="2"', audio)


def test_record_warnings_become_debugger_events(tmp_path: Path) -> None:
    """Invalid attributes warn with their code and fall back to the default."""
    audio = wav(tmp_path, "c.wav", tone(3.0), silence(20.0))
    res, (r,) = _voicemail(tmp_path, 'playBeep="false" timeout="soon" finishOnKey="x" action="https://app/done"',
                           audio)
    codes = sorted(e.extra["code"] for e in res.events_of("debugger-warning"))
    assert codes == [13611, 13613]
    assert r.untrimmed_s == 3.0 + 5.0  # default timeout 5 s


def test_no_media_is_not_recorded_and_not_silence(tmp_path: Path) -> None:
    """No RTP from 2.5 s to 5.5 s: absent from the recording, and never counted as
    silence; the silences on both sides of the gap join (1.5 s + 1.0 s = 2.5 s)."""
    audio = wav(tmp_path, "c.wav", tone(1.0), silence(5.5), tone(5.0))
    events = [{"at": 2.5, "no_media_s": 3.0}]
    attrs = 'playBeep="false" trim="do-not-trim" action="https://app/done" timeout='
    _, (r3,) = _voicemail(tmp_path, attrs + '"3"', audio, events=events)
    # 2.5 s < 3 s: the tone from 6.5 s to 11.5 s, then the timeout at 14.5 s
    assert r3.accounting == {"span": 116000, "skipped": 0, "no_media": 24000, "trimmed": 0, "samples": 92000}
    _, (r2,) = _voicemail(tmp_path, attrs + '"2"', audio, events=events)
    # 1.5 s before the gap + 0.5 s after it: fires at 6.0 s
    assert r2.accounting == {"span": 48000, "skipped": 0, "no_media": 24000, "trimmed": 0, "samples": 24000}
    assert r2.samples is not None
    np.testing.assert_array_equal(r2.samples[:8000], tone(1.0))
    assert not r2.samples[8000:].any()
