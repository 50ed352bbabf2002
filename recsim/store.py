"""Persistent state of the REST emulator: recording metadata in SQLite, media on disk.

SQLite is the embedded default (a file, or ``:memory:``); the schema is created on
start and the database runs in WAL mode. Media files live in ``media_dir`` as
``{RecordingSid}.wav`` (the stored format) and, for mono call recordings of track both,
``{RecordingSid}.dual.wav`` (call recordings are stored in dual channel, 002). A server
restarted on the same database and folder keeps every recording and its media.

Deleted recordings (002: "The metadata is preserved for a period of 40 days") keep their
row with status deleted and a deletion time; their media files are removed at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim.audio import decode_wav, encode_wav

__all__ = ["RETENTION_S", "Store", "StoredRecording"]

#: Seconds a deleted recording's metadata stays visible (002: 40 days).
RETENTION_S = 40 * 86400

_SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    call_sid TEXT,
    conference_sid TEXT,
    created REAL NOT NULL,
    status TEXT NOT NULL,
    deleted_at REAL,
    resource TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recordings_by_account ON recordings (account_sid, created, sid);
CREATE INDEX IF NOT EXISTS recordings_by_call ON recordings (account_sid, call_sid, created);
CREATE INDEX IF NOT EXISTS recordings_by_conference ON recordings (account_sid, conference_sid, created);
CREATE TABLE IF NOT EXISTS configurations (
    id TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    resource TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredRecording:
    """A row: the resource JSON, its creation time (unix seconds) and deletion time."""

    resource: dict[str, Any]
    created: float
    deleted_at: float | None


class Store:
    """Recording metadata (SQLite) and media files.

    Parameters
    ----------
    db : str or Path
        SQLite file, or ``":memory:"``.
    media_dir : str or Path
        Folder of the media files (created if missing).
    """

    def __init__(self, db: str | Path = ":memory:", media_dir: str | Path = "recsim-media") -> None:
        self.media_dir = Path(media_dir)
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(db), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    # ------------------------------------------------------------------ rows
    def save(self, resource: dict[str, Any], created: float) -> None:
        """Insert or replace a recording's metadata."""
        with self._lock:
            self._db.execute(
                "INSERT INTO recordings (sid, account_sid, call_sid, conference_sid, created, status, resource) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sid) DO UPDATE SET status=excluded.status, "
                "resource=excluded.resource",
                (resource["sid"], resource["account_sid"], resource["call_sid"], resource["conference_sid"],
                 created, resource["status"], json.dumps(resource)),
            )

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

    def query(
        self,
        account_sid: str,
        *,
        now: float,
        call_sid: str | None = None,
        conference_sid: str | None = None,
        created_from: float | None = None,
        created_to: float | None = None,
        include_deleted: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
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

    def mark_deleted(self, account_sid: str, sid: str, resource: dict[str, Any], now: float) -> None:
        """Status deleted, metadata kept, media removed at once."""
        with self._lock:
            self._db.execute("UPDATE recordings SET status='deleted', deleted_at=?, resource=? "
                             "WHERE sid=? AND account_sid=?", (now, json.dumps(resource), sid, account_sid))
        for name in (f"{sid}.wav", f"{sid}.dual.wav"):
            (self.media_dir / name).unlink(missing_ok=True)

    # ----------------------------------------------------------------- media
    def _write(self, name: str, data: bytes) -> None:
        tmp = self.media_dir / (name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, self.media_dir / name)

    def save_media(self, sid: str, samples: np.ndarray, dual: np.ndarray | None) -> None:
        """Write the stored format and, if any, the dual original."""
        self._write(f"{sid}.wav", encode_wav(np.ascontiguousarray(samples)))
        if dual is not None:
            self._write(f"{sid}.dual.wav", encode_wav(np.ascontiguousarray(dual)))

    def load_media(self, sid: str) -> tuple[np.ndarray, np.ndarray | None] | None:
        """``(samples, dual original or None)``, or None when there is no media."""
        path = self.media_dir / f"{sid}.wav"
        if not path.is_file():
            return None
        dual_path = self.media_dir / f"{sid}.dual.wav"
        dual = decode_wav(dual_path.read_bytes()) if dual_path.is_file() else None
        return decode_wav(path.read_bytes()), dual

    # ------------------------------------------------------- configurations
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
