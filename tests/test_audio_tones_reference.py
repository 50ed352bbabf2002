"""The fast DTMF receiver and ``<Record>`` end detection (issue 14) give exactly the
answers of the straightforward reference implementations in ``dtmf_reference`` (every
block analysed; the end rule stated over the whole captured range), on random audio with DTMF tones (at, under
and around the receiver's level, twist and purity limits), speech, noise and silence."""

from __future__ import annotations

from types import SimpleNamespace

import dtmf_reference as ref
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from recsim.audio import detect_dtmf, dtmf_tone, noise, speech_like
from recsim.errors import InvalidAudioError
from recsim.sim.record_verb import find_record_end

RATE = 8000
KEYS = "0123456789*#ABCD"
LOW = (697.0, 770.0, 852.0, 941.0)
HIGH = (1209.0, 1336.0, 1477.0, 1633.0)
CHUNK = 80_000  # record_verb.CHUNK_S at 8 kHz: tones near chunk edges matter


def _pair(lo: float, hi: float, n: int, lo_dbfs: float, hi_dbfs: float) -> np.ndarray:
    t = np.arange(n) / RATE
    return (32767 * 10 ** (lo_dbfs / 20) * np.sin(2 * np.pi * lo * t)
            + 32767 * 10 ** (hi_dbfs / 20) * np.sin(2 * np.pi * hi * t))


@st.composite
def tone_audio(draw: st.DrawFn, min_s: float = 0.0, max_s: float = 3.0, hot_spots: tuple[int, ...] = ()) -> np.ndarray:
    """A bed (silence, noise or speech-like talk) with DTMF-like tones added: true keys,
    keys with twist, detuned pairs, two keys at once; lengths around the two-block
    minimum; levels around -36 dBFS; some placed near ``hot_spots`` (sample indices)."""
    lo_n, hi_n = int(min_s * RATE), int(max_s * RATE)
    share = draw(st.sampled_from([0.0, 0.1, 0.4, 0.7, 1.0]))
    n = min(hi_n, lo_n + round(share * (hi_n - lo_n)) + draw(st.integers(0, 500)))
    seed = draw(st.integers(0, 2**16))
    bed = draw(st.sampled_from(["zero", "quiet", "noise", "talk"]))
    x = np.zeros(n, dtype=np.float64)
    if n and bed == "quiet":
        x += noise(n / RATE, level_dbfs=-65.0, seed=seed)[:n]
    elif n and bed == "noise":
        x += noise(n / RATE, level_dbfs=draw(st.sampled_from([-45.0, -30.0, -12.0])), seed=seed)[:n]
    elif n and bed == "talk":
        x += speech_like(n / RATE, seed=seed, level_dbfs=draw(st.sampled_from([-30.0, -20.0])))[:n]
    for _ in range(draw(st.integers(0, 8))):
        length = draw(st.sampled_from([150, 300, 400, 420, 520, 520, 800, 800, 1600]))
        if n <= length:
            break
        if hot_spots and draw(st.booleans()):
            at = draw(st.sampled_from(hot_spots)) + draw(st.integers(-900, 500))
        else:
            at = draw(st.integers(0, n - length))
        at = min(max(at, 0), n - length)
        x[at : at + length] += _tone(draw, length)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def _tone(draw: st.DrawFn, length: int) -> np.ndarray:
    kind = draw(st.sampled_from(["key", "key", "key", "twist", "detuned", "two-keys"]))
    level = draw(st.sampled_from([-50.0, -40.0, -37.0, -34.0, -33.0, -30.0, -20.0, -12.0, -6.0]))
    if kind == "key":
        return dtmf_tone(draw(st.sampled_from(KEYS)), duration_s=length / RATE, level_dbfs=level).astype(np.float64)
    lo, hi = draw(st.sampled_from(LOW)), draw(st.sampled_from(HIGH))
    if kind == "twist":
        return _pair(lo, hi, length, level, level + draw(st.sampled_from([-9.0, -7.5, 7.5, 9.0])))
    if kind == "detuned":
        f = draw(st.sampled_from([0.97, 0.985, 1.015, 1.03]))
        return _pair(lo * f, hi / f, length, level, level)
    lo2, hi2 = draw(st.sampled_from(LOW)), draw(st.sampled_from(HIGH))
    return _pair(lo, hi, length, level, level) + _pair(lo2, hi2, length, level - 6, level - 6)


