"""The run report's page open time (issue 16: 10,000 recordings open in under 2 s):
a 10,000-recording report (each call with its 5 events) against a 1-recording report,
in the same headless Chromium (Debian's /usr/bin/chromium, Playwright), from file://
until the first table page is drawn."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recsim import run
from recsim.report import render_page, report_data, write_report
from recsim.report.browser import chromium, chromium_available
from recsim.scenario import load_scenario

sync_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """report.html of the payment example, and the same recording repeated 10,000 times."""
    one = tmp_path_factory.mktemp("one")
    run(load_scenario(ROOT / "examples" / "payment_pause_skip.yaml"), out_dir=one, keep_samples=False)
    write_report(one)
    (rec,) = json.loads((one / "recordings.json").read_text())
    data = report_data(one)
    row, events, tl = data["rows"][0], data["events"][rec["call_sid"]], data["timelines"][rec["sid"]]
    data["rows"] = [{**row, "sid": f"RE{i:032x}", "call_sid": f"CA{i:032x}"} for i in range(10_000)]
    data["timelines"] = {r["sid"]: tl for r in data["rows"]}
    data["events"] = {r["call_sid"]: events for r in data["rows"]}
    big = tmp_path_factory.mktemp("big")
    (big / "report.html").write_text(render_page(data))
    shutil.copytree(one / "media", big / "media")
    return {"1": one / "report.html", "10000": big / "report.html"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module."""
    with chromium() as b:
        yield b


@pytest.mark.benchmark(group="report")
@pytest.mark.parametrize("recordings", ["1", "10000"])
def test_report_page_open(benchmark: Any, browser: Any, pages: dict[str, Path], recordings: str) -> None:
    """Open the page and wait for the table's first row (the page is usable)."""
    path = pages[recordings]

    def open_page() -> int:
        page = browser.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector("#table tbody tr")
        n = page.locator("#table tbody tr").count()
        page.close()
        return int(n)

    shown = benchmark.pedantic(open_page, rounds=5, iterations=1, warmup_rounds=1)
    assert shown == min(100, int(recordings))
    benchmark.extra_info.update({"recordings": int(recordings), "html_mb": round(path.stat().st_size / 1e6, 1)})
