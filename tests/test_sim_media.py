"""The media model's shortcuts give the samples of the plain computation: a clip of a
shared read-only voice is the slice of the voice's coded copy, coded once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio import g711_roundtrip
from recsim.sim import media
from recsim.sim.media import Stream, coded
from recsim.traffic import talker_bank

_VOICE = np.random.default_rng(7).integers(-32768, 32768, 20_000).astype(np.int16)
_VOICE.flags.writeable = False


@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 19_999), n=st.integers(0, 3_000), codec=st.sampled_from(["PCMU", "PCMA"]))
def test_slice_of_shared_voice_is_the_slice_of_its_coded_copy(a: int, n: int, codec: str) -> None:
    """coded(voice[a:a+n]) equals the G.711 round trip of those samples alone, and is
    read-only (shared by every clip of the voice)."""
    clip = _VOICE[a : a + n]
    out = coded(clip, codec)
    np.testing.assert_array_equal(out, g711_roundtrip(np.array(clip), codec))
    assert out.dtype == np.int16 and out.shape == clip.shape and not out.flags.writeable


def test_voice_coded_once_for_all_its_clips() -> None:
    """Many clips of one talker voice add one cache entry (the voice), not one per clip,
    and the voice stays cached while one-off arrays come and go."""
    voice = talker_bank(3)[1]
    assert not voice.flags.writeable
    media._SHARED.clear()
    for k in range(50):
        coded(voice[k * 800 : k * 800 + 4000], "PCMA")
    for k in range(media._CODED_MAX + 10):
        coded(np.full(200, k, dtype=np.int16), "PCMA")  # one-off arrays (a beep) never evict it
    assert list(media._SHARED) == [(id(voice), "PCMA")]


def test_writeable_clip_is_coded_by_itself() -> None:
    """A writeable array (or a view of one) is coded directly, never through its base."""
    base = np.arange(-4000, 4000, dtype=np.int16)
    clip = base[1000:1100]
    np.testing.assert_array_equal(coded(clip, "PCMU"), g711_roundtrip(clip.copy(), "PCMU"))
    assert (id(base), "PCMU") not in media._CODED and (id(base), "PCMU") not in media._SHARED


def test_stream_renders_talker_clips_like_coded_copies() -> None:
    """A PCMU stream of two overlapping talker clips renders the saturated sum of their
    coded samples, coded again (rendering checks the clip shortcut end to end)."""
    voice = talker_bank(3)[2]
    s = Stream()
    s.codec = "PCMU"
    s.add(100, voice[5000:9000])
    s.add(3000, voice[70_000:72_000])
    got = s.render(0, 6000)
    acc = np.zeros(6000, dtype=np.int32)
    acc[100:4100] += g711_roundtrip(voice[5000:9000].copy(), "PCMU")
    acc[3000:5000] += g711_roundtrip(voice[70_000:72_000].copy(), "PCMU")
    want = g711_roundtrip(np.clip(acc, -32768, 32767).astype(np.int16), "PCMU")
    np.testing.assert_array_equal(got, want)


def test_clips_are_coded_when_first_rendered_and_once() -> None:
    """A PCMU stream keeps a clip as added until a render reaches it; then it holds the
    coded copy (a slice of the coded voice for a talker clip), coded once, and renders
    of any cut give the same samples."""
    voice = talker_bank(3)[4]
    s = Stream()
    s.codec = "PCMU"
    s.add(0, voice[0:4000])
    s.add(10_000, voice[50_000:54_000])
    whole = s.render(0, 14_000)
    assert [c[2] for c in s.clips] == [None, None]
    s.add(20_000, voice[90_000:94_000])
    assert s.clips[2][2] == "PCMU" and s.clips[2][1].base is voice  # not rendered: not coded
    coded_first = s.clips[0][1]
    np.testing.assert_array_equal(s.render(1000, 12_000), whole[1000:12_000])
    assert s.clips[0][1] is coded_first  # coded once
    assert s.clips[2][2] == "PCMU"  # still outside every render
    want = g711_roundtrip(voice[90_000:94_000].copy(), "PCMU")
    np.testing.assert_array_equal(s.render(19_000, 25_000)[1000:5000], want)
    assert s.clips[2][2] is None


@pytest.mark.parametrize(("codec", "src_codec"), [("PCMU", "PCMU"), ("PCMU", "L16"), ("PCMA", "PCMU"), ("L16", "PCMA")])
def test_render_into_a_channel_equals_render(codec: str, src_codec: str) -> None:
    """Writing a stream into a column of a dual buffer (disjoint clip and link: copied
    straight in; overlapping: mixed) gives the samples render returns, for any cut."""
    voice = talker_bank(3)[5]
    src = Stream()
    src.codec = src_codec
    src.add(2000, voice[1000:5000])
    s = Stream()
    s.codec = codec
    s.add(0, voice[20_000:21_500])
    s.link(1500, 7000, src)  # disjoint from the clip
    s.add(9000, voice[30_000:33_000])
    s.add(10_000, voice[40_000:41_000])  # overlaps the one before: mixed
    for a, b in [(0, 12_000), (500, 6000), (8000, 12_000), (1400, 1600)]:
        buf = np.zeros((b - a, 2), dtype=np.int16)
        s.render_into(buf[:, 1], a)
        np.testing.assert_array_equal(buf[:, 1], s.render(a, b))
        assert not buf[:, 0].any()


@settings(max_examples=120, deadline=None)
@given(clips=st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 800), st.integers(-32768, 32767)),
                      min_size=0, max_size=12),
       ordered=st.booleans(), a=st.integers(0, 3500), n=st.integers(0, 1500))
def test_render_any_cut_is_the_saturated_sum(clips: list[tuple[int, int, int]], ordered: bool, a: int,
                                             n: int) -> None:
    """A linear (L16) stream's render of any cut is the saturated sum of its clips there
    and digital silence elsewhere, whether the clips came in time order (looked up by
    start) or not (every clip looked at)."""
    if ordered:
        clips = sorted(clips)
    s = Stream()
    acc = np.zeros(5000, dtype=np.int64)
    for k, (start, length, level) in enumerate(clips):
        x = np.full(length, level, dtype=np.int16)
        x[:: 2 + k % 3] //= 2  # not constant: a wrong offset shows
        s.add(start, x)
        acc[start : start + length] += x
    want = np.clip(acc[a : a + n], -32768, 32767).astype(np.int16)
    np.testing.assert_array_equal(s.render(a, a + n), want)


@pytest.mark.parametrize("src_codec", ["PCMU", "L16"])
def test_alaw_gaps_are_digital_silence_however_the_stream_is_cut(src_codec: str) -> None:
    """A-law codes 0 as +8; where nothing plays (no clip, no bridge) a PCMA stream reads
    0 whether its cut was re-coded (a bridge from a leg of another codec) or copied (its
    own clips only). Inside a bridge the other leg's silence is carried and coded, as in
    a sum."""
    rng = np.random.default_rng(3)
    src = Stream()
    src.codec = src_codec
    src.add(100, (rng.standard_normal(300) * 3000).astype(np.int16))
    dst = Stream()
    dst.codec = "PCMA"
    dst.link(0, 400, src)  # a bridge from the other leg over [0, 400)
    dst.add(500, (rng.standard_normal(100) * 3000).astype(np.int16))
    whole = dst.render(0, 1000)
    assert not whole[400:500].any() and not whole[600:].any()
    assert np.array_equal(np.concatenate([dst.render(0, 450), dst.render(450, 1000)]), whole)
    assert np.array_equal(dst.render(450, 1000), whole[450:])
