"""The commands that look at a run's results: ``recsim report DIR`` (and
``recsim run --report``), ``recsim plot RECORDING`` (and ``recsim run --plot``), and the
warnings summary printed at the end of a run."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console

from recsim._extras import require
from recsim.audio import decode_wav
from recsim.cli.printing import print_warnings
from recsim.errors import OutputError
from recsim.report import write_report
from recsim.report.data import warnings_of

__all__ = ["cmd_plot", "cmd_report", "plots", "report", "warn_summary"]


def _plotting(feature: str) -> ModuleType:
    """:mod:`recsim.plots` (matplotlib), or MissingExtraError naming ``recsim[plot]``."""
    return require("recsim.plots", extra="plot", feature=feature)


def plots(out: Path, console: Console) -> None:
    """``--plot``: DIR/plots/{RecordingSid}.png of every WAV, and summary.png."""
    plotting = _plotting("`recsim run --plot`")
    (out / "plots").mkdir(exist_ok=True)
    recordings = json.loads((out / "recordings.json").read_text())
    timelines = plotting.read_timelines(out)
    for r in recordings:
        media = out / "media" / f"{r['sid']}.wav"
        if media.is_file():
            plotting.plot_recording(decode_wav(media.read_bytes()), timelines[r["sid"]],
                                    out / "plots" / f"{r['sid']}.png")
    plotting.plot_summary(recordings, out / "plots" / "summary.png")
    console.print(f"plots in {out / 'plots'}/")


def report(out: Path, console: Console, html: str | None = None) -> None:
    """``--report`` / ``recsim report``: write the HTML report of a run folder."""
    path = write_report(out, html)
    console.print(f"report: {path} (open it in a browser)", highlight=False)


def warn_summary(console: Console, events: list[dict[str, Any]], verbose: bool) -> None:
    """The warnings of a run's events, summarised (all of them with ``-v``, and the
    count of events by kind)."""
    if verbose and events:
        kinds = Counter(e["kind"] for e in events)
        console.print("events by kind: " + ", ".join(f"{k} x{n}" for k, n in sorted(kinds.items())), highlight=False)
    print_warnings(console, warnings_of(events), first=10**9 if verbose else 3)


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    """``recsim report DIR``."""
    report(Path(args.dir), console, args.html)
    return 0


def cmd_plot(args: argparse.Namespace, console: Console) -> int:
    """``recsim plot RECORDING``: one recording's PNG."""
    plotting = _plotting("`recsim plot`")
    target = Path(args.recording)
    sid = target.stem.split(".")[0] if target.suffix else args.recording
    out_dir = Path(args.dir) if args.dir else (target.parent.parent if target.suffix else Path("recsim-out"))
    timelines = plotting.read_timelines(out_dir)
    if sid not in timelines:
        raise OutputError(f"{sid}: not in {out_dir / 'timelines.jsonl'}; give a RecordingSid of that run "
                          "(recordings.json) or the folder of its run (--dir)")
    media = out_dir / "media" / f"{sid}.wav"
    if not media.is_file():
        raise OutputError(f"{media}: no media (the recording is absent, or its WAV was not written); plot a "
                          "completed recording of a run with WAV media (--format wav)")
    png = Path(args.png) if args.png else out_dir / "plots" / f"{sid}.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    plotting.plot_recording(decode_wav(media.read_bytes()), timelines[sid], png)
    console.print(f"{png}")
    return 0
