"""Writing WAV media: the file joined in memory, then written (``encode`` + one write)
against its parts written one after the other (``encode_parts``: the 44-byte header, then
a view of the samples), as a shard writes them (issue 14).

200 one-minute dual recordings (1.92 MB each, 384 MB), each freshly rendered before it
is written (a copy of a source array: what a shard's assembly does), into a scratch
folder; CPU time (``process_time``) of render + encode + write, the two ways alternated
for 6 rounds, same bytes asserted. Run::

    python -m pytest benchmarks/test_media_write_bench.py --benchmark-enable -s
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recsim.outputs import FolderTarget, encode, encode_parts

N_FILES = 200
SOURCES = 20


def _write_all(folder: Path, sources: list[np.ndarray], parts: bool) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    target = FolderTarget(folder, scratch=True)
    t = time.process_time()
    for i in range(N_FILES):
        x = sources[i % SOURCES] + 0  # freshly rendered samples
        target.write(f"{i}.wav", encode_parts(x, "wav") if parts else encode(x, "wav"))
    return time.process_time() - t


@pytest.mark.benchmark(group="media-write")
def test_wav_parts_against_joined(benchmark: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(14)
    sources = [rng.integers(-3000, 3000, size=(60 * 8000, 2), dtype=np.int16) for _ in range(SOURCES)]
    times: dict[str, list[float]] = {"joined": [], "parts": []}

    def rounds() -> None:
        for r in range(6):
            for way in ("joined", "parts") if r % 2 == 0 else ("parts", "joined"):
                times[way].append(_write_all(tmp_path / way, sources, way == "parts"))

    benchmark.pedantic(rounds, rounds=1, iterations=1)
    for i in (0, N_FILES - 1):
        assert (tmp_path / "joined" / f"{i}.wav").read_bytes() == (tmp_path / "parts" / f"{i}.wav").read_bytes()
    assert len(os.listdir(tmp_path / "parts")) == N_FILES
    ratio = min(times["parts"]) / min(times["joined"])
    paired = statistics.median(p / j for p, j in zip(times["parts"], times["joined"], strict=True))
    benchmark.extra_info.update(times=times, parts_over_joined_min=ratio, parts_over_joined_paired_median=paired)
    print(f"\nCPU s of {N_FILES} WAV files: joined {[round(x, 3) for x in times['joined']]}, "
          f"parts {[round(x, 3) for x in times['parts']]}; parts / joined: min {ratio:.2f}, "
          f"paired median {paired:.2f}")
    shutil.rmtree(tmp_path / "joined")
    shutil.rmtree(tmp_path / "parts")
