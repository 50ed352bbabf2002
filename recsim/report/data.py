"""What a run report shows, read from a run folder's files (README "Outputs"):
``recordings.json``, ``events.jsonl``, ``timelines.jsonl`` and ``media/``.

:func:`report_data` gives one JSON-ready dict: ``summary`` (counts, duration histogram,
warnings), ``rows`` (one per recording, for the table), ``timelines`` (spans and marks
per RecordingSid) and ``events`` (per CallSid, in time order: TwiML requests, REST
answers, callbacks, debugger warnings). The same shape is built live by
``recsim serve``'s console (:mod:`recsim.server.console`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from recsim.errors import OutputError
from recsim.report.spans import timeline_spans

__all__ = ["histogram", "report_data", "rows_of", "summary_of", "timeline_json", "warnings_of"]

#: Bars of the duration histogram.
BINS = 20


def histogram(values: list[float], bins: int = BINS) -> dict[str, Any]:
    """Equal-width histogram of durations (s): ``{"edges": [...], "counts": [...]}``
    (``bins + 1`` edges; empty lists for no values)."""
    if not values:
        return {"edges": [], "counts": []}
    lo, hi = min(values), max(values)
    width = (hi - lo) / bins if hi > lo else 1.0 / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    return {"edges": [round(lo + i * width, 3) for i in range(bins + 1)], "counts": counts}


def warnings_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Debugger warnings and REST error answers (HTTP status >= 400), in time order:
    ``{"code", "time", "call_sid", "element", "message"}`` each."""
    out = []
    for e in events:
        if e.get("kind") == "debugger-warning":
            element = e.get("element") or ""
            if e.get("attribute"):
                element += f" {e['attribute']}={e.get('value')!r}"
            out.append({"code": e.get("code"), "time": e.get("time"), "call_sid": e.get("call_sid"),
                        "element": element, "message": e.get("message", "")})
        elif e.get("kind") == "api-response" and int(e.get("status") or 0) >= 400:
            body = e.get("body") or {}
            out.append({"code": body.get("code", e.get("status")), "time": e.get("time"),
                        "call_sid": e.get("call_sid"), "element": f"{e.get('method')} {e.get('url')}",
                        "message": body.get("message", "")})
    return out


def rows_of(recordings: list[dict[str, Any]], media: set[str]) -> list[dict[str, Any]]:
    """One table row per recording resource; ``media`` is the set of media file names
    found in ``media/`` (the WAV is linked, else the MP3)."""
    rows = []
    for r in recordings:
        dur = r.get("recsim_duration_s")
        rows.append({"sid": r["sid"], "call_sid": r.get("call_sid"), "source": r.get("source"),
                     "status": r.get("status"), "error_code": r.get("error_code"), "channels": r.get("channels"),
                     "track": r.get("recsim_track"), "duration": int(r.get("duration") or 0),
                     "duration_s": float(dur) if dur is not None else float(r.get("duration") or 0),
                     "start_time": r.get("start_time"),
                     "media": next((f"media/{r['sid']}.{ext}" for ext in ("wav", "mp3")
                                    if f"{r['sid']}.{ext}" in media), None)})
    return rows


def summary_of(rows: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by source, status and channels, the duration histogram of completed
    recordings, and warnings by code (with the first few of each)."""
    by_code: dict[str, dict[str, Any]] = {}
    for w in warnings:
        entry = by_code.setdefault(str(w["code"]), {"code": w["code"], "count": 0, "first": []})
        entry["count"] += 1
        if len(entry["first"]) < 3:
            entry["first"].append(w)
    done = [r["duration_s"] for r in rows if r["status"] == "completed"]
    return {"recordings": len(rows), "calls": len({r["call_sid"] for r in rows}),
            "by_source": dict(Counter(r["source"] for r in rows)),
            "by_status": dict(Counter(r["status"] for r in rows)),
            "by_channels": dict(Counter(str(r["channels"]) for r in rows)),
            "total_s": round(sum(done), 3), "durations": histogram(done),
            "warnings": sorted(by_code.values(), key=lambda w: -w["count"])}


def timeline_json(tl: dict[str, Any]) -> dict[str, Any]:
    """The spans and marks of a ``timelines.jsonl`` line, JSON-ready (``start``, ``stop``
    in simulated seconds)."""
    view = timeline_spans(tl)
    return {"start": tl.get("start"), "stop": tl.get("stop"), "spans": view.spans, "marks": view.marks}


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise OutputError(f"{path}: missing; give the output folder of a finished `recsim run`") from None


def report_data(run_dir: str | Path) -> dict[str, Any]:
    """Everything the report shows of a run folder.

    Parameters
    ----------
    run_dir : str or Path
        The ``--out`` folder of a finished run or batch.

    Returns
    -------
    dict
        ``title``, ``summary``, ``rows``, ``timelines`` (by RecordingSid), ``events``
        (by CallSid, in time order), ``warnings`` (all).

    Raises
    ------
    OutputError
        ``recordings.json`` or ``events.jsonl`` is missing.
    """
    out = Path(run_dir)
    recordings = json.loads(_read(out / "recordings.json"))
    events = [json.loads(line) for line in _read(out / "events.jsonl").splitlines() if line.strip()]
    tl_path = out / "timelines.jsonl"
    tls = [json.loads(x) for x in tl_path.read_text().splitlines() if x.strip()] if tl_path.is_file() else []
    media = {p.name for p in (out / "media").iterdir()} if (out / "media").is_dir() else set()
    rows = rows_of(recordings, media)
    warnings = warnings_of(events)
    by_call: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(events, key=lambda e: e.get("time") or 0.0):
        by_call.setdefault(e.get("call_sid") or "", []).append(e)
    return {"title": f"recsim run report: {out.resolve().name}", "summary": summary_of(rows, warnings),
            "rows": rows, "timelines": {tl["sid"]: timeline_json(tl) for tl in tls}, "events": by_call,
            "warnings": warnings}