@settings(max_examples=150)
@given(tone_audio(), st.text(alphabet="0123456789*#", max_size=3), st.none() | st.integers(0, 30_000))
def test_detect_dtmf_equals_the_reference(x: np.ndarray, stop_keys: str, max_start: int | None) -> None:
    """Every press (start sample and key) is the reference's, also with a stop key and
    a last start."""
    got = detect_dtmf(x, stop_keys=stop_keys, max_start=max_start)
    event(f"presses: {min(len(got), 3)}")
    assert got == ref.detect_dtmf(x, stop_keys=stop_keys, max_start=max_start)


@pytest.mark.parametrize("level", [-30.0, -20.0, -10.0])
def test_every_key_at_every_offset_of_the_block_grid(level: float) -> None:
    """A 45 ms key (just over two blocks) at each of 102 onsets within a hop, over quiet
    noise: same presses as the reference, and each key is found."""
    for key in KEYS:
        tone = dtmf_tone(key, duration_s=0.045, level_dbfs=level)
        for off in range(0, 102, 7):
            x = noise(0.3, level_dbfs=-60.0, seed=off).astype(np.int32)
            x[600 + off : 600 + off + tone.shape[0]] += tone
            x = np.clip(x, -32768, 32767).astype(np.int16)
            got = detect_dtmf(x)
            assert got == ref.detect_dtmf(x)
            assert [k for _, k in got] == [key]


def test_keys_across_the_receivers_segments() -> None:
    """The receiver works in segments of 256 blocks (26,112 samples): a key whose blocks
    straddle a segment edge, at every hop offset around the first two edges, over talk
    and over silence: the same presses as the reference, each key found once."""
    tone = dtmf_tone("7", duration_s=0.05, level_dbfs=-12.0)
    for bed in (np.zeros(60_000, np.int16), speech_like(7.5, seed=5, level_dbfs=-35.0)[:60_000]):
        for edge in (256 * 102, 512 * 102):
            for at in range(edge - 500, edge + 120, 17):
                x = bed.astype(np.int32)
                x[at : at + tone.shape[0]] += tone
                x16 = np.clip(x, -32768, 32767).astype(np.int16)
                got = detect_dtmf(x16)
                assert got == ref.detect_dtmf(x16)
                assert [k for _, k in got] == ["7"]


def test_stop_keys_end_the_scan_at_the_first_stop_press() -> None:
    """Keys 1, #, 5: stopping at '#' or '5' returns the presses up to it; max_start
    drops the presses that start later."""
    x = np.concatenate([np.zeros(400, np.int16), ref_sequence("1#5")])
    every = detect_dtmf(x)
    assert [k for _, k in every] == ["1", "#", "5"]
    assert detect_dtmf(x, stop_keys="#") == every[:2]
    assert detect_dtmf(x, stop_keys="5*") == every
    assert detect_dtmf(x, max_start=every[1][0]) == every[:2]
    assert detect_dtmf(x, max_start=every[1][0] - 1) == every[:1]


def ref_sequence(keys: str) -> np.ndarray:
    gap = np.zeros(800, np.int16)
    return np.concatenate([p for k in keys for p in (dtmf_tone(k), gap)])


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"stop_keys": "1x"}, "stop_keys: 'x' is not allowed"),
    ({"max_start": -1}, "max_start: -1 is not allowed"),
    ({"max_start": 1.5}, "max_start: 1.5 is not allowed"),
])
def test_bad_scan_limits_are_named(kwargs: dict, needle: str) -> None:
    with pytest.raises(InvalidAudioError, match=needle):
        detect_dtmf(np.zeros(1000, np.int16), **kwargs)


