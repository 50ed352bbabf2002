"""Words as arrays (issue 15's speed goal): a clip's words without an object per word,
the vectorised capture, the shared channels of a transcribed recording, and the
``words.jsonl`` encoder, each checked against a plain per-word computation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from recsim import scenario_from_dict
from recsim.outputs._jsonl import encode_lines
from recsim.outputs.words import word_rows, words_jsonl
from recsim.scenario import AudioClip
from recsim.scenario.words import ClipWords, Word
from recsim.sim._capture import capture_window
from recsim.sim.media import Stream
from recsim.sim.recording import Recording
from recsim.sim.simulation import Simulation
from recsim.sim.words import recording_arrays, recording_texts, recording_words
from recsim.transcription.sources import TalkerSlice, _voice_track, clip_words, talker_slice, talker_words
from recsim.values import SegmentKind, Track

ROOT = Path(__file__).resolve().parents[1]


def test_clip_words_is_a_sequence_of_words() -> None:
    words = [Word("one,", 0.0, 0.25), Word("two", 0.3, 0.5), Word("three.", 0.5, 0.5)]
    c = ClipWords.of(words)
    assert len(c) == 3 and bool(c) and not bool(c[3:])
    assert c[1] == Word("two", 0.3, 0.5) and c[-1] == words[-1]
    assert list(c) == words and c == words and c[1:] == words[1:]
    assert c.texts.dtype == object and c.starts.dtype == np.float64
    with pytest.raises(ValueError, match="differ in length"):
        ClipWords(["a"], np.zeros(2), np.zeros(2))


@pytest.mark.parametrize(("first", "n"), [(0, 8000), (8000 * 10, 8000 * 6), (8000 * 59, 8000 * 30), (123457, 1)])
def test_talker_slice_is_the_voice_track_shifted(first: int, n: int) -> None:
    """The words of a talker slice: the voice's words whose midpoint lies in the slice,
    each shifted to the slice start by ``Word.shifted`` (the per-word definition)."""
    track, _ = _voice_track(5, 1)
    a, b = first / 8000, (first + n) / 8000
    expected = [w.shifted(-a) for w in track if a <= w.mid < b]
    assert talker_slice(5, 1, first, n) == expected
    assert talker_words(5, 1, first, n) == expected
    lazy = TalkerSlice(5, 1, first, n)
    assert lazy._words is None and bool(lazy)  # placed without finding its words
    assert lazy == expected and len(lazy) == len(expected) and lazy[:2] == expected[:2]
    assert lazy.arrays() is lazy.arrays()  # found once


def test_a_placed_talker_clip_finds_its_words_only_when_read() -> None:
    """clip_words of a talker clip costs no search: the stream keeps a TalkerSlice; the
    capture reads the same words as talker_slice."""
    sc = scenario_from_dict({"seed": 5, "calls": [{"from": "+1", "to": "+2", "twiml": "<Response/>"}]})
    clip = AudioClip.model_validate({"talker": {"voice": 1, "offset_s": 12.5, "seconds": 7.0}})
    got = clip_words(sc, clip, np.zeros(8000 * 7, dtype=np.int16))
    assert isinstance(got, TalkerSlice) and got._words is None
    stream = Stream()
    stream.add(8000, np.ones(8000 * 7, dtype=np.int16), got)
    assert got._words is None and len(stream.words) == 1
    assert list(got) == talker_words(5, 1, 100_000, 8000 * 7) and got._words is not None


def _window(stream: Stream, t0: float, t1: float) -> list[Word]:
    """The words of ``stream`` and its links with midpoint in ``[t0, t1)``, one Word at a
    time (simulated seconds), sorted by (start, end)."""
    out = []
    for first, words in stream.words:
        base = first / 8000
        for w in words:
            if t0 <= base + 0.5 * (w.start + w.end) < t1:
                out.append(Word(w.text, w.start + base, w.end + base))
    for a, b, src in stream.links:
        lo, hi = max(t0, a / 8000), min(t1, b / 8000)
        if lo < hi:
            out.extend(_window(src, lo, hi))
    return sorted(out, key=lambda w: (w.start, w.end))


def _captured_slowly(rec: Recording, stream: Stream) -> list[Word]:
    """The capture rule (docs/semantics.md "Words") word by word."""
    a = rec.assembly
    assert a is not None
    silence = {(t0, t1) for kind, t0, t1 in rec.segments if kind == SegmentKind.PAUSED_SILENCE}
    lead, duration = a.trim_start / 8000, (a.untrimmed - a.trimmed) / 8000
    out = []
    for first, t0, t1 in a.pieces:
        if (t0, t1) in silence:
            continue
        at = first / 8000 - lead
        for w in _window(stream, t0, t1):
            if 0.0 <= 0.5 * (w.start + w.end) - t0 + at < duration:
                out.append(Word(w.text, float(np.round(max(0.0, max(w.start, t0) - t0 + at), 6)),
                                float(np.round(min(duration, min(w.end, t1) - t0 + at), 6))))
    return out


def _traffic(calls: int) -> Simulation:
    doc = yaml.safe_load((ROOT / "examples" / "traffic.yaml").read_text())
    doc["traffic"]["calls"] = calls
    sim = Simulation(scenario_from_dict(doc, base_dir=ROOT / "examples"))
    sim.run()
    return sim


def test_vectorised_capture_equals_the_rule_word_by_word() -> None:
    """Every completed recording of 24 traffic calls (talker slices, bridges, pauses,
    dual and mono): the captured words per channel are those of the capture rule
    applied word by word, and the transcriber's texts are all channels in time order."""
    sim = _traffic(24)
    recs = [r for r in sim.recordings.values() if r.status == "completed" and r.assembly is not None]
    assert len(recs) >= 10
    seen = 0
    for rec in recs:
        leg, track = rec.leg, rec.options.track
        inbound, outbound = _captured_slowly(rec, leg.inbound), _captured_slowly(rec, leg.outbound)
        if track is Track.INBOUND:
            expected = [inbound]
        elif track is Track.OUTBOUND:
            expected = [outbound]
        elif rec.options.n_channels == 2:
            expected = [inbound, outbound]
        else:
            expected = [sorted(inbound + outbound, key=lambda w: (w.start, w.end))]
        assert recording_words(rec) == expected
        merged = sorted((w for ch in expected for w in ch), key=lambda w: (w.start, w.end))
        assert recording_texts(rec) == [w.text for w in merged]
        seen += sum(map(len, expected))
    assert seen > 1000


