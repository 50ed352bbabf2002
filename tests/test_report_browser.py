"""The HTML run report in a real headless browser (Debian's chromium driven by
Playwright): it loads from a file:// URL without console errors, its table sorts,
filters and paginates, the audio element loads the recording's WAV, and the timeline
shows the skip span where the scenario paused."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recsim import run
from recsim.report import MARK_KINDS, SPAN_KINDS, render_page, write_report
from recsim.report.browser import chromium, chromium_available
from recsim.scenario import load_scenario

sync_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module."""
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The payment example (a pause with skip) and the conference example (two
    recordings of two calls: one conference, one REST-started), with their reports."""
    out = {}
    for name in ("payment_pause_skip", "conference"):
        d = tmp_path_factory.mktemp(name)
        run(load_scenario(ROOT / "examples" / f"{name}.yaml"), out_dir=d, keep_samples=False)
        write_report(d)
        out[name] = d
    return out


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network: {r.url}") if not r.url.startswith(("file:", "data:"))
            else None)
    page.goto(url)
    return page, errors


def _rows(page: Any) -> list[str]:
    return [tr.get_attribute("data-sid") for tr in page.locator("#table tbody tr").all()]


def test_payment_report_plays_the_wav_and_shows_the_skip(browser: Any, runs: dict[str, Path]) -> None:
    """The paused-with-skip span 26.5-32.5 s is drawn, the audio element loads the WAV
    (its duration is the recording's), the legend names every kind and the call's
    events are listed in time order."""
    out = runs["payment_pause_skip"]
    (rec,) = json.loads((out / "recordings.json").read_text())
    page, errors = _open(browser, (out / "report.html").as_uri() + "#" + rec["sid"])
    audio = page.locator("#player audio")
    assert audio.get_attribute("src") == f"media/{rec['sid']}.wav"
    page.wait_for_function("document.querySelector('#player audio').readyState >= 1")
    assert page.evaluate("document.querySelector('#player audio').duration") == pytest.approx(
        rec["recsim_duration_s"], abs=1e-3)
    skip = page.locator("#timeline rect.span-paused-skip")
    assert skip.count() == 1
    assert (float(skip.get_attribute("data-t0")), float(skip.get_attribute("data-t1"))) == (26.5, 32.5)
    box = skip.bounding_box()
    assert box is not None and box["width"] > 20  # visible, not a hairline
    captured = page.locator("#timeline rect.span-captured")
    assert [(float(c.get_attribute("data-t0")), float(c.get_attribute("data-t1"))) for c in captured.all()] == [
        (2.0, 26.5), (32.5, 47.094625)]
    assert page.locator("#timeline line.mark-callback").count() == 2
    legend = page.locator("#legend .legend-item").all_inner_texts()
    assert legend == [k.name for k in (*SPAN_KINDS, *MARK_KINDS)]
    kinds = [tr.get_attribute("class").split()[0] for tr in page.locator("#events tbody tr").all()]
    assert kinds == ["ev-twiml-request", "ev-recording-status-callback", "ev-api-response", "ev-api-response",
                     "ev-recording-status-callback"]
    times = [float(t) for t in page.locator("#events tbody tr td:first-child").all_inner_texts()]
    assert times == sorted(times) and times[2] == 26.5
    if os.environ.get("RECSIM_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(ROOT / "docs" / "report.png"), full_page=True)
    assert errors == []
    page.close()


def test_report_table_sorts_and_filters(browser: Any, runs: dict[str, Path]) -> None:
    """Filtering by text and by status, and sorting by duration, change the rows shown."""
    out = runs["conference"]
    recs = json.loads((out / "recordings.json").read_text())
    page, errors = _open(browser, (out / "report.html").as_uri())
    assert sorted(_rows(page)) == sorted(r["sid"] for r in recs) and len({r["call_sid"] for r in recs}) == 2
    page.fill("#filter", "conference")
    assert _rows(page) == [r["sid"] for r in recs if r["source"] == "Conference"]
    page.fill("#filter", recs[1]["call_sid"])
    assert _rows(page) == [r["sid"] for r in recs if r["call_sid"] == recs[1]["call_sid"]]
    page.fill("#filter", "no such recording")
    assert _rows(page) == [] and page.inner_text("#count") == f"0 of {len(recs)} recordings"
    page.fill("#filter", "")
    page.select_option("#status-filter", "completed")
    assert sorted(_rows(page)) == sorted(r["sid"] for r in recs if r["status"] == "completed")
    page.select_option("#status-filter", "")
    page.click("#table th[data-key=duration_s]")
    assert _rows(page) == [r["sid"] for r in sorted(recs, key=lambda r: r["recsim_duration_s"])]
    page.click("#table th[data-key=duration_s]")  # descending
    assert _rows(page) == [r["sid"] for r in sorted(recs, key=lambda r: -r["recsim_duration_s"])]
    page.locator("#table tbody tr").first.click()
    assert page.inner_text("#detail-title").startswith(_rows(page)[0])
    assert errors == []
    page.close()


def test_ten_thousand_recordings_paginate(browser: Any, tmp_path: Path, runs: dict[str, Path]) -> None:
    """A 10,000-recording report shows 100 rows a page and finds any one by filtering;
    each call's events stay in their own JSON block, parsed when opened."""
    out = runs["payment_pause_skip"]
    (rec,) = json.loads((out / "recordings.json").read_text())
    from recsim.report import report_data

    data = report_data(out)
    rows, ev = data["rows"][0], data["events"][rec["call_sid"]]
    data["rows"] = [{**rows, "sid": f"RE{i:032x}", "call_sid": f"CA{i:032x}"} for i in range(10_000)]
    data["timelines"] = {r["sid"]: data["timelines"][rec["sid"]] for r in data["rows"]}
    data["events"] = {r["call_sid"]: ev for r in data["rows"]}
    (tmp_path / "report.html").write_text(render_page(data))
    shutil.copytree(out / "media", tmp_path / "media")
    page, errors = _open(browser, (tmp_path / "report.html").as_uri())
    assert len(_rows(page)) == 100 and page.inner_text("#page") == "page 1 of 100"
    page.click("#next")
    assert _rows(page)[0] == f"RE{100:032x}"
    page.fill("#filter", f"CA{9876:032x}")
    assert _rows(page) == [f"RE{9876:032x}"]
    page.locator("#table tbody tr").first.click()
    # the events of the clicked call are parsed and drawn after the click returns
    page.wait_for_function(f"document.querySelectorAll('#events tbody tr').length >= {len(ev)}", timeout=15_000)
    assert page.locator("#events tbody tr").count() == len(ev)
    assert errors == []
    page.close()
