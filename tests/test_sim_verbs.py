"""The other TwiML verbs in the simulator: <Say>, <Play>, <Pause>, <Hangup>, <Redirect>,
<Dial><Client>, and their errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import ScenarioError, run
from recsim.audio import say_audio, say_duration_s
from recsim.cli import main


def _outbound_recording(tmp_path: Path, body: str, **kw: object) -> np.ndarray:
    twiml = f"<Response><Start><Recording track='outbound' trim='do-not-trim'/></Start>{body}</Response>"
    res = run(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml}], **kw))
    (r,) = res.recordings
    assert r.samples is not None
    return r.samples


def test_say_plays_platform_speech_whose_length_follows_the_text(tmp_path: Path) -> None:
    text = "Your call is important to us please stay on the line"
    x = _outbound_recording(tmp_path, f"<Say>{text}</Say>")
    assert x.shape[0] == round(say_duration_s(text) * 8000) == 11 * 0.4 * 8000
    np.testing.assert_array_equal(x, say_audio(text))


def test_play_loops_the_mapped_media(tmp_path: Path) -> None:
    clip = tone(0.5, freq=600)
    path = wav(tmp_path, "hold.wav", clip)
    x = _outbound_recording(tmp_path, "<Play loop='3'>https://media/hold.wav</Play><Pause length='1'/>",
                            media={"https://media/hold.wav": path})
    assert x.shape[0] == 3 * 4000 + 8000
    np.testing.assert_array_equal(x[:12000], np.tile(clip, 3))
    assert not x[12000:].any()


def test_hangup_ends_the_call_and_its_recordings(tmp_path: Path) -> None:
    x = _outbound_recording(tmp_path, "<Pause length='2'/><Hangup/><Pause length='30'/>")
    assert x.shape[0] == 16000


def test_redirect_continues_with_the_app(tmp_path: Path) -> None:
    x = _outbound_recording(tmp_path, "<Redirect>https://app/next</Redirect><Pause length='30'/>",
                            apps={"https://app/next": "<Response><Pause length='3'/></Response>"})
    assert x.shape[0] == 24000


def test_dial_client(tmp_path: Path) -> None:
    res = run(build(tmp_path, [{"from": "+1500", "to": "+1600",
                                "twiml": "<Response><Dial record='record-from-answer-dual'><Client>alice</Client>"
                                         "</Dial></Response>"}],
                    parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(1.0))},
                             "client:alice": {"audio": wav(tmp_path, "a.wav", silence(0.5), tone(1.0, freq=900)),
                                              "answer_delay_s": 1.0}}))
    (r,) = res.recordings
    # the agent answers at 1.0 s, talks until 2.5 s, hangs up 1 s after the audio ends
    assert r.start_time == 1.0 and r.untrimmed_s == 2.5 and r.channels == 2


def test_unknown_dial_target_and_play_url_are_clear_errors(tmp_path: Path) -> None:
    """Refused before the run starts (recsim.sim.checks), naming the call and the element."""
    with pytest.raises(ScenarioError, match=r"calls\[0\] \(CA[0-9a-f]{32}\): calls\[0\]\.twiml: "
                                            r"<Dial><Number>\+1999</Number></Dial>: the target '\+1999' has no "
                                            "entry in the scenario's parties"):
        run(build(tmp_path, [{"from": "+1", "to": "+2", "twiml": "<Response><Dial>+1999</Dial></Response>"}]))
    with pytest.raises(ScenarioError, match=r"<Play>https://x/y.wav</Play>: the URL has no entry in the scenario's "
                                            "media map"):
        run(build(tmp_path, [{"from": "+1", "to": "+2", "twiml": "<Response><Play>https://x/y.wav</Play></Response>"}]))


def test_dial_no_answer_within_timeout(tmp_path: Path) -> None:
    res = run(build(tmp_path, [{"from": "+1500", "to": "+1600",
                                "twiml": "<Response><Dial timeout='5' action='https://app/after'>+1700</Dial>"
                                         "</Response>"}],
                    parties={"+1700": {"audio": [], "answer_delay_s": 20.0}}))
    after = res.events_of("twiml-request")[-1]
    assert after.time == 5.0 and after.parameters["DialCallStatus"] == "no-answer"


def test_cli_progress_bar_for_many_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    calls = [{"from": "+1", "to": "+2", "twiml": "<Response><Start><Recording/></Start><Pause length='2'/>"
                                                  "</Response>", "start_s": i} for i in range(25)]
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump({"parties": {"+1": {"audio": {"synthetic": {"seconds": 2}}}}, "calls": calls}))
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "25 recordings from 25 calls" in out
    assert len(list((tmp_path / "o" / "media").glob("*.wav"))) == 25
