"""Word error rate and speed of the default transcription engine on the speech fixtures.

    python benchmarks/wer.py            # prints a table (the one in README "Transcription")

WER = (substitutions + deletions + insertions) / reference words, after lowercasing and
removing punctuation; references are the texts in fixtures/audio/README.md.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

from recsim.audio import load_audio
from recsim.transcription import PocketSphinxEngine

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "audio"


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower().replace("/", " ")).split()


def wer(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    d = np.arange(len(hyp) + 1)
    for i in range(1, len(ref) + 1):
        prev, d = d, d.copy()
        d[0] = i
        for j in range(1, len(hyp) + 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return int(d[-1]), len(ref)


def references() -> dict[str, str]:
    rows = {}
    for line in (FIX / "README.md").read_text().splitlines():
        m = re.match(r"\| `([^`]+\.wav)` \| [^|]+ \| [0-9.]+ \| (.*) \|$", line)
        if m and not m.group(2).startswith("keys"):
            rows[m.group(1)] = m.group(2)
    return rows


def main() -> None:
    engine = PocketSphinxEngine()
    total_err = total_words = 0
    audio_s = wall = 0.0
    print("| fixture | seconds | WER | hypothesis |\n|---|---:|---:|---|")
    for name, text in references().items():
        x = load_audio(FIX / name)
        t = time.perf_counter()
        hyp = engine.transcribe(x)
        wall += time.perf_counter() - t
        audio_s += x.shape[0] / 8000
        err, n = wer(words(text), words(hyp))
        total_err += err
        total_words += n
        print(f"| {name} | {x.shape[0] / 8000:.1f} | {100 * err / n:.0f} % | {hyp[:60]} |")
    print(f"\nall fixtures: WER {100 * total_err / total_words:.1f} % over {total_words} words; "
          f"{audio_s / wall:.1f}x real time on one core")


if __name__ == "__main__":
    main()
