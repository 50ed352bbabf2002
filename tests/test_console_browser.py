"""The console of ``recsim serve`` (/console) in a real headless browser: behind the
REST API's auth, it shows the live account's recordings, redraws as the simulated
clock moves, plays a recording's WAV from the media URL and draws its skip span."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import UvicornThread

from recsim.report.browser import chromium, chromium_available
from recsim.scenario import load_scenario
from recsim.server import build

sync_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parents[1]
ACCOUNT, TOKEN = "AC" + "1" * 32, "secret"
pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """recsim serve (manual clock) with the payment example's call started at time 0."""
    app, backend, sender = build(accounts={ACCOUNT: TOKEN}, scenario=None, db=":memory:",
                                 media_dir=tmp_path_factory.mktemp("media"), clock="manual",
                                 webhook_timeout_s=0.2, webhook_retries=0)
    backend.on_event = None  # keep the events, send no callbacks to app.example.com
    backend.load(load_scenario(ROOT / "examples" / "payment_pause_skip.yaml"))
    with UvicornThread(app) as srv:
        yield backend, srv.url
    sender.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module."""
    with chromium() as b:
        yield b


def test_console_needs_the_account_credentials(server: tuple[Any, str]) -> None:
    """Like the REST API: 401 (code 20003) without credentials or with a wrong token."""
    _, url = server
    for auth in (None, (ACCOUNT, "wrong")):
        r = httpx.get(url + "/console", auth=auth)
        assert r.status_code == 401 and r.json()["code"] == 20003
    assert httpx.get(url + "/console/data.json", auth=(ACCOUNT, TOKEN)).status_code == 200


def test_console_follows_the_clock_and_plays_the_recording(server: tuple[Any, str], browser: Any) -> None:
    """At 10 s the recording is in progress (captured 2-10 s so far); after the clock
    moves to 60 s the page redraws by itself: completed, its WAV plays with the recording's duration, the skip
    span sits at 26.5-32.5 s and the call's events include the two REST updates."""
    backend, url = server
    backend.advance(10.0)
    context = browser.new_context(http_credentials={"username": ACCOUNT, "password": TOKEN},
                                  viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/console")
    (sid,) = list(backend.sim(ACCOUNT).recordings)
    status = page.locator("#table tbody tr td:nth-child(4)")
    assert status.all_inner_texts() == [backend.fetch_recording(ACCOUNT, sid)["status"]] != ["completed"]
    page.locator("#table tbody tr").first.click()
    page.wait_for_function("document.querySelectorAll('#timeline rect.span').length > 0 && "
                           "document.querySelectorAll('#calls-table tbody tr').length > 0", timeout=15_000)
    live = [(float(s.get_attribute("data-t0")), float(s.get_attribute("data-t1")))
            for s in page.locator("#timeline rect.span").all()]
    assert live == [(2.0, 10.0)]  # captured so far: from the answer to the simulated now
    assert page.locator("#calls-table tbody tr").count() == 1
    backend.advance(50.0)
    page.wait_for_function("document.querySelector('#table tbody tr td:nth-child(4)').textContent === 'completed'",
                           timeout=5000)
    resource = backend.fetch_recording(ACCOUNT, sid)
    page.wait_for_function("document.querySelector('#player audio') && "
                           "document.querySelector('#player audio').readyState >= 1", timeout=5000)
    assert page.evaluate("document.querySelector('#player audio').duration") == pytest.approx(
        resource["recsim_duration_s"], abs=1e-3)
    skip = page.locator("#timeline rect.span-paused-skip")
    assert [(float(s.get_attribute("data-t0")), float(s.get_attribute("data-t1"))) for s in skip.all()] == [
        (26.5, 32.5)]
    api = page.locator("#events tbody tr.ev-api-response")
    assert api.count() == 2 and "Status=paused" in api.first.inner_text()
    assert page.locator("#all-events-table tbody tr").count() >= 5
    if os.environ.get("RECSIM_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(ROOT / "docs" / "console.png"), full_page=True)
    assert errors == []
    context.close()