class _Stream:
    """An inbound stream fixed in advance: ``render(a, b)`` gives samples ``[a, b)``."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = x

    def render(self, a: int, b: int) -> np.ndarray:
        out = np.zeros(b - a, dtype=np.int16)
        part = self.x[a:b]
        out[: part.shape[0]] = part
        return out


EDGES = (CHUNK, 2 * CHUNK)


@settings(max_examples=80)
@given(
    tone_audio(min_s=2.0, max_s=22.0, hot_spots=EDGES),
    st.sampled_from([0, 0, 1, 2, 5]),
    st.sampled_from(["", "#", "1234567890*#", "1234567890*#", "5", "x#"]),  # x: never a tone
    st.sampled_from([3.0, 9.9, 10.0, 12.5, 25.0]),
    st.sampled_from([0.0, 0.3, 1.7]),
    st.lists(st.tuples(st.floats(0.0, 20.0), st.floats(0.05, 3.0)), max_size=2),
    st.lists(st.tuples(st.floats(0.0, 25.0), st.sampled_from("#5")), max_size=1),
)
def test_record_end_equals_the_reference(x: np.ndarray, timeout: int, finish_on_key: str, max_length: float,
                                         t0: float, gaps: list, keys_out_of_band: list) -> None:
    """Timeout, finishOnKey tone (in the audio or out of band) and maxLength: the same
    end (reason, time, key) as the reference's, including tones across a chunk edge."""
    start = round(t0 * RATE)
    audio = np.concatenate([np.zeros(start, np.int16), x])
    leg = SimpleNamespace(inbound=_Stream(audio), no_media=[(a, a + d) for a, d in gaps],
                          dtmf=sorted(keys_out_of_band))
    account = SimpleNamespace(trim_threshold_dbfs=-50.0, trim_frame_s=0.01)
    kw = {"t0": t0, "timeout": timeout, "finish_on_key": finish_on_key, "max_length": max_length}
    got, want = find_record_end(account, leg, **kw), ref.record_end(account, leg, **kw)
    event(f"end: {want[0]}, audio {x.shape[0] // CHUNK} chunk edge(s)")
    assert (got.reason, got.time, got.digit) == want


@pytest.mark.parametrize("timeout", [0, 5])
def test_key_across_a_chunk_edge_and_racing_the_timeout(timeout: int) -> None:
    """A '#' (0.1 s) over talk at 40 onsets around the first chunk edge (10 s), then
    silence: the same end as the reference, always the key; a '#' just before, at and
    just after the moment a 5 s silence timeout fires: the same winner as the reference."""
    account = SimpleNamespace(trim_threshold_dbfs=-50.0, trim_frame_s=0.01)
    tone = dtmf_tone("#", duration_s=0.1, level_dbfs=-12.0)
    talk = speech_like(12.0, seed=3, level_dbfs=-30.0, pauses=False)
    for at in range(CHUNK - 700, CHUNK + 300, 25):
        x = talk.copy()
        x[at : at + tone.shape[0]] = np.clip(x[at : at + tone.shape[0]].astype(np.int32) + tone, -32768, 32767)
        x[at + tone.shape[0] :] = 0
        leg = SimpleNamespace(inbound=_Stream(x), no_media=[], dtmf=[])
        kw = {"t0": 0.0, "timeout": timeout, "finish_on_key": "#", "max_length": 60.0}
        got, want = find_record_end(account, leg, **kw), ref.record_end(account, leg, **kw)
        assert (got.reason, got.time, got.digit) == want
        assert got.reason == "key" and abs(got.time - at / RATE) <= 205 / RATE
    winners = set()
    for at in range(39_300, 40_300, 31):  # 5 s of silence from 0: the timeout fires at 40,000
        x = np.zeros(60_000, np.int16)
        x[at : at + tone.shape[0]] = tone
        leg = SimpleNamespace(inbound=_Stream(x), no_media=[], dtmf=[])
        kw = {"t0": 0.0, "timeout": 5, "finish_on_key": "#", "max_length": 60.0}
        got, want = find_record_end(account, leg, **kw), ref.record_end(account, leg, **kw)
        assert (got.reason, got.time, got.digit) == want
        winners.add(got.reason)
    assert winners == {"key", "timeout"}


