"""What every consumer keeps of a finished recording: its Recording resource (the wire
JSON), its row, and the canonical order of rows, events and transcriptions.

The Recording resource is what ``GET .../Recordings/{Sid}.json`` returns (spec 002
"Recording properties"): snake_case, RFC 2822 dates, ``duration`` a string of whole
seconds, ``uri`` relative to https://api.twilio.com, ``subresource_uris``,
``media_url``. recsim adds ``recsim_duration_s`` (exact seconds, float),
``recsim_untrimmed_duration_s`` and ``recsim_track``, clearly outside Twilio's names.

Canonical order (independent of how calls were scheduled or sharded): events by (time,
call index, order within the call); recordings and transcriptions by (start s, call
index, order of creation within the call or conference).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from recsim.audio import SAMPLE_RATE
from recsim.outputs.words import word_rows
from recsim.sim.callbacks import API_VERSION, rfc2822
from recsim.sim.lifecycle import fetch_status
from recsim.sim.recording import Recording, timeline

if TYPE_CHECKING:
    from recsim.sim.callbacks import Event
    from recsim.sim.simulation import Simulation
    from recsim.sim.transcribe import Transcription

__all__ = ["Rows", "canonical_keys", "finish_rows", "recording_json", "recording_row",
           "transcription_json"]

#: (rows, events as ``{"key", "event"}``, transcriptions as ``{"key", "transcription"}``).
Rows = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def recording_json(rec: Recording, *, account_sid: str, epoch: dt.datetime) -> dict[str, Any]:
    """Render ``rec`` as the Recording resource JSON (002).

    Parameters
    ----------
    rec : Recording
        Any status; in-flight statuses read as ``processing`` (a fetch "will only show
        processing or completed").
    account_sid : str
        AC sid of the account.
    epoch : datetime
        Wall-clock time of simulated time 0.

    Returns
    -------
    dict
        JSON-ready mapping with every property of spec 002. ``error_code`` is null
        unless the recording is absent (16101 too short, 16102 silent): a recording that
        will turn out absent shows no error while stopped or processing.
    """
    base = f"/{API_VERSION}/Accounts/{account_sid}/Recordings/{rec.sid}"
    status = fetch_status(rec.status)
    done = status in ("completed", "absent", "deleted")
    exact = rec.assembly.n_samples / SAMPLE_RATE if rec.assembly is not None and status == "completed" else None
    started = rfc2822(epoch, rec.start)
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "call_sid": rec.leg.sid,
        "conference_sid": rec.conference_sid,
        "date_created": started,
        "date_updated": rfc2822(epoch, rec.updated_at),
        "start_time": started,
        "duration": str(rec.duration) if done and rec.duration is not None else "-1",
        "sid": rec.sid,
        "price": None,
        "price_unit": "USD",
        "status": status,
        "channels": rec.options.n_channels,
        "source": rec.options.source,
        "error_code": rec.error_code if status == "absent" else None,
        "uri": f"{base}.json",
        "encryption_details": None,
        "subresource_uris": {
            "add_on_results": f"{base}/AddOnResults.json",
            "transcriptions": f"{base}/Transcriptions.json",
        },
        "media_url": f"https://api.twilio.com{base}",
        "recsim_duration_s": exact,
        "recsim_untrimmed_duration_s": (rec.assembly.untrimmed / SAMPLE_RATE
                                        if rec.assembly is not None else None),
        "recsim_track": rec.options.track,
    }


def transcription_json(tr: Transcription, *, account_sid: str, epoch: dt.datetime) -> dict[str, Any]:
    """Render ``tr`` as the Transcription resource JSON, as the REST API returns it.

    Parameters
    ----------
    tr : Transcription
        Of a ``<Record transcribe="true">`` recording.
    account_sid : str
        AC sid of the account.
    epoch : datetime
        Wall-clock time of simulated time 0.

    Returns
    -------
    dict
        ``duration`` a string of whole seconds of the untrimmed recording (0 when its
        assembly is gone), RFC 2822 dates, ``type`` fast, ``uri`` relative to
        https://api.twilio.com.
    """
    a = tr.recording.assembly
    duration = a.untrimmed - a.trimmed if a is not None else 0
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "date_created": rfc2822(epoch, tr.created),
        "date_updated": rfc2822(epoch, tr.updated or tr.created),
        "duration": str(duration // SAMPLE_RATE),
        "price": None,
        "price_unit": "USD",
        "recording_sid": tr.recording.sid,
        "sid": tr.sid,
        "status": tr.status,
        "transcription_text": tr.text,
        "type": "fast",
        "uri": f"/{API_VERSION}/Accounts/{account_sid}/Transcriptions/{tr.sid}.json",
    }


def recording_row(sim: Simulation, rec: Recording, *, words: bool = False) -> dict[str, Any]:
    """What every consumer keeps of a finished recording (JSON-serialisable).

    Parameters
    ----------
    sim : Simulation
        The simulation ``rec`` ran in (account SID and epoch of the resource).
    rec : Recording
        Completed or absent, its assembly not yet dropped.
    words : bool
        Capture its words into ``words`` (``--metadata json,words``; the emulator
        always does). Without, the row has no ``words`` key and nothing is captured.

    Returns
    -------
    dict
        ``sid``, ``call_sid``, ``resource`` (:func:`recording_json`), ``source``,
        ``status``, ``track``, ``channels``, ``duration`` (whole s), ``duration_s`` and
        ``untrimmed_s`` (exact s), ``start`` (simulated s), ``error_code``,
        ``accounting`` (sample counts), ``timeline`` and, with ``words``, ``words``
        (:func:`~recsim.outputs.words.word_rows`). ``key``, ``call_index`` and the
        timeline's callbacks are added when the simulation has ended
        (:func:`finish_rows`).
    """
    a = rec.assembly
    assert a is not None
    completed = rec.status == "completed"
    row: dict[str, Any] = {
        "sid": rec.sid,
        "call_sid": rec.leg.sid,
        "resource": recording_json(rec, account_sid=sim.account_sid, epoch=sim.epoch),
        "source": str(rec.options.source),
        "status": str(rec.status),
        "track": str(rec.options.track),
        "channels": rec.options.n_channels,
        "duration": rec.duration or 0,
        "duration_s": a.n_samples / SAMPLE_RATE if completed else 0.0,
        "untrimmed_s": a.untrimmed / SAMPLE_RATE,
        "start": rec.start,
        "error_code": rec.error_code,
        "accounting": {"span": a.span, "skipped": a.skipped, "no_media": a.no_media, "trimmed": a.trimmed,
                       "samples": a.n_samples},
        "timeline": timeline(rec),
    }
    if words:
        row["words"] = word_rows(rec)
    return row


def canonical_keys(sim: Simulation, events: list[Event]) -> tuple[list[list[float]], dict[str, list[float]]]:
    """Sort keys independent of how calls were scheduled or sharded.

    Returns
    -------
    event_keys : list of [time s, call index, order within the call]
        One per event of ``events``, in its order.
    recording_keys : dict of RecordingSid to [start s, call index, order of creation]
        Order of creation within the call, or 1000 + within the conference.
    """
    index_of = {leg.sid: c.index for c in sim.calls for leg in c.legs}
    order: dict[str, int] = {}
    for c in sim.calls:
        for k, rec in enumerate(c.recordings):
            order[rec.sid] = k
    for conf in sim.conferences.values():
        for k, rec in enumerate(conf.recordings):
            order[rec.sid] = 1000 + k
    seq: dict[int, int] = {}
    event_keys = []
    for e in events:
        ci = index_of.get(e.call_sid or "", -1)
        event_keys.append([e.time, ci, seq.get(ci, 0)])
        seq[ci] = seq.get(ci, 0) + 1
    rec_keys = {sid: [r.start, index_of.get(r.leg.sid, -1), order.get(sid, 0)] for sid, r in sim.recordings.items()}
    return event_keys, rec_keys


def _callbacks(events: list[Event]) -> dict[str | None, list[list[Any]]]:
    """``[[time s, RecordingStatus], ...]`` of the status callbacks of each recording
    (by RecordingSid), in the order of ``events``: one pass for all rows."""
    out: dict[str | None, list[list[Any]]] = {}
    for e in events:
        if e.kind == "recording-status-callback":
            out.setdefault(e.recording_sid, []).append([e.time, e.parameters.get("RecordingStatus")])
    return out


def finish_rows(sim: Simulation, rows: list[dict[str, Any]], events: list[Event]) -> Rows:
    """After the simulation: give each row its canonical ``key``, ``call_index`` and its
    timeline's callbacks, and sort ``events`` (the Event objects) canonically in place.

    Returns
    -------
    rows, events, transcriptions : list of dict
        Each sorted canonically; events as ``{"key", "event"}`` JSON, transcriptions as
        ``{"key", "transcription"}``.
    """
    event_keys, rec_keys = canonical_keys(sim, events)
    callbacks = _callbacks(events)
    for row in rows:
        row["key"] = rec_keys[row["sid"]]
        row["call_index"] = row["key"][1]
        row["timeline"] = {**row["timeline"], "callbacks": callbacks.get(row["sid"], [])}
    order = sorted(range(len(events)), key=lambda i: event_keys[i])
    events[:] = [events[i] for i in order]
    evs = [{"key": event_keys[i], "event": e.to_json()} for i, e in zip(order, events, strict=True)]
    trs = [{"key": rec_keys[t.recording.sid],
            "transcription": transcription_json(t, account_sid=sim.account_sid, epoch=sim.epoch)}
           for t in sim.transcriptions.values()]
    return sorted(rows, key=lambda r: r["key"]), evs, sorted(trs, key=lambda t: t["key"])
