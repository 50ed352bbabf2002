"""Issue 14 (DTMF helper): ``<Record>`` end detection over one 200-call shard.

The shard is the first of ``examples/traffic.yaml`` at 200 calls (``--media none``), the
unit the batch profile was taken on. Every ``find_record_end`` call of the shard is
captured (account, leg, arguments; the inbound audio is fixed in advance, so it renders
again the same), then replayed with:

- ``before``: recsim before issue 14 (``find_record_end_before``, copied here): every
  10 s chunk scanned whole by a receiver that analyses every Goertzel block (the numba
  kernel of then, ``goertzel_blocks_before``; the key and press rules in numpy and
  Python), then the silence scanner with the frame kernel of then
  (``silence_run_before``);
- ``reference``: the test suite's statement of the rule (tests/dtmf_reference.py
  ``record_end``: the whole range rendered at once, the all-numpy receiver);
- ``fast``: :func:`recsim.sim.record_verb.find_record_end` now (the silence scan first,
  tones only up to the timeout and the first finishOnKey press; the numba receiver that
  analyses only the blocks a press can depend on).

Both give the same end for every call (asserted). Rounds alternate the two; the CPU
time of this process (``time.process_time``) per pass over the shard's calls is
reported, minimum over the rounds, with the load average. Numbers in ``extra_info``
(``--benchmark-json=PATH``) and benchmarks/README.md, "Issue 14".
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from numba import njit

import recsim.sim.record_verb as record_verb
from recsim import scenario_from_dict
from recsim.audio import SilenceTimeoutScanner, _kernels
from recsim.batch.plan import plan_shards
from recsim.batch.shard import ShardOutput, run_shard
from recsim.sim.media import to_sample
from recsim.sim.record_verb import RecordEnd, max_length_end

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import dtmf_reference

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
N_CALLS = 200
ROUNDS = 3


@njit(cache=True, nogil=True)
def goertzel_blocks_before(
    x: np.ndarray, block: int, hop: int, coeffs: np.ndarray, min_power: float
) -> tuple[np.ndarray, np.ndarray]:
    """recsim.audio._kernels.goertzel_blocks before issue 14 (every block analysed)."""
    n = x.shape[0]
    n_blocks = 0 if n < block else (n - block) // hop + 1
    n_freq = coeffs.shape[0]
    power = np.zeros((n_blocks, n_freq), dtype=np.float64)
    energy = np.empty(n_blocks, dtype=np.float64)
    s1 = np.empty(n_freq, dtype=np.float64)
    s2 = np.empty(n_freq, dtype=np.float64)
    for bi in range(n_blocks):
        a = bi * hop
        e = 0.0
        for k in range(a, a + block):
            v = float(x[k])
            e += v * v
        energy[bi] = e
        if block * e / 2.0 < 2.0 * min_power:
            continue
        s1[:] = 0.0
        s2[:] = 0.0
        for k in range(a, a + block):
            v = float(x[k])
            for j in range(n_freq):
                s0 = v + coeffs[j] * s1[j] - s2[j]
                s2[j] = s1[j]
                s1[j] = s0
        for j in range(n_freq):
            power[bi, j] = s1[j] * s1[j] + s2[j] * s2[j] - coeffs[j] * s1[j] * s2[j]
    return power, energy


@njit(cache=True, nogil=True)
def silence_run_before(
    flat: np.ndarray, nch: int, frame: int, amp2: float, need: int, run: int, no_media: np.ndarray
) -> tuple[int, int]:
    """recsim.audio._kernels.silence_run before issue 14 (mono path; indexing from ``a``)."""
    n_frames = (flat.shape[0] // nch) // frame
    has_nm = no_media.shape[0] > 0
    limit = frame * amp2
    for i in range(n_frames):
        if has_nm and no_media[i]:
            continue
        a = i * frame
        s0 = np.int64(0)
        for k in range(a, a + frame):
            v = np.int64(flat[k])
            s0 += v * v
        if s0 >= limit:
            run = 0
        else:
            run += 1
            if run >= need:
                return i, run
    return -1, run


def find_record_end_before(account: Any, leg: Any, *, t0: float, timeout: int, finish_on_key: str,
                           max_length: float) -> RecordEnd:
    """recsim.sim.record_verb.find_record_end before issue 14 (the baseline measured):
    every 10 s chunk scanned whole for tones, then fed to the silence scanner."""
    end = RecordEnd("max-length", max_length_end(t0, max_length, leg.no_media))
    for t, key in leg.dtmf:
        if t >= t0 and key in finish_on_key:
            if t < end.time:
                end = RecordEnd("key", t, key)
            break
    if timeout <= 0 and not finish_on_key:
        return end
    s0 = to_sample(t0)
    spans = [(max(0, to_sample(a) - s0), to_sample(b) - s0) for a, b in leg.no_media if to_sample(b) > s0]
    scanner = (SilenceTimeoutScanner(timeout_s=float(timeout), threshold_dbfs=account.trim_threshold_dbfs,
                                     frame_s=account.trim_frame_s, no_media=spans or None)
               if timeout > 0 else None)
    chunk, stop, pos = int(record_verb.CHUNK_S * 8000), to_sample(end.time), s0
    prev_tail = np.zeros(0, dtype=np.int16)
    while pos < stop:
        b = min(pos + chunk, stop)
        x = leg.inbound.render(pos, b)
        if finish_on_key:
            both = np.concatenate([prev_tail, x])
            for at, key in detect_dtmf_before(both):
                abs_sample = pos - prev_tail.shape[0] + at
                if key in finish_on_key and abs_sample >= s0:
                    if abs_sample / 8000 < end.time:
                        end = RecordEnd("key", abs_sample / 8000, key)
                        stop = min(stop, abs_sample)
                    break
            prev_tail = x[-410:]
        if scanner is not None:
            hit = scanner.feed(x)
            if hit is not None:
                if (s0 + hit) / 8000 < end.time:
                    end = RecordEnd("timeout", (s0 + hit) / 8000)
                break
        pos = b
    return end


def detect_dtmf_before(x: np.ndarray) -> list[tuple[int, str]]:
    """recsim.audio.detect_dtmf before issue 14 (default level -36 dBFS)."""
    level_p = (205 * (32768.0 * 10.0 ** (-36.0 / 20.0))) ** 2 / 2.0
    power, energy = goertzel_blocks_before(x, 205, 102, dtmf_reference.COEFFS, level_p)
    if power.shape[0] == 0 or not power.any():
        return []
    return dtmf_reference.presses(dtmf_reference.block_keys(power, energy, level_p))


def _captured_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any, dict[str, Any]]]:
    """(account, leg, keyword arguments) of every find_record_end of the shard."""
    d = yaml.safe_load((EXAMPLES / "traffic.yaml").read_text())
    d["traffic"]["calls"] = N_CALLS
    sc = scenario_from_dict(d, base_dir=str(EXAMPLES), expand=False)
    shard = plan_shards(sc, N_CALLS)[0]
    calls: list[tuple[Any, Any, dict[str, Any]]] = []
    real = record_verb.find_record_end

    def capture(account: Any, leg: Any, **kw: Any) -> Any:
        calls.append((account, leg, kw))
        return real(account, leg, **kw)

    with monkeypatch.context() as m:
        m.setattr(record_verb, "find_record_end", capture)
        (tmp_path / "out" / "media").mkdir(parents=True)
        run_shard(sc, shard, ShardOutput(str(tmp_path / "out"), ()), 0)
    return calls


def _pass(fn: Any, calls: list[tuple[Any, Any, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch,
          before: bool) -> tuple[float, list[tuple[Any, ...]]]:
    """One pass over the calls; ``before``: with the silence kernel of before too."""
    with monkeypatch.context() as m:
        if before:
            m.setattr(_kernels, "silence_run", silence_run_before)
        c = time.process_time()
        ends = [fn(account, leg, **kw) for account, leg, kw in calls]
        t = time.process_time() - c
    return t, [e if isinstance(e, tuple) else (e.reason, e.time, e.digit) for e in ends]


@pytest.mark.benchmark(group="record-end")
def test_record_end_over_a_200_call_shard(benchmark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _captured_calls(tmp_path, monkeypatch)
    variants = {"before": find_record_end_before, "reference": dtmf_reference.record_end,
                "fast": record_verb.find_record_end}
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    ends: dict[str, list[tuple[Any, ...]]] = {}
    load_before = os.getloadavg()[0]

    def rounds() -> None:
        for name, fn in variants.items():
            _pass(fn, calls, monkeypatch, name == "before")  # warm (numba cache load, first renders)
        for _ in range(ROUNDS):
            for name, fn in variants.items():
                t, ends[name] = _pass(fn, calls, monkeypatch, name == "before")
                cpu[name].append(t)

    benchmark.pedantic(rounds, rounds=1, iterations=1)
    reasons = {r: sum(1 for e in ends["fast"] if e[0] == r) for r in ("timeout", "key", "max-length")}
    summary = {
        "calls": len(calls), "ends": reasons,
        **{f"{v}_cpu_s": min(cpu[v]) for v in variants},
        **{f"{v}_cpu_median_s": float(np.median(cpu[v])) for v in variants},
        "speedup_cpu_min_vs_before": min(cpu["before"]) / min(cpu["fast"]),
        "speedup_cpu_min_vs_reference": min(cpu["reference"]) / min(cpu["fast"]),
        "load_before_after": (load_before, os.getloadavg()[0]),
    }
    benchmark.extra_info.update(summary)
    print(summary)
    assert ends["fast"] == ends["reference"] == ends["before"]
    assert len(calls) > 0
