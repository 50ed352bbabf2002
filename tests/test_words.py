"""Words with times flow with the audio (issue 15): the capture rule at every cut, the
reference engine, words per channel, words.jsonl rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import run
from recsim.outputs.words import word_rows, words_jsonl
from recsim.scenario.words import Word, load_transcript
from recsim.sim.simulation import Simulation
from recsim.sim.words import recording_words
from recsim.transcription import word_error_rate

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
#: Four one-second words over a four-second tone (the sidecar of ``t.wav``).
WORDS4 = [("alpha", 0.0, 1.0), ("beta", 1.0, 2.0), ("gamma", 2.0, 3.0), ("delta", 3.0, 4.0)]


def _tone_with_words(tmp_path: Path, words: list[tuple[str, float, float]], audio: np.ndarray) -> str:
    path = wav(tmp_path, "t.wav", audio)
    doc = {"words": [{"word": w, "start": a, "end": b} for w, a, b in words]}
    (tmp_path / "t.words.json").write_text(json.dumps(doc))
    return path


def _sim(tmp_path: Path, twiml: str, audio: Any, *, events: list[dict[str, Any]] | None = None,
         parties: dict[str, Any] | None = None, **rest: Any) -> Simulation:
    p = {"+1500": {"audio": audio}}
    p.update(parties or {})
    sim = Simulation(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml, "events": events or []}],
                           parties=p, **rest))
    sim.run()
    return sim


def _texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


def _start(trim: str = "do-not-trim", extra: str = "", pause_s: int = 20) -> str:
    return f"<Response><Start><Recording trim='{trim}' track='inbound' {extra}/></Start>" \
           f"<Pause length='{pause_s}'/></Response>"


def test_reference_engine_reproduces_the_fixture_text_exactly(tmp_path: Path) -> None:
    """A <Record> of the whole voicemail message with the default engine (reference):
    TranscriptionText is the fixture's known text, word for word (WER 0)."""
    known = json.loads((FIX / "voicemail.words.json").read_text())["text"]
    twiml = '<Response><Record playBeep="false" timeout="5" transcribe="true" maxLength="60"/><Hangup/></Response>'
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml}],
               parties={"+1500": {"audio": [{"file": str(FIX / "voicemail.wav"), "at": 1.0}]}})
    assert sc.account.transcription_engine == "reference"
    (t,) = run(sc).transcriptions
    assert t["status"] == "completed"
    assert t["transcription_text"] == known
    assert word_error_rate(known, t["transcription_text"]) == 0.0


def test_account_word_error_rate_makes_seeded_imperfect_text(tmp_path: Path) -> None:
    """account.word_error_rate 0.3: the text differs from the known words, the same way
    on every run (seeded by the scenario seed and the RecordingSid)."""
    known = json.loads((FIX / "voicemail.words.json").read_text())["text"]
    twiml = '<Response><Record playBeep="false" timeout="5" transcribe="true" maxLength="60"/><Hangup/></Response>'
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml}],
               parties={"+1500": {"audio": [{"file": str(FIX / "voicemail.wav"), "at": 1.0}]}},
               account={"word_error_rate": 0.3})
    (a,), (b,) = run(sc).transcriptions, run(sc).transcriptions
    assert a["transcription_text"] == b["transcription_text"]
    assert 0.1 < word_error_rate(known, a["transcription_text"]) < 0.5


def test_pause_skip_removes_exactly_the_words_spoken_during_it(tmp_path: Path) -> None:
    """Paused with skip over 1.4-2.4 s: beta (mid 1.5) is gone; gamma (mid 2.5, after the
    resume) stays with its start clipped to the resume; later audio moves 1 s earlier."""
    audio = _tone_with_words(tmp_path, WORDS4, tone(4.0))
    events = [{"at": 1.4, "rest": {"action": "update", "recording": 1, "Status": "paused", "PauseBehavior": "skip"}},
              {"at": 2.4, "rest": {"action": "update", "recording": 1, "Status": "in-progress"}}]
    sim = _sim(tmp_path, _start(pause_s=5), audio, events=events)
    (rec,) = sim.recordings.values()
    (words,) = recording_words(rec)
    assert _texts(words) == ["alpha", "gamma", "delta"]
    assert [(w.start, w.end) for w in words] == [(0.0, 1.0), (1.4, 2.0), (2.0, 3.0)]


