"""Pictures of recordings and batches (matplotlib, non-interactive Agg backend).

:func:`plot_recording`: one panel per channel, the waveform on the simulated time axis
(amplitude labelled in dBFS), behind it the spans of the recording and on it the
moments of its events, with a legend; kinds, colours and names are those of the HTML
report (:mod:`recsim.report.spans`): captured (white), paused with silence (grey),
paused with skip (red, hatched: time that is not in the file), no media (yellow), lost
and concealed packets, trimmed (blue); DTMF keys (green), the beep (orange), a
``<Record>`` timeout (purple), status callbacks (black, dashed). :func:`plot_summary`:
durations by source and the absent count of a run or batch (panels without data are
left out).
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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from recsim.audio import SAMPLE_RATE
from recsim.report.spans import KINDS, MARK_KINDS, SPAN_KINDS, timeline_spans

__all__ = ["COLORS", "DBFS_TICKS", "PlotData", "plot_data", "plot_recording", "plot_summary", "read_timelines",
           "summary_figure"]

#: Colour of each span and mark kind (the report's, :data:`recsim.report.spans.KINDS`).
COLORS = {k.key: k.color for k in (*SPAN_KINDS, *MARK_KINDS)}
#: Amplitude-axis ticks of a recording plot: full-scale fraction -> label in dBFS.
DBFS_TICKS = {1.0: "0", 10 ** (-6 / 20): "-6", 10 ** (-12 / 20): "-12", 0.0: "-inf"}
_WAVE = "#37474f"


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
    #: the legend's entries, in order (names of :mod:`recsim.report.spans`, and "audio")
    legend: list[str] = field(default_factory=list)
    #: each panel's y-axis label and the figure's title
    ylabels: list[str] = field(default_factory=list)
    title: str = ""

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
    view = timeline_spans(tl)
    d = PlotData(spans=[s for s in view.spans if s[0] != "captured"], marks=[(k, t) for k, t, _ in view.marks])
    a = tl["trim"][0]
    d.times = _sample_times(tl)[a : a + samples.shape[0]]
    x = samples if samples.ndim == 2 else samples[:, None]
    d.channels = [x[: d.times.shape[0], c] for c in range(x.shape[1])]
    return d


def _draw_wave(ax: Any, ch: np.ndarray, times: np.ndarray, width_px: int) -> None:
    """Min/max envelope of one channel (full scale = 1)."""
    step = max(1, ch.shape[0] // width_px)
    m = ch.shape[0] // step * step
    blocks = ch[:m].reshape(-1, step).astype(np.float64)
    ax.fill_between(times[:m:step], blocks.min(axis=1) / 32768, blocks.max(axis=1) / 32768, color=_WAVE, lw=0)


def _legend(fig: Any, d: PlotData) -> None:
    """A figure legend of the audio and of the kinds drawn, in the report's order."""
    drawn = {k for k, *_ in d.spans} | {k for k, _ in d.marks}
    handles: list[Any] = [Patch(color=_WAVE, label="audio")]
    for k in SPAN_KINDS:
        if k.key in drawn:
            handles.append(Patch(facecolor=k.color, alpha=0.25 if k.style == "hatched" else 0.35, edgecolor=k.color,
                                 hatch="//" if k.style == "hatched" else None, label=k.name))
    for k in MARK_KINDS:
        if k.key in drawn:
            handles.append(Line2D([0], [0], color=k.color, ls="--" if k.style == "dashed" else "-", label=k.name))
    d.legend = [h.get_label() for h in handles]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), fontsize=8, frameon=False)


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
        What was drawn (spans, marks, legend entries, axis labels, title).
    """
    d = plot_data(samples, tl)
    n = max(1, len(d.channels))
    fig, axes = plt.subplots(n, 1, figsize=(width_px / 100, 1.8 * n + 1.0), dpi=100, sharex=True, squeeze=False)
    t_lo = min([tl["start"], *[s[1] for s in d.spans], *[m[1] for m in d.marks]])
    t_hi = max([tl["stop"], *[s[2] for s in d.spans], *[m[1] for m in d.marks]])
    names = ["inbound (channel 1)", "outbound (channel 2)"] if n == 2 else [f"{tl.get('source', '')} mono".strip()]
    for ax, ch, name in zip(axes[:, 0], d.channels or [np.zeros(0)], names, strict=False):
        if ch.shape[0]:
            _draw_wave(ax, ch, d.times, width_px)
        for kind, t0, t1 in d.spans:
            hatched = KINDS[kind].style == "hatched"
            ax.axvspan(t0, t1, color=COLORS[kind], alpha=0.25 if hatched else 0.35, hatch="//" if hatched else None,
                       lw=0)
        for kind, t in d.marks:
            ax.axvline(t, color=COLORS[kind], ls="--" if KINDS[kind].style == "dashed" else "-", lw=1.2)
        ax.set_ylim(-1, 1)
        ticks = sorted({sign * v for v in DBFS_TICKS for sign in (-1.0, 1.0)})
        ax.set_yticks(ticks, [DBFS_TICKS[abs(t)] for t in ticks], fontsize=7)
        ax.set_xlim(t_lo - 0.5, t_hi + 0.5)
        ax.set_ylabel(f"{name}\nlevel (dBFS)", fontsize=8)
        d.ylabels.append(ax.get_ylabel())
    axes[-1, 0].set_xlabel("simulated time (s)")
    d.title = (f"recording {tl['sid']}: {tl['source']}, {n} channel{'s' if n > 1 else ''}, "
               f"{tl['start']:.2f} s to {tl['stop']:.2f} s of call {tl.get('call_sid', '')}")
    fig.suptitle(d.title, fontsize=10)
    _legend(fig, d)
    fig.tight_layout(rect=(0, 0.35 / (1.8 * n + 1.0), 1, 1))
    fig.canvas.draw()
    height = fig.canvas.get_width_height()[1]
    d.xlim = (t_lo - 0.5, t_hi + 0.5)
    for ax in axes[:, 0]:
        box = ax.get_window_extent()
        d.panels_px.append((round(box.x0), round(height - box.y1), round(box.x1), round(height - box.y0)))
    fig.savefig(path)
    plt.close(fig)
    return d


def summary_figure(recordings: list[dict[str, Any]]) -> tuple[Any, dict[str, list[float]]]:
    """The figure of :func:`plot_summary` (not saved; close it with
    ``matplotlib.pyplot.close``) and its data.

    Parameters
    ----------
    recordings : list of dict
        Recording resources (``recordings.json``).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure: a histogram of durations (s) by source when any recording
        completed, a bar of absent recordings when any is absent, a title with the
        counts. The dict: durations (s) per source, and ``absent``: [count].
    """
    by_source: dict[str, list[float]] = defaultdict(list)
    absent = 0
    for r in recordings:
        if r["status"] == "completed":
            by_source[r["source"]].append(float(r.get("recsim_duration_s") or r["duration"]))
        elif r["status"] == "absent":
            absent += 1
    panels = [p for p, has in (("hist", bool(by_source)), ("absent", absent > 0)) if has] or ["hist"]
    fig, axes = plt.subplots(1, len(panels), figsize=(12, 4), dpi=100, squeeze=False,
                             gridspec_kw={"width_ratios": [4 if p == "hist" else 1 for p in panels]})
    for ax, panel in zip(axes[0], panels, strict=True):
        if panel == "hist":
            if by_source:
                ax.hist(list(by_source.values()), bins=30, stacked=True, label=list(by_source))
                ax.legend(title="source", fontsize=8)
            else:
                ax.text(0.5, 0.5, "no completed recordings", ha="center", va="center", transform=ax.transAxes)
            ax.set_title("durations of completed recordings", fontsize=9)
            ax.set_xlabel("duration (s)")
            ax.set_ylabel("recordings")
            ax.yaxis.get_major_locator().set_params(integer=True)
        else:
            ax.bar(["absent"], [absent], color=COLORS["paused-skip"])
            ax.set_title("absent recordings", fontsize=9)
            ax.set_ylabel("recordings")
    done = sum(len(v) for v in by_source.values())
    fig.suptitle(f"{len(recordings)} recording{'s' if len(recordings) != 1 else ''}: {done} completed, "
                 f"{absent} absent", fontsize=11)
    fig.tight_layout()
    return fig, {**by_source, "absent": [float(absent)]}


def plot_summary(recordings: list[dict[str, Any]], path: str | Path) -> dict[str, list[float]]:
    """Durations by source (histogram) and absent recordings (bar) of a run or batch,
    under a title with the counts; a panel without data is left out
    (:func:`summary_figure`).

    Parameters
    ----------
    recordings : list of dict
        Recording resources (``recordings.json``).
    path : str or Path
        PNG to write (replaced if it exists).

    Returns
    -------
    dict
        Durations (s) per source, and ``absent``: [count].
    """
    fig, data = summary_figure(recordings)
    fig.savefig(path)
    plt.close(fig)
    return data


def read_timelines(out_dir: str | Path) -> dict[str, dict[str, Any]]:
    """``timelines.jsonl`` of an output folder, by RecordingSid."""
    lines = (Path(out_dir) / "timelines.jsonl").read_text().splitlines()
    return {tl["sid"]: tl for tl in map(json.loads, lines)}
