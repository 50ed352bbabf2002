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
