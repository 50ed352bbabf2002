"""Recording rows of the store: the Recording resource (002) of each RecordingSid,
kept as it changes, soft-deleted with its metadata kept 40 days (002: "The metadata is
preserved for a period of 40 days"), its media files removed at once.

A row is never overwritten by a resource of another account, nor a finished recording
(completed, absent, deleted) by a different resource: :class:`StoreConflictError`.
"""

from __future__ import annotations

import json
from typing import Any

from recsim.store.base import StoreBase
from recsim.store.schema import FINAL_STATUSES, RETENTION_S, StoreConflictError, StoredRecording

__all__ = ["RecordingRows"]


class RecordingRows(StoreBase):
    """The recording rows of :class:`recsim.store.Store`."""

    def save(self, resource: dict[str, Any], created: float) -> None:
        """Insert a recording's metadata, or update the row of the same recording.

        Parameters
        ----------
        resource : dict
            The Recording resource (002); its ``sid`` and ``account_sid`` name the row.
        created : float
            Unix seconds of its creation (kept from the first save).

        Raises
        ------
        StoreConflictError
            The SID is stored for another account, or its row is finished (completed,
            absent or deleted) and ``resource`` differs: nothing is written.
        """
        sid, account = resource["sid"], resource["account_sid"]
        text = json.dumps(resource)
        with self._tx():
            row = self._db.execute("SELECT account_sid, status, resource FROM recordings WHERE sid=?",
                                   (sid,)).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO recordings (sid, account_sid, call_sid, conference_sid, created, status, resource) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (sid, account, resource["call_sid"], resource["conference_sid"], created, resource["status"],
                     text))
                return
            if row[0] != account:
                raise StoreConflictError(f"recording {sid}: stored for account {row[0]}; refusing to overwrite it "
                                         f"with a resource of account {account}")
            if row[1] in FINAL_STATUSES:
                if json.loads(row[2]) == resource:
                    return
                raise StoreConflictError(f"recording {sid} of account {account}: stored with status {row[1]!r}; "
                                         f"refusing to overwrite it with a resource of status {resource['status']!r}")
            self._db.execute("UPDATE recordings SET status=?, resource=? WHERE sid=? AND account_sid=?",
                             (resource["status"], text, sid, account))

    def get(self, account_sid: str, sid: str, *, now: float, include_deleted: bool = True) -> StoredRecording | None:
        """The recording ``sid`` of ``account_sid`` (None if absent, another account's, or
        deleted more than 40 days before ``now``; deleted ones only with include_deleted)."""
        with self._lock:
            row = self._db.execute(
                "SELECT resource, created, deleted_at FROM recordings WHERE sid=? AND account_sid=?",
                (sid, account_sid)).fetchone()
        if row is None:
            return None
        rec = StoredRecording(json.loads(row[0]), row[1], row[2])
        if rec.deleted_at is not None and (not include_deleted or now - rec.deleted_at > RETENTION_S):
            return None
        return rec

    def query(self, account_sid: str, *, now: float, call_sid: str | None = None,
              conference_sid: str | None = None, created_from: float | None = None,
              created_to: float | None = None, include_deleted: bool = False, limit: int = 50,
              offset: int = 0) -> list[dict[str, Any]]:
        """Recordings of an account, newest first, filtered; ``created_from`` inclusive,
        ``created_to`` exclusive (unix seconds)."""
        sql = "SELECT resource FROM recordings WHERE account_sid=?"
        args: list[Any] = [account_sid]
        if call_sid is not None:
            sql += " AND call_sid=?"
            args.append(call_sid)
        if conference_sid is not None:
            sql += " AND conference_sid=?"
            args.append(conference_sid)
        if created_from is not None:
            sql += " AND created>=?"
            args.append(created_from)
        if created_to is not None:
            sql += " AND created<?"
            args.append(created_to)
        if include_deleted:
            sql += " AND (deleted_at IS NULL OR ?-deleted_at<=?)"
            args += [now, RETENTION_S]
        else:
            sql += " AND deleted_at IS NULL"
        sql += " ORDER BY created DESC, sid LIMIT ? OFFSET ?"
        args += [limit, offset]
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def mark_deleted(self, account_sid: str, sid: str, resource: dict[str, Any], now: float) -> bool:
        """Status deleted, metadata kept, media removed at once; only a row of
        ``account_sid`` not deleted yet. Returns whether a row was marked."""
        with self._lock:
            cur = self._db.execute("UPDATE recordings SET status='deleted', deleted_at=?, resource=? "
                                   "WHERE sid=? AND account_sid=? AND deleted_at IS NULL",
                                   (now, json.dumps(resource), sid, account_sid))
        if cur.rowcount == 0:
            return False
        for name in (f"{sid}.wav", f"{sid}.dual.wav"):
            (self.media_dir / name).unlink(missing_ok=True)
        return True

