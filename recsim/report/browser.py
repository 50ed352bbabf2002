"""Headless Chromium for the report and console: Debian's ``/usr/bin/chromium`` driven by
Playwright's Python package (never ``playwright install``), with the flags that keep it
offline and quiet. Used by the browser tests and the report benchmark; the caller owns
the Playwright session (``playwright.sync_api.sync_playwright()``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "chromium_available", "launch_chromium"]

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
