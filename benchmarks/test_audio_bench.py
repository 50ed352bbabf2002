"""Audio core benchmarks (group per operation), each against its peers in the same run.

Run: ``python -m pytest benchmarks --benchmark-enable --benchmark-json=PATH``
then ``python benchmarks/report.py PATH`` for the ratio table.
"""

from __future__ import annotations

import numpy as np
import pytest

from recsim.audio import (
    downmix,
    encode_mp3,
    find_silence_timeout,
    silence_bounds,
    trim_silence,
)

RATE = 8000


def _pedantic(benchmark, fn, rounds: int = 5):  # type: ignore[no-untyped-def]
    return benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=1)


# ------------------------------------------------------------------ baseline
@pytest.mark.benchmark(group="baseline")
def test_copyto_hour(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """numpy.copyto of the dual hour: the memory-bandwidth floor."""
    dst = np.empty_like(hour)
    _pedantic(benchmark, lambda: np.copyto(dst, hour), rounds=20)


# ---------------------------------------------------------------------- trim
@pytest.mark.benchmark(group="trim")
def test_trim_recsim(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    _, bounds = _pedantic(benchmark, lambda: trim_silence(hour), rounds=20)
    assert bounds[0] >= 29 * RATE and bounds[1] <= hour.shape[0] - 29 * RATE


@pytest.mark.benchmark(group="trim")
def test_trim_recsim_fully_silent(benchmark, silent_hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    assert _pedantic(benchmark, lambda: silence_bounds(silent_hour), rounds=10) == (0, 0)


@pytest.mark.benchmark(group="trim")
def test_trim_librosa(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    librosa = pytest.importorskip("librosa")
    y = (hour.T.astype(np.float32) / 32768.0).copy()
    # top_db relative to the peak; frame 10 ms (80 samples) as recsim
    _pedantic(benchmark, lambda: librosa.effects.trim(y, top_db=50, frame_length=80, hop_length=80), rounds=2)


@pytest.mark.benchmark(group="trim")
def test_trim_pydub(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

    seg = AudioSegment(hour.tobytes(), frame_rate=RATE, sample_width=2, channels=2)

    def both_ends() -> tuple[int, int]:
        start = detect_leading_silence(seg, silence_threshold=-50.0, chunk_size=10)
        end = detect_leading_silence(seg.reverse(), silence_threshold=-50.0, chunk_size=10)
        return start, len(seg) - end

    _pedantic(benchmark, both_ends, rounds=3)


# ------------------------------------------------------------------- downmix
@pytest.mark.benchmark(group="downmix")
def test_downmix_recsim(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    _pedantic(benchmark, lambda: downmix(hour), rounds=20)


@pytest.mark.benchmark(group="downmix")
def test_downmix_numpy(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    def numpy_sum() -> np.ndarray:
        return np.clip(hour[:, 0].astype(np.int32) + hour[:, 1], -32768, 32767).astype(np.int16)

    _pedantic(benchmark, numpy_sum, rounds=10)


@pytest.mark.benchmark(group="downmix")
def test_downmix_pydub(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    from pydub import AudioSegment

    seg = AudioSegment(hour.tobytes(), frame_rate=RATE, sample_width=2, channels=2)
    _pedantic(benchmark, lambda: seg.set_channels(1), rounds=5)


# ------------------------------------------------------------------- timeout
@pytest.mark.benchmark(group="timeout")
def test_timeout_recsim(benchmark, timeout_hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    hit = _pedantic(benchmark, lambda: find_silence_timeout(timeout_hour, timeout_s=5.0), rounds=10)
    assert hit is not None and 47 * 60 * RATE < hit <= 47 * 60 * RATE + 6 * RATE


@pytest.mark.benchmark(group="timeout")
def test_timeout_librosa_split(benchmark, timeout_hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    librosa = pytest.importorskip("librosa")
    y = (timeout_hour.T.astype(np.float32) / 32768.0).copy()
    _pedantic(benchmark, lambda: librosa.effects.split(y, top_db=50, frame_length=80, hop_length=80), rounds=2)


@pytest.mark.benchmark(group="timeout")
def test_detect_silence_pydub_excerpt(benchmark, timeout_hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """pydub's silence.detect_silence on a 60 s excerpt (it is too slow for the hour)."""
    from pydub import AudioSegment
    from pydub.silence import detect_silence

    ex = timeout_hour[47 * 60 * RATE - 54 * RATE : 47 * 60 * RATE + 6 * RATE]
    seg = AudioSegment(ex.tobytes(), frame_rate=RATE, sample_width=2, channels=2)
    _pedantic(benchmark, lambda: detect_silence(seg, min_silence_len=5000, silence_thresh=-50, seek_step=10),
              rounds=3)


# ----------------------------------------------------------------------- mp3
@pytest.mark.benchmark(group="mp3")
def test_mp3_recsim_mono_10min(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """encode_mp3 (lameenc + LAME Info tag), 600 s of mono speech-like audio."""
    x = np.ascontiguousarray(hour[60 * RATE : 660 * RATE, 0])
    _pedantic(benchmark, lambda: encode_mp3(x), rounds=3)


@pytest.mark.benchmark(group="mp3")
def test_mp3_soundfile_mono_10min(benchmark, hour: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    import io

    import soundfile as sf

    x = np.ascontiguousarray(hour[60 * RATE : 660 * RATE, 0])

    def enc() -> bytes:
        buf = io.BytesIO()
        sf.write(buf, x, RATE, format="MP3", subtype="MPEG_LAYER_III", bitrate_mode="CONSTANT",
                 compression_level=0.5)
        return buf.getvalue()

    _pedantic(benchmark, enc, rounds=2)