def test_pause_silence_removes_the_words_but_keeps_the_time(tmp_path: Path) -> None:
    """Paused with silence over 0.9-2.4 s: beta (mid 1.5) is gone; alpha and gamma are
    clipped to the pause; every time stays (the span is in the recording as zeros)."""
    audio = _tone_with_words(tmp_path, WORDS4, tone(4.0))
    events = [{"at": 0.9, "rest": {"action": "update", "recording": 1, "Status": "paused",
                                   "PauseBehavior": "silence"}},
              {"at": 2.4, "rest": {"action": "update", "recording": 1, "Status": "in-progress"}}]
    sim = _sim(tmp_path, _start(pause_s=5), audio, events=events)
    (rec,) = sim.recordings.values()
    (words,) = recording_words(rec)
    assert _texts(words) == ["alpha", "gamma", "delta"]
    assert [(w.start, w.end) for w in words] == [(0.0, 0.9), (2.4, 3.0), (3.0, 4.0)]


def test_no_media_span_removes_its_words(tmp_path: Path) -> None:
    """No RTP over 2.2-3.8 s: gamma (mid 2.5) and delta (mid 3.5) never arrived."""
    audio = _tone_with_words(tmp_path, WORDS4, tone(4.0))
    sim = _sim(tmp_path, _start(pause_s=5), audio, events=[{"at": 2.2, "no_media_s": 1.6}])
    (rec,) = sim.recordings.values()
    (words,) = recording_words(rec)
    assert _texts(words) == ["alpha", "beta"]


@pytest.mark.parametrize(("key_at", "expected"), [(2.4, ["alpha", "beta"]), (2.6, ["alpha", "beta", "gamma"])])
def test_finish_on_key_cuts_at_the_word_midpoint(tmp_path: Path, key_at: float, expected: list[str]) -> None:
    """The key ends the capture: gamma (2.0-3.0 s, mid 2.5) is captured only when the key
    comes after its midpoint, and then its end is clipped to the recording's end."""
    audio = _tone_with_words(tmp_path, WORDS4, tone(4.0))
    twiml = '<Response><Record playBeep="false" finishOnKey="#" trim="do-not-trim" action="https://app/a"/></Response>'
    sim = _sim(tmp_path, twiml, audio, events=[{"at": key_at, "dtmf": "#"}])
    rec = next(iter(sim.recordings.values()))
    (words,) = recording_words(rec)
    assert _texts(words) == expected
    assert rec.assembly is not None and words[-1].end <= rec.assembly.samples.shape[0] / 8000 + 1e-9


def test_max_length_cuts_at_the_word_midpoint(tmp_path: Path) -> None:
    """maxLength=2: alpha and beta end by 2 s; gamma starts at the cut and is not captured."""
    audio = _tone_with_words(tmp_path, WORDS4, tone(4.0))
    twiml = '<Response><Record playBeep="false" maxLength="2" trim="do-not-trim" action="https://app/a"/></Response>'
    rec = next(iter(_sim(tmp_path, twiml, audio).recordings.values()))
    assert _texts(recording_words(rec)[0]) == ["alpha", "beta"]


def test_trim_silence_drops_words_over_trimmed_audio_and_shifts_the_rest(tmp_path: Path) -> None:
    """1 s of silence then a 3 s tone, trimmed to the tone: "um" (0.2-0.8, in the silence)
    is gone; "half" (0.6-1.6, mid 1.1) is kept with its start clipped to 0; the rest move
    1 s earlier."""
    words = [("um", 0.2, 0.8), ("half", 0.6, 1.6), ("one", 1.6, 2.5), ("two", 2.5, 3.9)]
    audio = _tone_with_words(tmp_path, words, np.concatenate([silence(1.0), tone(3.0), silence(2.0)]))
    rec = next(iter(_sim(tmp_path, _start(trim="trim-silence", pause_s=7), audio).recordings.values()))
    assert rec.assembly is not None and rec.assembly.trim_start == 8000
    (got,) = recording_words(rec)
    assert [(w.text, w.start, w.end) for w in got] == [("half", 0.0, 0.6), ("one", 0.6, 1.5), ("two", 1.5, 2.9)]