def test_a_press_at_the_very_sample_the_timeout_fires_wins() -> None:
    """Noise to 0.1 s, then silence: a 5 s timeout fires at sample 40,800, the end of a
    frame and the start of a Goertzel block; a '#' from there is a press starting at
    40,800: the key wins the tie (as in the reference), at 5.1 s."""
    account = SimpleNamespace(trim_threshold_dbfs=-50.0, trim_frame_s=0.01)
    x = np.zeros(60_000, np.int16)
    x[:800] = noise(0.1, level_dbfs=-20.0, seed=1)
    x[40_805 : 40_805 + 800] = dtmf_tone("#", duration_s=0.1, level_dbfs=-6.0)
    assert detect_dtmf(x) == [(40_800, "#")]
    leg = SimpleNamespace(inbound=_Stream(x), no_media=[], dtmf=[])
    kw = {"t0": 0.0, "timeout": 5, "finish_on_key": "#", "max_length": 60.0}
    got, want = find_record_end(account, leg, **kw), ref.record_end(account, leg, **kw)
    assert (got.reason, got.time, got.digit) == want == ("key", 5.1, "#")


def test_levels_around_the_receivers_minimum() -> None:
    """Keys from 4 dB under to 2 dB over the -36 dBFS minimum, in 0.05 dB steps, with the
    two tones 0 or 7.9 dB apart: the same presses as the reference at every level (the
    energy pre-check and the level checks decide exactly as it does)."""
    found = set()
    for step in range(120):
        rms = -40.0 + 0.05 * step  # dBFS RMS of the stronger tone
        for twist in (0.0, -7.9):
            x = np.zeros(1600, np.float64)
            x[300:1300] = _pair(852.0, 1477.0, 1000, rms + 3.0103, rms + 3.0103 + twist)
            x16 = np.round(x).astype(np.int16)
            got = detect_dtmf(x16)
            assert got == ref.detect_dtmf(x16)
            found.add(bool(got))
    assert found == {True, False}


@pytest.mark.parametrize("codec", ["L16", "PCMU", "PCMA"])
def test_record_end_on_a_real_stream_equals_the_reference(codec: str) -> None:
    """find_record_end renders each 10 s window with its two-block overlap in one call
    (relying on any cut of a stream rendering the same samples); the reference renders
    the whole range at once. On a recsim Stream (coded clips, overlapping clips summed,
    gaps) with a '#' at onsets around the first chunk edge: the same end."""
    from recsim.sim.media import Stream

    account = SimpleNamespace(trim_threshold_dbfs=-50.0, trim_frame_s=0.01)
    tone = dtmf_tone("#", duration_s=0.06, level_dbfs=-12.0)
    talk = speech_like(12.0, seed=4, level_dbfs=-30.0, pauses=False)
    reasons = set()
    for at in range(1000 + CHUNK - 600, 1000 + CHUNK + 200, 37):  # t0 is sample 1000
        stream = Stream()
        stream.codec = codec
        stream.add(0, talk[:50_000])
        stream.add(45_000, talk[50_000:])  # overlaps the first clip: summed
        stream.add(at, tone)
        leg = SimpleNamespace(inbound=stream, no_media=[], dtmf=[])
        for timeout in (0, 5):
            kw = {"t0": 0.125, "timeout": timeout, "finish_on_key": "#", "max_length": 30.0}
            got, want = find_record_end(account, leg, **kw), ref.record_end(account, leg, **kw)
            assert (got.reason, got.time, got.digit) == want
            reasons.add(got.reason)
    assert reasons == {"key"}
