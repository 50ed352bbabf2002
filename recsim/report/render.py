"""The report page: one self-contained HTML file (inline CSS, JS and data; no network)
rendered with jinja2 from ``recsim/report/templates/``."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from recsim._extras import require
from recsim._version import __version__
from recsim.report.data import report_data
from recsim.report.spans import MARK_KINDS, SPAN_KINDS

__all__ = ["REPORT_NAME", "kinds_json", "render_page", "write_report"]

#: The report's file name in a run folder.
REPORT_NAME = "report.html"


def kinds_json() -> list[dict[str, Any]]:
    """The span and mark kinds (:mod:`recsim.report.spans`) as the page's legend reads them."""
    return [{"key": k.key, "name": k.name, "color": k.color, "style": k.style, "mark": k in MARK_KINDS}
            for k in (*SPAN_KINDS, *MARK_KINDS)]


def _asset(name: str) -> str:
    return resources.files("recsim.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_page(data: dict[str, Any], *, live_url: str | None = None) -> str:
    """The report page of ``data`` (:func:`recsim.report.data.report_data`).

    Parameters
    ----------
    data : dict
        ``title``, ``summary``, ``rows``, ``timelines`` and ``events`` (by CallSid).
    live_url : str, optional
        The console's JSON URL: the page fetches it every second and redraws when the
        simulated clock moved (``recsim serve``); events are then part of ``data``.
        Without it, each call's events sit in their own JSON block, parsed only when
        one of its recordings is opened (large runs open fast).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    MissingExtraError
        jinja2 is not installed (``pip install 'recsim[plot]'``).
    """
    jinja2 = require("jinja2", extra="plot", feature="the HTML report (`recsim report`)")
    env = jinja2.Environment(loader=jinja2.PackageLoader("recsim.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    page = {k: v for k, v in data.items() if k != "events" or live_url}
    return env.get_template("report.html.j2").render(
        title=data["title"], data=page, events={} if live_url else data["events"], live=bool(live_url),
        live_url=live_url, kinds=[*SPAN_KINDS, *MARK_KINDS], kinds_json=kinds_json(), version=__version__,
        css=_asset("report.css"), js=_asset("report.js"))


def write_report(run_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write the report of a run folder.

    Parameters
    ----------
    run_dir : str or Path
        The ``--out`` folder of a finished run or batch.
    path : str or Path, optional
        Where to write (default ``run_dir/report.html``; media links are relative to
        ``run_dir``, so keep the page there to play recordings).

    Returns
    -------
    Path
        The file written (replaced atomically if it existed).

    Raises
    ------
    OutputError
        The folder has no ``recordings.json`` or ``events.jsonl``.
    MissingExtraError
        jinja2 is not installed.
    """
    target = Path(path) if path is not None else Path(run_dir) / REPORT_NAME
    html = render_page(report_data(run_dir))
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