def test_dual_channel_words_channel_by_channel(tmp_path: Path) -> None:
    """The two-party conversation fixtures on a <Dial>: channel 1 carries the caller's
    words, channel 2 the agent's, each in order, each exactly its fixture's words."""
    twiml = "<Response><Start><Recording trim='do-not-trim'/></Start><Dial><Number>+1700</Number></Dial></Response>"
    sim = _sim(tmp_path, twiml, str(FIX / "conversation_caller.wav"),
               parties={"+1700": {"audio": str(FIX / "conversation_agent.wav"), "answer_delay_s": 0}})
    (rec,) = sim.recordings.values()
    ch1, ch2 = recording_words(rec)
    assert _texts(ch1) == _texts(load_transcript(FIX / "conversation_caller.words.json"))
    assert _texts(ch2) == _texts(load_transcript(FIX / "conversation_agent.words.json"))
    rows = word_rows(rec)
    assert {(r["channel"], r["track"]) for r in rows} == {(1, "inbound"), (2, "outbound")}
    assert len(rows) == len(ch1) + len(ch2)
    line = json.loads(words_jsonl(rows).decode().splitlines()[0])
    assert set(line) == {"recording_sid", "call_sid", "channel", "track", "word", "start", "end"}
    assert line["recording_sid"] == rec.sid and line["word"] == ch1[0].text


def test_say_words_are_on_the_outbound_track(tmp_path: Path) -> None:
    """<Say> carries its text over its audio span (0.4 s a word): an outbound recording
    captures exactly those words, in order."""
    twiml = "<Response><Start><Recording trim='do-not-trim' track='outbound'/></Start>" \
            "<Say>Your call may be recorded.</Say><Pause length='1'/></Response>"
    rec = next(iter(_sim(tmp_path, twiml, wav(tmp_path, "s.wav", silence(4.0))).recordings.values()))
    (words,) = recording_words(rec)
    assert _texts(words) == ["Your", "call", "may", "be", "recorded."]
    assert words[0].start == 0.0 and words[-1].end == pytest.approx(2.0)


def test_payment_example_pause_skip_removes_the_card_number() -> None:
    """examples/payment_pause_skip.yaml pauses with skip over 26.5-32.5 s while the caller
    (audio from 2.0 s) reads the card number: channel 1 keeps every other word of the
    caller's fixture, in order, and not one word of the card number sentence."""
    from recsim import load_scenario

    sim = Simulation(load_scenario(FIX.parent.parent / "examples" / "payment_pause_skip.yaml"))
    sim.run()
    (rec,) = sim.recordings.values()
    ch1, _ = recording_words(rec)
    spoken = load_transcript(FIX / "conversation_caller.words.json")
    gone = [w.text for w in spoken if 26.5 <= w.mid + 2.0 < 32.5]
    assert gone == "Sure. It is four one one one, two two two two, three three three three.".split()
    assert _texts(ch1) == [w.text for w in spoken if not 26.5 <= w.mid + 2.0 < 32.5]


def test_words_jsonl_on_disk_is_result_words(tmp_path: Path) -> None:
    """recsim run with metadata words writes words.jsonl: one line per captured word,
    equal to RunResult.words(sid), for a dual <Dial> recording of the conversation
    fixtures."""
    twiml = "<Response><Start><Recording trim='do-not-trim'/></Start><Dial><Number>+1700</Number></Dial></Response>"
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml}],
               parties={"+1500": {"audio": str(FIX / "conversation_caller.wav")},
                        "+1700": {"audio": str(FIX / "conversation_agent.wav"), "answer_delay_s": 0}})
    res = run(sc, out_dir=tmp_path / "out", metadata=("json", "words"))
    (r,) = res.recordings
    lines = [json.loads(x) for x in (tmp_path / "out" / "words.jsonl").read_text().splitlines()]
    caller, agent = (_texts(load_transcript(FIX / f"conversation_{w}.words.json")) for w in ("caller", "agent"))
    assert lines == res.words(r.sid) and len(lines) == len(caller) + len(agent) == 41 + 54
    assert [x["word"] for x in lines if x["channel"] == 1] == caller
    assert [x["word"] for x in lines if x["channel"] == 2] == agent


def test_words_jsonl_lines_are_json_dumps_of_the_rows() -> None:
    """The fast encoder writes exactly json.dumps(row) per line (escapes, floats, keys)."""
    rows = [{"recording_sid": "RE1", "call_sid": "CA1", "channel": 1, "track": "inbound", "word": 'He"llo,\u00e9',
             "start": 0.51, "end": 1.0},
            {"recording_sid": "RE1", "call_sid": "CA1", "channel": 2, "track": "outbound", "word": "x",
             "start": 1e-07, "end": 123456.123456},
            {"recording_sid": "RE2", "call_sid": "CA1", "channel": 1, "track": "both", "word": "y", "start": 0.0,
             "end": 2.5}]
    assert words_jsonl(rows) == "".join(json.dumps(r) + "\n" for r in rows).encode()
