"""Headless Chromium for the report and console: Debian's ``/usr/bin/chromium`` driven by
Playwright's Python package (never ``playwright install``), with the flags that keep it
offline and quiet. Used by the browser tests and the report benchmark; the caller owns
the Playwright session (``playwright.sync_api.sync_playwright()``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "chromium", "chromium_available", "launch_chromium"]

#: The browser binary (Debian package ``chromium``; ``.ci/run`` installs it when missing).
CHROMIUM = "/usr/bin/chromium"
#: Headless, no sandbox (containers), no GPU, and no network of its own (updates, sync, QUIC).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_available() -> bool:
    """Whether :data:`CHROMIUM` exists."""
    return Path(CHROMIUM).is_file()


def launch_chromium(playwright: Any) -> Any:
    """Launch :data:`CHROMIUM` with :data:`CHROMIUM_ARGS`.

    Parameters
    ----------
    playwright : playwright.sync_api.Playwright
        An open session (``with sync_playwright() as p: launch_chromium(p)``).

    Returns
    -------
    playwright.sync_api.Browser
        Close it (or the session) when done.

    Raises
    ------
    playwright.sync_api.Error
        The binary is missing or does not start.
    """
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright session with :data:`CHROMIUM` launched in it, closed on exit (the
    browser of the browser tests and the report benchmark).

    Yields
    ------
    playwright.sync_api.Browser

    Raises
    ------
    ImportError
        Playwright's package is not installed (the ``browser`` extra, in ``dev``).
    playwright.sync_api.Error
        The binary is missing or does not start.
    """
    from playwright.sync_api import sync_playwright  # a test tool: deferred, never imported by recsim

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()
