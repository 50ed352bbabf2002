"""A stopped recording is measured at once and rendered when first read: trim-silence
reads only the edges, and gives the bounds (and later the samples) of rendering it all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from simkit import build, silence, tone, wav
from strategies import on_off_audio

from recsim.audio import silence_bounds
from recsim.sim import Simulation
from recsim.sim import assembly as A


@settings(max_examples=80, deadline=None)
@given(audio=on_off_audio(channels=2, max_frames=300), ch=st.sampled_from([1, 2]), tail=st.integers(0, 79),
       frame_s=st.sampled_from([0.01, 0.013, 0.02]), edge=st.sampled_from([50, 160, 4000]),
       trailing=st.booleans())
def test_edges_equal_silence_bounds_of_everything(audio: tuple[np.ndarray, list[bool]], ch: int, tail: int,
                                                  frame_s: float, edge: int, trailing: bool) -> None:
    """Reading frame-aligned chunks from each edge gives silence_bounds of the whole
    array (any frame length, a partial last frame, mono or dual); without trailing, the
    same start and silent flag. Every chunk starts on a frame and ends on one (or at the
    end)."""
    x = audio[0] if ch == 2 else audio[0][:, 0].copy()
    x = np.concatenate([x, np.full((tail, *x.shape[1:]), 9000, dtype=np.int16)])
    read: list[tuple[int, int]] = []

    def get(lo: int, hi: int) -> np.ndarray:
        assert 0 <= lo < hi <= x.shape[0]
        read.append((lo, hi))
        return x[lo:hi]

    old, A.EDGE_SAMPLES = A.EDGE_SAMPLES, edge
    try:
        got = A._edges(get, x.shape[0], -50.0, frame_s, trailing)
    finally:
        A.EDGE_SAMPLES = old
    want = silence_bounds(x, threshold_dbfs=-50.0, frame_s=frame_s)
    if trailing or want == (0, 0):
        assert got == want
    else:
        assert got == (want[0], x.shape[0])
    frame = round(frame_s * 8000)
    assert all(lo % frame == 0 and (hi % frame == 0 or hi == x.shape[0]) for lo, hi in read)  # whole frames


def _record(tmp_path: Path, *parts: np.ndarray, trim: str = "trim-silence", **rest: object) -> Simulation:
    clip = wav(tmp_path, "a.wav", *parts)
    calls = [{"from": "+15550000001", "to": "+15559990000",
              "twiml": f'<Response><Record maxLength="6" playBeep="false" trim="{trim}" '
                       'action="https://app/done"/></Response>'}]
    sc = build(tmp_path, calls, parties={"+15550000001": {"audio": [{"file": clip, "at": 0.0}]}}, **rest)
    sim = Simulation(sc)
    sim.run()
    return sim


def test_trimmed_recording_is_rendered_only_when_read(tmp_path: Path) -> None:
    """1 s silence, 2 s tone, 3 s silence, trimmed: the length (16,000 samples) is known
    before anything but the edges is rendered; the samples read later are the tone."""
    t = tone(2.0)
    sim = _record(tmp_path, silence(1.0), t, silence(3.0))
    (rec,) = sim.recordings.values()
    a = rec.assembly
    assert a is not None and a._audio is None
    assert (a.untrimmed, a.n_samples, a.trim_start, a.silent) == (48_000, 16_000, 8_000, False)
    assert rec.duration == 2
    np.testing.assert_array_equal(a.samples, t)
    assert a.stored is None and a._audio is not None


def test_untrimmed_and_silent_recordings(tmp_path: Path) -> None:
    """do-not-trim keeps all 6 s (48,000 samples, silence included); an all-silent
    trimmed recording is 0 samples and silent."""
    t = tone(0.5)
    sim = _record(tmp_path, silence(1.0), t, silence(5.0), trim="do-not-trim")
    (rec,) = sim.recordings.values()
    assert rec.assembly is not None and rec.assembly.n_samples == 48_000
    np.testing.assert_array_equal(rec.assembly.samples[8000:12000], t)
    assert not rec.assembly.samples[:8000].any() and not rec.assembly.samples[12000:].any()
    sim = _record(tmp_path, silence(7.0))
    (rec,) = sim.recordings.values()
    assert rec.assembly is not None and rec.assembly.silent
    assert rec.assembly.n_samples == 0 and rec.assembly.samples.shape == (0,)


def test_alaw_leg_renders_everything_at_stop(tmp_path: Path) -> None:
    """An A-law leg (where nothing plays, 0 or +8 depending on the mix) is rendered
    whole when it stops; the samples are the A-law round trip of the tone."""
    from recsim.audio import g711_roundtrip

    t = tone(2.0)
    clip = wav(tmp_path, "a.wav", silence(1.0), t, silence(3.0))
    calls = [{"from": "+15550000001", "to": "+15559990000",
              "twiml": '<Response><Record maxLength="6" playBeep="false" action="https://app/done"/></Response>'}]
    sc = build(tmp_path, calls, parties={"+15550000001": {"codec": "PCMA", "audio": [{"file": clip, "at": 0.0}]}},
               network={"codecs": True, "ringback": False})
    sim = Simulation(sc)
    sim.run()
    (rec,) = sim.recordings.values()
    assert rec.leg.inbound.codec == "PCMA" and not A._cut_invariant(rec)
    a = rec.assembly
    assert a is not None and a._audio is not None  # rendered at stop
    assert a.n_samples == 16_000
    np.testing.assert_array_equal(a.samples, g711_roundtrip(t, "PCMA"))
