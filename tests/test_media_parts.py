"""Media written in parts (a WAV's header, then a view of its samples): the same bytes as
the joined file, on every target, with no copy of the samples (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio import encode_wav, wav_parts
from recsim.outputs import FolderTarget, atomic_write, encode, encode_parts
from recsim.outputs.remote import open_target


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 5_000), st.sampled_from([1, 2]), st.integers(0, 2**31))
def test_wav_parts_are_the_wav_bytes_and_share_the_samples(n: int, channels: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-32768, 32768, size=(n, channels) if channels == 2 else n, dtype=np.int16)
    header, data = wav_parts(x)
    assert len(header) == 44
    assert len(data) == 2 * n * channels
    assert header + bytes(data) == encode_wav(x)
    assert np.shares_memory(np.frombuffer(data, np.int16), x) or n == 0


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_encode_is_the_parts_joined(fmt: str) -> None:
    x = np.stack([np.arange(4000, dtype=np.int16), -np.arange(4000, dtype=np.int16)], axis=1)
    parts = encode_parts(x, fmt)
    assert encode(x, fmt) == b"".join(parts)
    assert len(parts) == (2 if fmt == "wav" else 1)


def test_every_target_writes_parts_as_the_joined_bytes(tmp_path: Path) -> None:
    x = np.arange(-3000, 3000, dtype=np.int16)
    parts = encode_parts(x, "wav")
    whole = encode(x, "wav")
    (tmp_path / "scratch").mkdir()
    FolderTarget(tmp_path).write("a.wav", parts)
    FolderTarget(tmp_path / "scratch", scratch=True).write("b.wav", parts)
    atomic_write(tmp_path / "c.wav", parts)
    assert [(tmp_path / n).read_bytes() for n in ("a.wav", "scratch/b.wav", "c.wav")] == [whole] * 3
    assert not list(tmp_path.glob("*.part"))
    remote = open_target("memory://recsim-parts-test")
    remote.write("d.wav", parts)
    assert remote.read("d.wav") == whole


def test_each_media_file_decodes_to_its_recording_samples(tmp_path: Path) -> None:
    """The parts path end to end: each WAV a run writes (its samples part a view of the
    assembly, written before the assembly is dropped) decodes to the samples it kept."""
    from recsim import run, scenario_from_dict
    from recsim.audio import decode_wav

    mix = [{"template": "voicemail"}, {"template": "dual_dial"}, {"template": "conference", "participants": 3}]
    sc = scenario_from_dict({"seed": 4, "traffic": {"calls": 6, "mix": mix, "arrivals": {"rate_per_s": 1.0},
                                                   "call_seconds": {"dist": "uniform", "low": 8, "high": 15}}})
    res = run(sc, out_dir=tmp_path, keep_samples=True)
    kept = [r for r in res.recordings if r.samples is not None]
    assert len(kept) >= 3
    assert {p.stem for p in (tmp_path / "media").glob("*.wav")} == {r.sid for r in kept}
    for r in kept:
        assert np.array_equal(decode_wav((tmp_path / "media" / f"{r.sid}.wav").read_bytes()), r.samples)
