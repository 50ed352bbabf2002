"""What the run report reads and shows, without a browser: the shared span kinds
(:mod:`recsim.report.spans`, also used by the plots), warnings, summary counts, and a
page that is self-contained and safe against the data it embeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from recsim import run
from recsim.errors import OutputError
from recsim.plots import COLORS, plot_data
from recsim.report import KINDS, MARK_KINDS, SPAN_KINDS, render_page, report_data, timeline_spans, write_report
from recsim.report.data import histogram, warnings_of
from recsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_timeline_spans_of_every_kind() -> None:
    """Pieces, skip, no media, lost and concealed packets, and trimmed ends (sample
    bounds at 8 kHz: 800 samples = 0.1 s) on the simulated time axis; marks in order."""
    tl = {"pieces": [["captured", 0.0, 1.0], ["paused-silence", 1.0, 2.0], ["captured", 3.0, 4.0]],
          "skipped": [[2.0, 3.0]], "no_media": [[0.5, 0.6]], "lost_packets": [[0.7, 0.72]],
          "concealed": [[0.72, 0.74]], "trim": [800, 24000 - 800], "dtmf": [[3.5, "7"]], "beep": [-0.25, 0.0],
          "end_reason": "timeout", "stop": 4.0, "callbacks": [[4.0, "completed"]]}
    view = timeline_spans(tl)
    assert view.spans == [("captured", 0.0, 1.0), ("paused-silence", 1.0, 2.0), ("captured", 3.0, 4.0),
                          ("paused-skip", 2.0, 3.0), ("no-media", 0.5, 0.6), ("lost", 0.7, 0.72),
                          ("concealed", 0.72, 0.74), ("trimmed", 0.0, 0.1), ("trimmed", 3.9, 4.0)]
    assert view.marks == [("dtmf", 3.5, "7"), ("beep", -0.25, ""), ("timeout", 4.0, ""),
                          ("callback", 4.0, "completed")]
    assert {k for k, *_ in view.spans} | {k for k, *_ in view.marks} == set(KINDS)


def test_plots_draw_the_report_kinds() -> None:
    """The plot's spans and marks are the report's (captured is the white background),
    and its colours are the report's colours."""
    tl = {"pieces": [["captured", 1.0, 2.0], ["captured", 4.0, 5.0]], "skipped": [[2.0, 4.0]], "no_media": [],
          "trim": [0, 16000], "dtmf": [[1.5, "1"]], "beep": None, "end_reason": None, "start": 1.0, "stop": 5.0,
          "callbacks": [[6.0, "completed"]]}
    d = plot_data(np.zeros(16000, np.int16), tl)
    view = timeline_spans(tl)
    assert d.spans == [s for s in view.spans if s[0] != "captured"] == [("paused-skip", 2.0, 4.0)]
    assert d.marks == [(k, t) for k, t, _ in view.marks] == [("dtmf", 1.5), ("callback", 6.0)]
    assert COLORS == {k.key: k.color for k in (*SPAN_KINDS, *MARK_KINDS)}
    assert d.times[0] == 1.0 and d.times[8000] == 4.0  # the skip is not in the file


def test_warnings_and_summary_of_a_run(tmp_path: Path) -> None:
    """Debugger warnings (13611 timeout) and REST error answers (HTTP >= 400 with its
    Twilio code) become warnings with call and element; counts by code with the first
    three; the histogram covers the completed durations."""
    events = [
        {"time": 1.0, "kind": "debugger-warning", "code": 13611, "call_sid": "CA1", "element": "Response/Record[1]",
         "attribute": "timeout", "value": "-3", "message": "Record: Invalid timeout value"},
        {"time": 2.0, "kind": "api-response", "status": 404, "method": "POST", "url": "/x.json", "call_sid": "CA2",
         "body": {"code": 20404, "message": "not found"}},
        {"time": 3.0, "kind": "api-response", "status": 200, "method": "POST", "url": "/y.json", "call_sid": "CA2"},
    ]
    ws = warnings_of(events)
    assert [(w["code"], w["call_sid"], w["element"]) for w in ws] == [
        (13611, "CA1", "Response/Record[1] timeout='-3'"), (20404, "CA2", "POST /x.json")]
    assert histogram([1.0, 2.0, 3.0], bins=2) == {"edges": [1.0, 2.0, 3.0], "counts": [1, 2]}
    assert histogram([]) == {"edges": [], "counts": []}
    out = tmp_path / "run"
    run(load_scenario(ROOT / "examples" / "conference.yaml"), out_dir=out, keep_samples=False)
    data = report_data(out)
    recs = json.loads((out / "recordings.json").read_text())
    s = data["summary"]
    assert s["recordings"] == len(recs) == sum(s["by_status"].values()) == sum(s["durations"]["counts"])
    assert s["by_source"] == {r["source"]: 1 for r in recs} and s["by_channels"] == {"1": 1, "2": 1}
    assert s["total_s"] == pytest.approx(sum(r["recsim_duration_s"] for r in recs), abs=1e-3)
    assert [r["media"] for r in data["rows"]] == [f"media/{r['sid']}.wav" for r in recs]
    mp3 = tmp_path / "mp3"
    run(load_scenario(ROOT / "examples" / "conference.yaml"), out_dir=mp3, keep_samples=False, formats=("mp3",))
    assert [r["media"] for r in report_data(mp3)["rows"]] == [f"media/{r['sid']}.mp3" for r in recs]
    for call_sid, evs in data["events"].items():
        assert [e["time"] for e in evs] == sorted(e["time"] for e in evs) and all(
            e.get("call_sid", "") == call_sid for e in evs)


def test_page_is_self_contained_and_escapes_its_data(tmp_path: Path) -> None:
    """No external script, style, font or image; data that looks like HTML cannot
    close the JSON blocks; the report of a missing run is an OutputError."""
    out = tmp_path / "run"
    run(load_scenario(ROOT / "examples" / "voicemail.yaml"), out_dir=out, keep_samples=False)
    html = write_report(out).read_text()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link rel=\"stylesheet\"" not in html and not re.search(r"<script[^>]+src=", html)
    data = report_data(out)
    evil = "</script><script>alert(1)</script>"
    data["rows"][0]["source"] = evil
    first = next(iter(data["events"]))
    data["events"][first][0]["url"] = evil
    page = render_page(data)
    assert evil not in page and page.count("</script>") == html.count("</script>")
    with pytest.raises(OutputError, match=r"recordings\.json: missing"):
        report_data(tmp_path / "empty")