def test_a_transcribed_recordings_channels_are_computed_once_and_shared(tmp_path: Path) -> None:
    """A ``<Record transcribe>`` recording's channels are computed by the first reader
    (its words.jsonl rows: ``share``) and handed to the second (its transcription), then
    forgotten; a read without ``share`` keeps nothing."""
    fix = ROOT / "fixtures" / "audio"
    doc = {"calls": [{"from": "+1500", "to": "+1600", "twiml": "<Response><Record transcribe='true' "
                      "playBeep='false' maxLength='30'/><Hangup/></Response>"}],
           "parties": {"+1500": {"audio": [{"file": str(fix / "voicemail.wav"), "at": 1.0}]}}}
    sim = Simulation(scenario_from_dict(doc, base_dir=tmp_path))
    sim.run()
    rec = next(r for r in sim.recordings.values() if r.status == "completed")
    assert rec.transcribe
    assert rec.kept_words is None  # the run's transcription read without share: nothing kept
    a, b, c = recording_arrays(rec), recording_arrays(rec), recording_arrays(rec, share=True)
    assert a == b == c and len(a[0][0]) > 10 and a is not b and b is not c
    assert rec.kept_words is not None
    d = recording_arrays(rec)  # takes the kept lists and forgets them
    assert d is c and rec.kept_words is None and recording_arrays(rec) is not d
    assert recording_texts(rec) == a[0][0]


_T = st.sampled_from([0.0, 0.25, 0.5, 0.1 + 0.2, 1.0, 1.5, 2.000001, 3.3, 7.0])


@given(st.lists(st.tuples(_T, _T, st.sampled_from([0.0, 0.5, 10.125])), max_size=30),
       st.tuples(st.sampled_from([0.0, 0.5, 1.0 + 1e-9]), st.sampled_from([2.0, 20.0]),
                 st.sampled_from([0.0, 0.3, 1.0]), st.sampled_from([2.5, 20.0])),
       st.sampled_from([0.0, -0.2, 0.3]), st.sampled_from([1.0, 30.0]))
