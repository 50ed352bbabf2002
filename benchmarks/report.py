"""Turn a pytest-benchmark JSON into the tables of benchmarks/README.md.

    python -m pytest benchmarks --benchmark-enable --benchmark-json=PATH
    python benchmarks/report.py PATH

Prints the audio ratio table (group audio) and the summaries the sim and batch
benchmarks store in their ``extra_info``, for whichever of them PATH holds.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a JSON written by pytest --benchmark-json=PATH")
    args = parser.parse_args(argv)
    data = json.loads(args.results.read_text())
    t = {b["name"]: b["stats"]["min"] for b in data["benchmarks"]}
    extra = {b["name"]: b.get("extra_info", {}) for b in data["benchmarks"]}
    if "test_copyto_hour" in t:
        audio_table(data, t)
    if extra.get("test_sim_1000_minute_calls"):
        sim_table(extra["test_sim_1000_minute_calls"])
    if extra.get("test_batch_10000_minute_calls"):
        batch_table(extra["test_batch_10000_minute_calls"])


def sim_table(s: dict[str, Any]) -> None:
    print("\n| calls | simulated call time | wall (min) | x real time | audio core share | SimPy + control share |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {s['calls']:,} | {s['simulated_call_s']:,.0f} s | {s['wall_s_min']:.2f} s | {s['x_real_time']:,.0f}x "
          f"| {s['audio_core_share']:.0%} | {s['simpy_and_control_share']:.0%} |")


def batch_table(b: dict[str, Any]) -> None:
    print("\n| output | workers | wall | x real time | peak RSS parent / worker |")
    print("|---|---:|---:|---:|---|")
    for key in ("wav_1", "wav_2", "mp3_2"):
        if key in b:
            r = b[key]
            fmt, workers = key.split("_")
            print(f"| {fmt.upper()} | {workers} | {r['wall_s']:.1f} s | {r['x_real_time']:,.0f}x "
                  f"| {r['parent_rss_mb']:.0f} MB / {r['worker_rss_mb']:.0f} MB |")
    if "speedup_2_over_1" in b:
        print(f"\n2 workers: {b['speedup_2_over_1']:.2f}x the 1-worker rate ({b['calls']:,} calls)")


def audio_table(data: dict[str, Any], t: dict[str, float]) -> None:
    copy = t["test_copyto_hour"]
    rows = [
        ("numpy.copyto of the dual hour (floor)", "test_copyto_hour", None),
        ("recsim trim_silence, hour, 30 s noise edges", "test_trim_recsim", None),
        ("recsim silence_bounds, fully silent hour", "test_trim_recsim_fully_silent", "<= 4x copyto"),
        ("librosa.effects.trim, hour", "test_trim_librosa", None),
        ("pydub detect_leading_silence both ends, hour", "test_trim_pydub", None),
        ("recsim downmix, hour", "test_downmix_recsim", "<= 2.5x copyto"),
        ("numpy clip(int32 sum), hour", "test_downmix_numpy", None),
        ("pydub set_channels(1), hour", "test_downmix_pydub", None),
        ("recsim find_silence_timeout, hit at minute 47", "test_timeout_recsim", None),
        ("librosa.effects.split, hour", "test_timeout_librosa_split", None),
        ("pydub silence.detect_silence, 60 s excerpt", "test_detect_silence_pydub_excerpt", None),
        ("recsim encode_mp3 (lameenc), 600 s mono", "test_mp3_recsim_mono_10min", None),
        ("soundfile MP3 CBR 32 kbps, 600 s mono", "test_mp3_soundfile_mono_10min", None),
    ]
    print(f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
          f"{data['machine_info'].get('cpu', {}).get('brand_raw', '')}\n")
    print("| operation | min time (ms) | x copyto | note |")
    print("|---|---:|---:|---|")
    for label, name, goal in rows:
        if name in t:
            print(f"| {label} | {t[name] * 1e3:.2f} | {t[name] / copy:.2f} | {goal or ''} |")
    tr = t.get("test_trim_recsim")
    print()
    if tr:
        for peer in ("test_trim_librosa", "test_trim_pydub"):
            if peer in t:
                print(f"- trim: recsim is {t[peer] / tr:,.0f}x faster than {peer[10:]} (goal >= 100x)")
    if "test_downmix_pydub" in t:
        print(f"- downmix: recsim {t['test_downmix_recsim'] / copy:.2f}x copyto, pydub "
              f"{t['test_downmix_pydub'] / copy:.2f}x copyto (goal recsim <= 2.5x)")
    if "test_timeout_librosa_split" in t:
        print(f"- timeout: recsim is {t['test_timeout_librosa_split'] / t['test_timeout_recsim']:.1f}x faster "
              "than librosa.effects.split (goal >= 3x)")
    if "test_mp3_recsim_mono_10min" in t:
        print(f"- MP3: recsim {600 / t['test_mp3_recsim_mono_10min']:,.0f}x real time on one core; soundfile "
              f"{600 / t.get('test_mp3_soundfile_mono_10min', float('nan')):,.0f}x (goal >= 2500x)")


if __name__ == "__main__":
    main()
