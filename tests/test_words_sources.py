"""Where words come from (sidecar transcripts, synthetic talkers) and the error model
(issue 15)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from recsim.audio import speech_like
from recsim.errors import ScenarioError
from recsim.scenario.words import Word, load_transcript, sidecar_of
from recsim.traffic import talker_bank
from recsim.transcription import ReferenceEngine, apply_word_errors, get_engine, word_error_rate
from recsim.transcription.sources import _bursts, burst_words, say_words, talker_words
from recsim.transcription.wordlist import ENGLISH_WORDS

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:02.000
Hello there

00:01.500 --> 00:03.000 align:start
<v Sam>good day</v>
"""
SRT = """1
00:00:01,000 --> 00:00:02,000
Hello there

2
00:00:02,000 --> 00:00:03,000
good day
"""


def test_vtt_and_srt_cues_share_their_span_by_letters(tmp_path: Path) -> None:
    """A cue's words split its span in proportion to their letters (good: 4 of 7 letters of its 1.5 s cue)."""
    (tmp_path / "a.vtt").write_text(VTT)
    (tmp_path / "a.srt").write_text(SRT)
    vtt = load_transcript(tmp_path / "a.vtt")
    assert vtt == [Word("Hello", 1.0, 1.5), Word("there", 1.5, 2.0),
                   Word("good", 1.5, 2.357143), Word("day", 2.357143, 3.0)]
    srt = load_transcript(tmp_path / "a.srt")
    assert [w.text for w in srt] == ["Hello", "there", "good", "day"]
    assert (srt[2].start, srt[3].end) == (2.0, 3.0)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("x.words.json", '{"words": [{"word": "a", "start": 2, "end": 1}]}', r"words\[0\]: need 0 <= start <= end"),
    ("x.words.json", '{"words": [{"word": "a b", "start": 0, "end": 1}]}', r"words\[0\]\.word: 'a b' is not one"),
    ("x.words.json", '{"words": [{"word": "a", "start": 0}]}', r"words\[0\]: expected exactly the keys"),
    ("x.words.json", '[1, 2]', r'expected \{"words"'),
    ("x.words.json", '{"words": [', r"x\.words\.json:1: transcript: not JSON"),
    ("x.srt", "1\n00:00:01,000 -> 00:00:02,000\nhi\n", r"x\.srt:2: transcript: unexpected line"),
    ("x.srt", "1\n00:00:01.0 --> 00:00:02,000\nhi\n", r"x\.srt:2: transcript: bad timestamp '00:00:01\.0'"),
    ("x.vtt", "00:01.000 --> 00:02.000\nhi\n", r"x\.vtt:1: transcript: a WebVTT file starts with 'WEBVTT'"),
    ("x.txt", "hi", r"unknown format; allowed endings: \.words\.json, \.vtt, \.srt"),
])
def test_malformed_transcripts_are_refused_with_file_and_line(tmp_path: Path, name: str, text: str,
                                                              message: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(ScenarioError, match=message):
        load_transcript(tmp_path / name)


def test_sidecar_is_found_by_the_audio_files_stem(tmp_path: Path) -> None:
    assert sidecar_of(tmp_path / "m.wav") is None
    (tmp_path / "m.srt").write_text(SRT)
    assert sidecar_of(tmp_path / "m.wav") == tmp_path / "m.srt"
    (tmp_path / "m.words.json").write_text('{"words": []}')
    assert sidecar_of(tmp_path / "m.wav") == tmp_path / "m.words.json"  # the word-exact format first


def test_synthetic_words_fill_the_talk_bursts_only() -> None:
    """Every word of a synthetic talker lies inside one talk burst (pauses are digital
    zero); the words are seeded (same seed, same words) and from the English list."""
    x = speech_like(20.0, seed=11)
    words = burst_words(x, 11)
    bursts = _bursts(x)
    assert len(bursts) > 1 and len(words) > 10
    assert all(any(a <= w.start and w.end <= b for a, b in bursts) for w in words)
    assert burst_words(x, 11) == words and burst_words(x, 12) != words
    assert all(w.text in ENGLISH_WORDS for w in words)


def test_talker_slices_read_one_word_track_per_voice() -> None:
    """Two slices of a bank voice that overlap say the same words where they overlap;
    each word's midpoint lies in its slice; the bank's audio is untouched."""
    before = talker_bank(5)[2].copy()
    a = talker_words(5, 2, 8000 * 10, 8000 * 6)  # 10-16 s
    b = talker_words(5, 2, 8000 * 13, 8000 * 6)  # 13-19 s
    assert all(0 <= w.mid < 6 for w in a + b)
    overlap_a = [(w.text, round(w.start + 10, 6)) for w in a if w.mid + 10 >= 13]
    overlap_b = [(w.text, round(w.start + 13, 6)) for w in b if w.mid + 13 < 16]
    assert overlap_a == overlap_b and overlap_a
    np.testing.assert_array_equal(talker_bank(5)[2], before)


def test_say_words_span_the_say_audio() -> None:
    words = say_words("one two three")
    assert [w.text for w in words] == ["one", "two", "three"]
    assert words[0].start == 0.0 and words[-1].end == pytest.approx(1.2)


@pytest.mark.parametrize("rate", [0.05, 0.15, 0.3])
def test_error_model_measured_wer_within_two_points_over_5000_words(rate: float) -> None:
    """5,000 reference words through the error model: the measured WER (Levenshtein) is
    within 2 points of the setting."""
    rng = np.random.default_rng(1)
    ref = [ENGLISH_WORDS[i] for i in rng.integers(0, len(ENGLISH_WORDS), 5000)]
    hyp = apply_word_errors(ref, rate, np.random.default_rng(2))
    assert abs(word_error_rate(ref, hyp) - rate) <= 0.02
    assert word_error_rate(ref, apply_word_errors(ref, 0.0, np.random.default_rng(2))) == 0.0


def test_reference_engine_errors_are_seeded_per_recording() -> None:
    words = [Word(t, i, i + 1.0) for i, t in enumerate(ENGLISH_WORDS[:200])]
    exact = ReferenceEngine().transcribe_words(words, "RE1")
    assert exact == " ".join(ENGLISH_WORDS[:200])
    noisy = ReferenceEngine(word_error_rate=0.2, seed=3)
    assert noisy.transcribe_words(words, "RE1") == noisy.transcribe_words(words, "RE1")
    assert noisy.transcribe_words(words, "RE1") != noisy.transcribe_words(words, "RE2")
    assert 0.1 < word_error_rate(exact, noisy.transcribe_words(words, "RE1")) < 0.3
    with pytest.raises(ScenarioError, match=r"word_error_rate: 1\.5 is not allowed; allowed: 0 to 1"):
        get_engine("reference", word_error_rate=1.5)


def test_word_error_rate_counts_edits() -> None:
    assert word_error_rate("Hello, Dana.", "hello dana") == 0.0  # case and punctuation are not words
    assert word_error_rate("a b c d", "a x c") == 0.5  # one substitution, one deletion
    assert word_error_rate("a b", "a b c d") == 1.0  # two insertions


@pytest.mark.parametrize("name", ["caller", "agent", "voicemail", "conversation_caller", "conversation_agent"])
def test_fixture_sidecars_say_the_known_text_in_time_order(name: str) -> None:
    """Each speech fixture's sidecar has the words of its known text (turn separators
    aside), in time order, inside the file."""
    import json

    from recsim.audio import load_audio
    from recsim.transcription import normalize

    fix = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
    doc = json.loads((fix / f"{name}.words.json").read_text())
    words = load_transcript(fix / f"{name}.words.json")
    assert [w.text for w in words] == [t for t in doc["text"].split() if t != "/"]
    assert normalize(doc["text"]) == normalize(" ".join(w.text for w in words))
    seconds = load_audio(fix / f"{name}.wav").shape[0] / 8000
    assert all(a.end <= b.start for a, b in itertools.pairwise(words)) and words[-1].end <= seconds
