"""Plots: the spans and marks drawn, checked in the data and in the pixels of the PNG."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
from simkit import build, silence, tone, wav

from recsim import run
from recsim.cli import main
from recsim.plots import COLORS, plot_recording, plot_summary, read_timelines


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0


def _column_tint(img: np.ndarray, box: tuple[int, int, int, int], x: int) -> np.ndarray:
    """Median colour of a pixel column inside a panel, away from the waveform's centre."""
    _, top, _, bottom = box
    col = img[top + 3 : top + (bottom - top) // 5, x, :3]
    return np.median(col, axis=0)


def test_recording_plot_shows_each_span(tmp_path: Path) -> None:
    """Pause with silence 2-4 s, skip 6-8 s, no media 10-11 s, a key at 12 s, trimmed
    silence at the end: the data lists them and the PNG is tinted there."""
    caller = np.concatenate([tone(14.0), silence(6.0)])
    events = [{"at": 2.0, "rest": {"action": "update", "recording": 1, "Status": "paused",
                                   "PauseBehavior": "silence"}},
              {"at": 4.0, "rest": {"action": "update", "recording": 1, "Status": "in-progress"}},
              {"at": 6.0, "rest": {"action": "update", "recording": 1, "Status": "paused", "PauseBehavior": "skip"}},
              {"at": 8.0, "rest": {"action": "update", "recording": 1, "Status": "in-progress"}},
              {"at": 10.0, "no_media_s": 1.0}, {"at": 12.0, "dtmf": "5"}]
    twiml = "<Response><Start><Recording recordingStatusCallback='https://app/rs'/></Start>" \
            "<Pause length='18'/></Response>"
    res = run(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml": twiml, "events": events}],
                    parties={"+1500": {"audio": wav(tmp_path, "c.wav", caller)}}), out_dir=tmp_path / "out")
    (r,) = res.recordings
    tl = read_timelines(tmp_path / "out")[r.sid]
    assert r.samples is not None
    d = plot_recording(r.samples, tl, tmp_path / "r.png")
    spans = {(k, round(a, 3), round(b, 3)) for k, a, b in d.spans}
    assert {("paused-silence", 2.0, 4.0), ("paused-skip", 6.0, 8.0), ("no-media", 10.0, 11.0)} <= spans
    trimmed = [s for s in d.spans if s[0] == "trimmed"]
    assert len(trimmed) == 1 and abs(trimmed[0][1] - 14.0) < 0.02 and abs(trimmed[0][2] - 18.0) < 0.02
    assert ("dtmf", 12.0) in d.marks and ("callback", 20.0) in d.marks
    assert len(d.channels) == 2 and d.times[0] == 0.0
    img = mpimg.imread(tmp_path / "r.png")
    box = d.panels_px[0]
    for kind, t in [("paused-silence", 3.0), ("no-media", 10.5), ("trimmed", 16.0), ("paused-skip", 7.0)]:
        tint = _column_tint(img, box, d.x_pixel(t))
        want = 1 - 0.35 * (1 - _rgb(COLORS[kind])) if kind != "paused-skip" else 1 - 0.25 * (1 - _rgb(COLORS[kind]))
        assert np.allclose(tint, want, atol=0.08), (kind, tint, want)
    plain = _column_tint(img, box, d.x_pixel(1.0))
    assert np.allclose(plain, 1.0, atol=0.02)  # captured: white behind the waveform


def test_summary_plot_and_cli(tmp_path: Path) -> None:
    assert main(["run", "--out", str(tmp_path), "--plot", "--quiet"]) == 0
    recs = json.loads((tmp_path / "recordings.json").read_text())
    assert {p.name for p in (tmp_path / "plots").iterdir()} == {f"{r['sid']}.png" for r in recs} | {"summary.png"}
    data = plot_summary(recs, tmp_path / "s.png")
    assert sorted(data) == sorted({r["source"] for r in recs} | {"absent"}) and data["absent"] == [0.0]
    sid = recs[0]["sid"]
    assert main(["plot", str(tmp_path / "media" / f"{sid}.wav"), "--png", str(tmp_path / "one.png")]) == 0
    assert mpimg.imread(tmp_path / "one.png").shape[1] == 1400


def _legend_texts(fig: object) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]  # type: ignore[attr-defined]


def test_recording_plot_has_a_legend_dbfs_axis_and_title(tmp_path: Path) -> None:
    """The payment example (a pause with skip, two callbacks): the legend names the audio
    and exactly the kinds drawn, with the report's names; each channel's axis says dBFS
    and its ticks are levels in dBFS; the title names the recording and the call."""
    from recsim.plots import DBFS_TICKS
    from recsim.report import KINDS
    from recsim.scenario import load_scenario

    res = run(load_scenario(Path(__file__).resolve().parents[1] / "examples" / "payment_pause_skip.yaml"),
              out_dir=tmp_path / "out")
    (r,) = res.recordings
    assert r.samples is not None
    tl = read_timelines(tmp_path / "out")[r.sid]
    d = plot_recording(r.samples, tl, tmp_path / "r.png")
    assert d.legend == ["audio", KINDS["paused-skip"].name, KINDS["callback"].name]
    assert d.ylabels == ["inbound (channel 1)\nlevel (dBFS)", "outbound (channel 2)\nlevel (dBFS)"]
    assert r.sid in d.title and tl["call_sid"] in d.title and "DialVerb" in d.title
    assert DBFS_TICKS[10 ** (-6 / 20)] == "-6" and DBFS_TICKS[1.0] == "0"  # full scale is 0 dBFS
    img = mpimg.imread(tmp_path / "r.png")
    assert img.shape[1] == 1400


def test_summary_figure_leaves_out_empty_panels() -> None:
    """No absent recording: one panel (the histogram) with its axis labels and a legend
    of sources; with absent ones, a second panel; nothing completed: no histogram bars
    and a note; the title gives the counts."""
    import matplotlib.pyplot as plt

    from recsim.plots import summary_figure

    done = [{"status": "completed", "source": s, "duration": "3", "recsim_duration_s": d}
            for s, d in (("RecordVerb", 3.2), ("DialVerb", 9.5), ("DialVerb", 7.0))]
    fig, data = summary_figure(done)
    (ax,) = fig.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("duration (s)", "recordings")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RecordVerb", "DialVerb"]
    assert fig.get_suptitle() == "3 recordings: 3 completed, 0 absent"
    assert data == {"RecordVerb": [3.2], "DialVerb": [9.5, 7.0], "absent": [0.0]}
    plt.close(fig)
    fig, _ = summary_figure([*done, {"status": "absent", "source": "RecordVerb", "duration": "0"}])
    assert [a.get_title() for a in fig.axes] == ["durations of completed recordings", "absent recordings"]
    assert fig.axes[1].patches[0].get_height() == 1
    plt.close(fig)
    fig, data = summary_figure([{"status": "absent", "source": "RecordVerb", "duration": "0"}])
    assert [a.get_title() for a in fig.axes] == ["absent recordings"] and data == {"absent": [1.0]}
    plt.close(fig)
