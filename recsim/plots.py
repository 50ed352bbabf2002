"""Pictures of recordings and batches (matplotlib, non-interactive Agg backend).

:func:`plot_recording`: one panel per channel, the waveform on the simulated time axis,
with the spans captured (white), paused with silence (grey), paused with skip (red,
hatched: time that is not in the file), no media (yellow) and trimmed (blue), and the
moments of DTMF keys (green), the beep (orange), a ``<Record>`` timeout (purple) and
status callbacks (black, dashed). :func:`plot_summary`: durations by source and the
absent count of a batch.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from recsim.audio import SAMPLE_RATE

__all__ = ["COLORS", "PlotData", "plot_recording", "plot_summary", "read_timelines"]

COLORS = {
    "paused-silence": "#9e9e9e",
    "paused-skip": "#e53935",
    "no-media": "#fdd835",
    "trimmed": "#1e88e5",
    "dtmf": "#43a047",
    "beep": "#fb8c00",
    "timeout": "#8e24aa",
    "callback": "#000000",
}


@dataclass
class PlotData:
    """What a recording plot shows: spans ``(kind, t0, t1)``, marks ``(kind, t)`` and the
    waveform per channel (time axis, samples), for tests and other renderers."""

    spans: list[tuple[str, float, float]] = field(default_factory=list)
    marks: list[tuple[str, float]] = field(default_factory=list)
    times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    channels: list[np.ndarray] = field(default_factory=list)
    xlim: tuple[float, float] = (0.0, 1.0)
    #: pixel box (left, top, right, bottom) of each channel's panel in the PNG
    panels_px: list[tuple[int, int, int, int]] = field(default_factory=list)

    def x_pixel(self, t: float) -> int:
        """Column of simulated time ``t`` in the PNG."""
        left, _, right, _ = self.panels_px[0]
        return round(left + (t - self.xlim[0]) / (self.xlim[1] - self.xlim[0]) * (right - left))


def _sample_times(tl: dict[str, Any]) -> np.ndarray:
    """Simulated time of each untrimmed sample (the pieces in order)."""
    parts = [(round(p[1] * SAMPLE_RATE) + np.arange(round(p[2] * SAMPLE_RATE) - round(p[1] * SAMPLE_RATE)))
             / SAMPLE_RATE for p in tl["pieces"]]
    return np.concatenate(parts) if parts else np.zeros(0)


def plot_data(samples: np.ndarray, tl: dict[str, Any]) -> PlotData:
    """The spans, marks and waveform of a recording (no drawing).

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n,)`` or ``(n, 2)`` int16, the recording's media (after trimming).
    tl : dict
        Its line of ``timelines.jsonl``.
    """
    a, b = tl["trim"]
    t_all = _sample_times(tl)
    d = PlotData()
    for kind, t0, t1 in tl["pieces"]:
        if kind == "paused-silence":
            d.spans.append((kind, t0, t1))
    d.spans += [("paused-skip", t0, t1) for t0, t1 in tl["skipped"]]
    d.spans += [("no-media", t0, t1) for t0, t1 in tl["no_media"]]
    if a > 0 and t_all.shape[0]:
        d.spans.append(("trimmed", float(t_all[0]), float(t_all[min(a, t_all.shape[0] - 1)])))
    if b < t_all.shape[0]:
        d.spans.append(("trimmed", float(t_all[b]), float(t_all[-1]) + 1 / SAMPLE_RATE))
    d.marks += [("dtmf", t) for t, _ in tl.get("dtmf", [])]
    if tl.get("beep"):
        d.marks.append(("beep", tl["beep"][0]))
    if tl.get("end_reason") == "timeout":
        d.marks.append(("timeout", tl["stop"]))
    d.marks += [("callback", t) for t, _ in tl.get("callbacks", [])]
    d.times = t_all[a : a + samples.shape[0]]
    x = samples if samples.ndim == 2 else samples[:, None]
    d.channels = [x[: d.times.shape[0], c] for c in range(x.shape[1])]
    return d


def plot_recording(samples: np.ndarray, tl: dict[str, Any], path: str | Path, *, width_px: int = 1400) -> PlotData:
    """Draw one recording to a PNG.

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n,)`` or ``(n, 2)`` int16 media of the recording.
    tl : dict
        Its timeline (``timelines.jsonl``).
    path : str or Path
        PNG to write (replaced if it exists).

    Returns
    -------
    PlotData
        What was drawn.
    """
    d = plot_data(samples, tl)
    n = max(1, len(d.channels))
    fig, axes = plt.subplots(n, 1, figsize=(width_px / 100, 1.8 * n + 0.8), dpi=100, sharex=True, squeeze=False)
    t_lo = min([tl["start"], *[s[1] for s in d.spans], *[m[1] for m in d.marks]])
    t_hi = max([tl["stop"], *[s[2] for s in d.spans], *[m[1] for m in d.marks]])
    names = ["inbound (channel 1)", "outbound (channel 2)"] if n == 2 else ["mono"]
    for ax, ch, name in zip(axes[:, 0], d.channels or [np.zeros(0)], names, strict=False):
        if ch.shape[0]:
            step = max(1, ch.shape[0] // width_px)
            m = ch.shape[0] // step * step
            blocks = ch[:m].reshape(-1, step).astype(np.float64)
            tb = d.times[:m:step]
            ax.fill_between(tb, blocks.min(axis=1) / 32768, blocks.max(axis=1) / 32768, color="#37474f", lw=0)
        for kind, t0, t1 in d.spans:
            ax.axvspan(t0, t1, color=COLORS[kind], alpha=0.35 if kind != "paused-skip" else 0.25,
                       hatch="//" if kind == "paused-skip" else None, lw=0)
        for kind, t in d.marks:
            ax.axvline(t, color=COLORS[kind], ls="--" if kind == "callback" else "-", lw=1.2)
        ax.set_ylim(-1, 1)
        ax.set_xlim(t_lo - 0.5, t_hi + 0.5)
        ax.set_ylabel(name, fontsize=8)
    axes[-1, 0].set_xlabel("simulated time (s)")
    axes[0, 0].set_title(f"{tl['sid']}  {tl['source']}  ({tl['start']:.2f} s to {tl['stop']:.2f} s)", fontsize=9)
    fig.tight_layout()
    fig.canvas.draw()
    height = fig.canvas.get_width_height()[1]
    d.xlim = (t_lo - 0.5, t_hi + 0.5)
    for ax in axes[:, 0]:
        box = ax.get_window_extent()
        d.panels_px.append((round(box.x0), round(height - box.y1), round(box.x1), round(height - box.y0)))
    fig.savefig(path)
    plt.close(fig)
    return d


def plot_summary(recordings: list[dict[str, Any]], path: str | Path) -> dict[str, list[float]]:
    """Durations by source (histogram) and absent recordings (bar) of a run or batch.

    Parameters
    ----------
    recordings : list of dict
        Recording resources (``recordings.json``).

    Returns
    -------
    dict
        Durations (s) per source, and ``absent``: [count].
    """
    by_source: dict[str, list[float]] = defaultdict(list)
    absent = 0
    for r in recordings:
        if r["status"] == "completed":
            by_source[r["source"]].append(float(r.get("recsim_duration_s") or r["duration"]))
        elif r["status"] == "absent":
            absent += 1
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4), dpi=100, gridspec_kw={"width_ratios": [4, 1]})
    if by_source:
        ax1.hist(list(by_source.values()), bins=30, stacked=True, label=list(by_source))
        ax1.legend(fontsize=8)
    ax1.set_xlabel("duration (s)")
    ax1.set_ylabel("recordings")
    ax2.bar(["absent"], [absent], color=COLORS["paused-skip"])
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {**by_source, "absent": [float(absent)]}


def read_timelines(out_dir: str | Path) -> dict[str, dict[str, Any]]:
    """``timelines.jsonl`` of an output folder, by RecordingSid."""
    lines = (Path(out_dir) / "timelines.jsonl").read_text().splitlines()
    return {tl["sid"]: tl for tl in map(json.loads, lines)}
