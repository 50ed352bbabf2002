"""Issue 15: what words with times and the ``reference`` engine cost the 1,000-call run.

The 1,000 one-minute calls of ``benchmarks/test_sim_bench.py`` (mix.py), with the
voicemail ``<Record>`` transcribing (``transcribe="true"``), in three variants alternated
round by round in the same process:

- ``baseline``: no words anywhere (the sources of words patched to return none, as before
  issue 15) and a null acoustic engine (returns "" without reading the samples), so the
  transcription resources and callbacks cost the same in all;
- ``reference``: words on every source and the ``reference`` engine, default metadata
  (``json``: words are captured for the transcriptions only);
- ``words``: as ``reference``, plus ``metadata=("json", "words")``: every recording's
  words captured (:func:`recsim.outputs.words.word_rows`) and written to ``words.jsonl``.

Goal: reference / baseline < 1.05 (min wall time of each; the CPU time of the process
is reported too, less disturbed by other work on the machine, and the median of the
rounds' paired CPU ratios, the order of the variants flipping every round); words /
baseline is the
price of the optional ``words.jsonl``. One more run of each, not timed as a whole,
measures the words path itself: the process time spent inside placing words
(``clip_words``, ``say_words``, ``media_words``), capture and rows (``word_rows``),
encoding (``words_jsonl``) and the engine (``Transcriber.text``), reported beside the
baseline's fastest CPU time (``words_path_share``, ``reference_path_share``: placing and
the engine, as nothing else reads words without ``words``). The numbers go into ``extra_info``
(``--benchmark-json=PATH``) and benchmarks/README.md, "Issue 15".
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from mix import minute_mix

import recsim.outputs.rows as rows
import recsim.outputs.writer as writer
import recsim.sim.interpreter as interpreter
import recsim.sim.kernel as kernel
from recsim import run
from recsim.sim.transcribe import Transcriber

N_CALLS = 1000
ROUNDS = 6


class Null:
    """An acoustic engine that reads nothing (the baseline's transcription cost is the
    resources and callbacks only)."""

    name = "null"

    def transcribe(self, samples: Any) -> str:
        return ""


def _scenario() -> Any:
    sc = minute_mix(N_CALLS)
    apps = dict(sc.apps)
    apps["https://app/voicemail"] = apps["https://app/voicemail"].replace("<Record ", "<Record transcribe='true' ")
    return sc.model_copy(update={"apps": apps})


def _once(sc: Any, out: Path, variant: str, monkeypatch: pytest.MonkeyPatch) -> tuple[float, float, int, int]:
    """One run; returns (wall s, CPU s of this process, transcriptions, lines of words.jsonl)."""
    with monkeypatch.context() as m:
        engine: Any = "reference"
        if variant == "baseline":
            m.setattr(kernel, "clip_words", lambda *a, **k: ())
            m.setattr(interpreter, "say_words", lambda *a, **k: ())
            m.setattr(interpreter, "media_words", lambda *a, **k: ())
            engine = Null()
        meta = ("json", "words") if variant == "words" else ("json",)
        t, c = time.perf_counter(), time.process_time()
        res = run(sc, out_dir=out, formats=("wav",), keep_samples=False, transcription_engine=engine,
                  overwrite=True, metadata=meta)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    lines = (out / "words.jsonl").read_bytes().count(b"\n") if variant == "words" else 0
    shutil.rmtree(out)  # about 1.2 GB of WAV a run
    return wall, cpu, len(res.transcriptions), lines


def _words_path_cpu(sc: Any, out: Path, monkeypatch: pytest.MonkeyPatch,
                    metadata: tuple[str, ...]) -> dict[str, float]:
    """Process time (s) inside each part of the words path during one run with the
    reference engine and ``metadata``."""
    spent: dict[str, float] = {}

    def timed(owner: Any, name: str, label: str, m: pytest.MonkeyPatch) -> None:
        f = getattr(owner, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            c = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - c

        m.setattr(owner, name, wrapper)

    with monkeypatch.context() as m:
        for owner, name, label in [(kernel, "clip_words", "place"), (interpreter, "say_words", "place"),
                                   (interpreter, "media_words", "place"), (rows, "word_rows", "capture_rows"),
                                   (writer, "words_jsonl", "encode"), (Transcriber, "text", "engine")]:
            timed(owner, name, label, m)
        run(sc, out_dir=out, formats=("wav",), keep_samples=False, transcription_engine="reference", overwrite=True,
            metadata=metadata)
    shutil.rmtree(out)
    return spent


@pytest.mark.benchmark(group="words")
def test_reference_engine_cost_on_1000_calls(benchmark: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    sc = _scenario()
    variants = ("baseline", "reference", "words")
    walls: dict[str, list[float]] = {v: [] for v in variants}
    cpus: dict[str, list[float]] = {v: [] for v in variants}
    counts: dict[str, Any] = {}

    def rounds() -> None:
        _once(sc, tmp_path / "warm", "words", monkeypatch)
        for i in range(ROUNDS):  # the order flips every round: a machine slowing down favours no variant
            for variant in variants if i % 2 == 0 else variants[::-1]:
                wall, cpu, n_tr, n_words = _once(sc, tmp_path / variant, variant, monkeypatch)
                walls[variant].append(wall)
                cpus[variant].append(cpu)
                counts[variant] = (n_tr, n_words)

    benchmark.pedantic(rounds, rounds=1, iterations=1)
    path = _words_path_cpu(sc, tmp_path / "path", monkeypatch, ("json", "words"))
    ref_path = _words_path_cpu(sc, tmp_path / "path", monkeypatch, ("json",))
    summary: dict[str, Any] = {"calls": N_CALLS}
    for v in variants:
        summary.update({f"{v}_wall_s": walls[v], f"{v}_cpu_s": cpus[v]})
    for v in ("reference", "words"):
        summary.update({f"{v}_ratio_wall_min": min(walls[v]) / min(walls["baseline"]),
                        f"{v}_ratio_cpu_min": min(cpus[v]) / min(cpus["baseline"]),
                        f"{v}_ratio_cpu_paired_median": statistics.median(
                            a / b for a, b in zip(cpus[v], cpus["baseline"], strict=True))})
    summary.update({"transcriptions": counts["reference"][0], "words_jsonl_rows": counts["words"][1],
                    "words_path_cpu_s": path, "words_path_share": sum(path.values()) / min(cpus["baseline"]),
                    "reference_path_cpu_s": ref_path,
                    "reference_path_share": sum(ref_path.values()) / min(cpus["baseline"])})
    benchmark.extra_info.update(summary)
    print(summary)
    assert counts["reference"][0] == counts["baseline"][0] == counts["words"][0] > 0
    assert counts["words"][1] > 0
    assert set(path) == {"place", "capture_rows", "encode", "engine"} and set(ref_path) == {"place", "engine"}
