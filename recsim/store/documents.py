"""Document rows of the store: Recording Configurations (004) and Transcriptions (001,
the Transcription resource of the 2010-04-01 API), each kept as its resource JSON so it
survives a restart.
"""

from __future__ import annotations

import json
from typing import Any

from recsim.store.base import StoreBase

__all__ = ["DocumentRows"]


class DocumentRows(StoreBase):
    """The configuration and transcription rows of :class:`recsim.store.Store`."""

    def save_configuration(self, account_sid: str, resource: dict[str, Any]) -> None:
        """Insert or replace a Recording Configuration's JSON."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO configurations (id, account_sid, resource) VALUES (?, ?, ?)",
                             (resource["id"], account_sid, json.dumps(resource)))

    def delete_configuration(self, config_id: str) -> None:
        """Remove a configuration."""
        with self._lock:
            self._db.execute("DELETE FROM configurations WHERE id=?", (config_id,))

    def configurations(self, account_sid: str) -> list[dict[str, Any]]:
        """The stored configurations of an account."""
        with self._lock:
            rows = self._db.execute("SELECT resource FROM configurations WHERE account_sid=? ORDER BY rowid",
                                    (account_sid,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    # -------------------------------------------------------- transcriptions
    def save_transcription(self, resource: dict[str, Any], created: float) -> None:
        """Insert or update a Transcription's row.

        Parameters
        ----------
        resource : dict
            The Transcription resource (``sid``, ``account_sid``, ``recording_sid`` name
            the row); built by :func:`recsim.outputs.transcription_json`.
        created : float
            Unix seconds of its creation (kept from the first save).
        """
        with self._lock:
            self._db.execute(
                "INSERT INTO transcriptions (sid, account_sid, recording_sid, created, resource) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(sid) DO UPDATE SET resource=excluded.resource "
                "WHERE transcriptions.account_sid=excluded.account_sid",
                (resource["sid"], resource["account_sid"], resource["recording_sid"], float(created),
                 json.dumps(resource)))

    def transcription(self, account_sid: str, sid: str) -> dict[str, Any] | None:
        """The Transcription ``sid`` of ``account_sid`` (None when absent, deleted or
        another account's)."""
        with self._lock:
            row = self._db.execute("SELECT resource FROM transcriptions WHERE sid=? AND account_sid=?",
                                   (sid, account_sid)).fetchone()
        return json.loads(row[0]) if row else None

    def transcriptions(self, account_sid: str, *, recording_sid: str | None = None, limit: int = 50,
                       offset: int = 0) -> list[dict[str, Any]]:
        """Transcriptions of an account (or of one of its recordings), newest first."""
        sql = "SELECT resource FROM transcriptions WHERE account_sid=?"
        args: list[Any] = [account_sid]
        if recording_sid is not None:
            sql += " AND recording_sid=?"
            args.append(recording_sid)
        sql += " ORDER BY created DESC, sid LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete_transcription(self, account_sid: str, sid: str) -> bool:
        """Remove a Transcription of ``account_sid``; returns whether a row was removed."""
        with self._lock:
            cur = self._db.execute("DELETE FROM transcriptions WHERE sid=? AND account_sid=?", (sid, account_sid))
        return cur.rowcount > 0