def test_capture_kernel_is_the_numpy_rule_bit_for_bit(words: list[tuple[float, float, float]],
                                                      window: tuple[float, float, float, float], at: float,
                                                      duration: float) -> None:
    """The jitted window capture selects, orders (stable, by start then end) and maps
    exactly as the numpy expressions of the rule, to the bit (ties and clipping too)."""
    s = np.array([min(a, b) for a, b, _ in words], dtype=np.float64)
    e = np.array([max(a, b) for a, b, _ in words], dtype=np.float64)
    base = np.array([c for *_, c in words], dtype=np.float64)
    lo, hi, t0, t1 = window
    mid, starts, ends = base + 0.5 * (s + e), s + base, e + base
    rec_mid = 0.5 * (starts + ends) - t0 + at
    keep = ((mid >= lo) & (mid < hi) & (rec_mid >= 0.0) & (rec_mid < duration)).nonzero()[0]
    index = keep[np.lexsort((ends[keep], starts[keep]))]
    got = capture_window(s, e, base, lo, hi, t0, t1, at, duration)
    assert got[0].tolist() == index.tolist()
    assert got[1].tobytes() == np.maximum(0.0, np.maximum(starts[index], t0) - t0 + at).tobytes()
    assert got[2].tobytes() == np.minimum(duration, np.minimum(ends[index], t1) - t0 + at).tobytes()


_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)
_WORD = _TEXT.filter(lambda t: not any(c.isspace() for c in t))
_FAST = st.one_of(st.just(0.0), st.integers(100, 10**15 - 1).map(lambda k: k / 1e6))
_TIME = st.one_of(_FAST, st.integers(0, 10**16).map(lambda k: round(k / 1e6, 6)),
                  st.floats(0, 1e6, allow_nan=False), st.floats(0, 1e-3),
                  st.sampled_from([0.0, -0.0, 1e-6, 5e-5, 1e-4, 0.1 + 0.2, 999999999.999999, 1e9, 1e17]))


@given(st.lists(st.tuples(st.sampled_from(["RE1", "RE%s2", 'RE"3']), st.sampled_from(["CA1", "CA\u00e92"]),
                          st.sampled_from([1, 2]), st.sampled_from(["inbound", "outbound", "both"]),
                          _WORD, _TIME, _TIME), max_size=40))
def test_words_jsonl_is_json_dumps_of_every_row(rows: list[tuple[Any, ...]]) -> None:
    """Each line of ``words.jsonl`` is exactly ``json.dumps(row)``, whatever the sids,
    words (quotes, backslashes, ``%``, non-ASCII) and finite times."""
    keys = ("recording_sid", "call_sid", "channel", "track", "word", "start", "end")
    dicts = [dict(zip(keys, r, strict=True)) for r in rows]
    assert words_jsonl(dicts) == "".join(json.dumps(d) + "\n" for d in dicts).encode()


def test_word_rows_of_a_traffic_run_encode_as_json_dumps() -> None:
    sim = _traffic(8)
    rows = [row for rec in sim.recordings.values() for row in word_rows(rec)]
    assert len(rows) > 200
    assert words_jsonl(rows) == "".join(json.dumps(d) + "\n" for d in rows).encode()


@given(st.lists(st.tuples(_WORD, _FAST, _FAST), min_size=1, max_size=60))
def test_compiled_lines_write_times_as_repr(words: list[tuple[str, float, float]]) -> None:
    """Times of at most six decimals (what the capture writes) take the compiled path,
    which writes each as ``repr`` does: the bytes are ``json.dumps`` of every row."""
    rows = [{"recording_sid": "RE1", "call_sid": "CA1", "channel": 2, "track": "outbound", "word": w, "start": a,
             "end": b} for w, a, b in words]
    lines = encode_lines(np.frombuffer(b'{"recording_sid": "RE1", "call_sid": "CA1", "channel": 2, '
                                       b'"track": "outbound"\n', dtype=np.uint8), np.array([len(rows)]),
                         np.frombuffer("".join(json.dumps(w) for w, *_ in words).encode(), dtype=np.uint8),
                         np.array([a for _, a, _ in words]), np.array([b for *_, b in words]))
    assert lines.tobytes() == "".join(json.dumps(r) + "\n" for r in rows).encode()
    assert words_jsonl(rows) == lines.tobytes()
