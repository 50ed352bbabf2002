"""Columnar metadata: ``recordings.parquet`` and ``events.parquet`` (``recsim[parquet]``).

Typed columns, one row per recording / per event, in the canonical order of
``recordings.json`` / ``events.jsonl`` (:mod:`recsim.outputs.rows`), so DuckDB, pandas
or any Parquet reader query a run directly::

    SELECT source, count(*) AS n, avg(duration_s) AS mean_s
    FROM 'out/recordings.parquet' WHERE status = 'completed' GROUP BY source

A batch writes each shard's files (small row groups) and :func:`merge_parquet` merges
them with a streaming k-way merge on the sort-key columns: the parent holds one batch of
rows per shard, never the whole run. pyarrow is imported on first use
(:func:`recsim._extras.require`), never by ``import recsim``.

``recordings``: ``sid``, ``call_sid``, ``conference_sid``, ``account_sid`` (string),
``call_index`` (int64), ``order`` (int32, creation order within the call, 1000 + within
the conference), ``start_s`` (float64, simulated s), ``source``, ``status``, ``track``
(string), ``channels`` (int8), ``duration`` (int32, whole s), ``duration_s``,
``untrimmed_s`` (float64, s), ``samples`` (int64, at 8000 Hz), ``error_code`` (int32,
null unless absent), ``date_created`` (string, RFC 2822), ``media_url`` (string).

``events``: ``time_s`` (float64, simulated s, exact), ``call_index`` (int64, -1 for
none), ``seq`` (int64, order within the call), ``kind``, ``call_sid``,
``recording_sid``, ``url``, ``method`` (string), ``parameters`` (map string to string:
the request's parameters), ``extra`` (string, JSON of the remaining fields).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator
from typing import Any

from recsim._extras import require
from recsim.outputs.target import Target

__all__ = ["EVENT_KEY", "RECORDING_KEY", "event_record", "merge_parquet", "recording_record", "schema",
           "write_parquet"]

#: Sort-key columns of each table (the canonical order).
RECORDING_KEY = ("start_s", "call_index", "order")
EVENT_KEY = ("time_s", "call_index", "seq")
#: Rows per row group of a shard file and per batch the merge reads and writes.
BATCH_ROWS = 256
_EVENT_FIELDS = {"time", "kind", "url", "method", "parameters", "call_sid", "recording_sid"}


def _pa() -> Any:
    return require("pyarrow", extra="parquet", feature="--metadata parquet")


def _pq() -> Any:
    return require("pyarrow.parquet", extra="parquet", feature="--metadata parquet")


def schema(table: str) -> Any:
    """The pyarrow schema of ``table`` (``"recordings"`` or ``"events"``).

    Raises
    ------
    MissingExtraError
        pyarrow is not installed (``recsim[parquet]``).
    KeyError
        Another table name.
    """
    pa = _pa()
    s, i64, f64 = pa.string(), pa.int64(), pa.float64()
    tables = {
        "recordings": [("sid", s), ("call_sid", s), ("conference_sid", s), ("account_sid", s), ("call_index", i64),
                       ("order", pa.int32()), ("start_s", f64), ("source", s), ("status", s), ("track", s),
                       ("channels", pa.int8()), ("duration", pa.int32()), ("duration_s", f64),
                       ("untrimmed_s", f64), ("samples", i64), ("error_code", pa.int32()),
                       ("date_created", s), ("media_url", s)],
        "events": [("time_s", f64), ("call_index", i64), ("seq", i64), ("kind", s), ("call_sid", s),
                   ("recording_sid", s), ("url", s), ("method", s), ("parameters", pa.map_(s, s)), ("extra", s)],
    }
    return pa.schema(tables[table])


def recording_record(row: dict[str, Any]) -> dict[str, Any]:
    """The ``recordings`` columns of a finished row (:func:`~recsim.outputs.rows.finish_rows`)."""
    res = row["resource"]
    return {"sid": row["sid"], "call_sid": row["call_sid"], "conference_sid": res["conference_sid"],
            "account_sid": res["account_sid"], "call_index": row["key"][1], "order": row["key"][2],
            "start_s": row["key"][0], "source": row["source"], "status": row["status"], "track": row["track"],
            "channels": row["channels"], "duration": row["duration"], "duration_s": row["duration_s"],
            "untrimmed_s": row["untrimmed_s"], "samples": row["accounting"]["samples"],
            "error_code": row["error_code"] if row["status"] == "absent" else None,
            "date_created": res["date_created"], "media_url": res["media_url"]}


def event_record(item: dict[str, Any]) -> dict[str, Any]:
    """The ``events`` columns of a ``{"key", "event"}`` item."""
    ev, key = item["event"], item["key"]
    extra = {k: v for k, v in ev.items() if k not in _EVENT_FIELDS}
    return {"time_s": key[0], "call_index": key[1], "seq": key[2], "kind": ev["kind"],
            "call_sid": ev.get("call_sid"), "recording_sid": ev.get("recording_sid"), "url": ev["url"],
            "method": ev["method"], "parameters": [(k, str(v)) for k, v in (ev.get("parameters") or {}).items()],
            "extra": json.dumps(extra, sort_keys=True) if extra else None}


def write_parquet(target: Target, name: str, table: str, records: Iterable[dict[str, Any]]) -> None:
    """Write ``records`` (already in canonical order) as the Parquet file ``name``,
    streamed in row groups of :data:`BATCH_ROWS`.

    Raises
    ------
    MissingExtraError
        pyarrow is not installed.
    OutputError
        The file cannot be written.
    """
    pa, pq = _pa(), _pq()
    sch = schema(table)
    with target.open_write(name) as f, pq.ParquetWriter(f, sch) as writer:
        batch: list[dict[str, Any]] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=sch), row_group_size=BATCH_ROWS)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=sch), row_group_size=BATCH_ROWS)


def _rows(target: Target, name: str) -> Iterator[dict[str, Any]]:
    """The rows of one Parquet file, one batch of :data:`BATCH_ROWS` in memory at a time."""
    pq = _pq()
    with target.open_read(name) as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
            yield from batch.to_pylist()


def merge_parquet(target: Target, names: list[str], out_name: str, table: str) -> int:
    """Merge sorted Parquet files into one (a streaming k-way merge on the table's key
    columns; ties keep the order of ``names``). Returns the number of rows.

    Parameters
    ----------
    target : Target
        Holds the inputs and receives ``out_name``.
    names : list of str
        Shard files of ``table``, each sorted by its key, in shard order.
    out_name : str
        The merged file (``recordings.parquet`` or ``events.parquet``).
    table : {"recordings", "events"}

    Raises
    ------
    MissingExtraError
        pyarrow is not installed.
    OutputError
        A file cannot be read or written.
    """
    cols = RECORDING_KEY if table == "recordings" else EVENT_KEY
    n = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal n
        for row in heapq.merge(*(_rows(target, name) for name in names), key=lambda r: [r[c] for c in cols]):
            n += 1
            yield row

    write_parquet(target, out_name, table, counted())
    return n
