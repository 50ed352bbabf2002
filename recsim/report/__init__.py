"""recsim.report: the HTML run report (``recsim report DIR``, ``recsim run --report``)
and the one definition of span and mark kinds shared with :mod:`recsim.plots` and the
console of ``recsim serve`` (:mod:`recsim.server.console`).

- :mod:`~recsim.report.spans`: kinds, colours, names; :func:`timeline_spans`.
- :mod:`~recsim.report.data`: what the report shows, read from a run folder.
- :mod:`~recsim.report.render`: the self-contained page (jinja2, ``recsim[report]``).
"""

from __future__ import annotations

from recsim.report.data import report_data
from recsim.report.render import REPORT_NAME, render_page, write_report
from recsim.report.spans import KINDS, MARK_KINDS, SPAN_KINDS, Kind, TimelineView, timeline_spans

__all__ = ["KINDS", "MARK_KINDS", "REPORT_NAME", "SPAN_KINDS", "Kind", "TimelineView", "render_page", "report_data",
           "timeline_spans", "write_report"]
