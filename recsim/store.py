"""Persistent state of the REST emulator: recording metadata in SQLite, media on disk.

SQLite is the embedded default (a file, or ``:memory:``); the schema is created on
start and the database runs in WAL mode. Media files live in ``media_dir`` as
``{RecordingSid}.wav`` (the stored format) and, for mono call recordings of track both,
``{RecordingSid}.dual.wav`` (call recordings are stored in dual channel, 002). A server
restarted on the same database and folder keeps every recording and its media.

Deleted recordings (002: "The metadata is preserved for a period of 40 days") keep their
row with status deleted and a deletion time; their media files are removed at once.

Identity (DESIGN.md, "Identity and outputs"): the store issues the SIDs of the emulator.
A ``meta`` table holds a random store id (created once with the database), a counter
incremented in the database for every SID generator handed out (:meth:`Store.issue_sids`)
and the latest simulated time reached, so no SID is issued twice across accounts,
restarts and resets, and a restarted clock never goes back. A row is never overwritten by
a resource of another account, nor a finished recording (completed, absent, deleted) by a
different resource: :class:`StoreConflictError`. Media files are written whole
(:func:`recsim.outputs.atomic_write`).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recsim.errors import OutputError
from recsim.outputs import atomic_write, encode
from recsim.sids import IssuedSidFactory

__all__ = ["FINAL_STATUSES", "RETENTION_S", "Store", "StoreConflictError", "StoredRecording"]

#: Statuses after which a recording's row changes only by a delete (:meth:`Store.mark_deleted`).
FINAL_STATUSES = ("completed", "absent", "deleted")

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
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value NOT NULL
);
"""


class StoreConflictError(OutputError):
    """The store refuses a write that would overwrite another owner's row: a recording
    SID stored for another account, or a finished recording replaced by a different
    resource. Raised instead of overwriting; the stored row is unchanged."""


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
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        with self._tx():
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)",
                             (secrets.token_hex(16),))
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('sid_counter', 0)")
            row = self._db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()
        #: Random id of this store, created once with its database (the SIDs derive from it).
        self.store_id: str = str(row[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``: other processes on the same file wait)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -------------------------------------------------------- identity, clock
    def issue_sids(self, account_sid: str) -> IssuedSidFactory:
        """A new SID generator for one call or conference of ``account_sid``.

        Every call takes the next value of the counter kept in the database, so no two
        generators of this store (in this process, after a restart, or in another process
        on the same file) draw the same SIDs.

        Parameters
        ----------
        account_sid : str
            AC sid of the owner; part of every SID's hash input.

        Returns
        -------
        IssuedSidFactory
            SIDs ``prefix`` + 32 hex of SHA-256(store id, account, counter, draw number).
        """
        with self._tx():
            self._db.execute("UPDATE meta SET value = value + 1 WHERE key='sid_counter'")
            serial = int(self._db.execute("SELECT value FROM meta WHERE key='sid_counter'").fetchone()[0])
        return IssuedSidFactory(self.store_id, account_sid, serial)

    def record_clock(self, unix_s: float) -> None:
        """Remember that simulated time reached ``unix_s`` (unix seconds); the stored value
        only grows."""
        with self._lock:
            self._db.execute("INSERT INTO meta (key, value) VALUES ('clock', ?) ON CONFLICT(key) DO UPDATE "
                             "SET value = max(CAST(value AS REAL), excluded.value)", (float(unix_s),))

    def latest_time(self) -> float | None:
        """The latest simulated time the store has seen (unix seconds): the recorded clock,
        and every row's creation and deletion time; None for an empty store."""
        with self._lock:
            clock = self._db.execute("SELECT CAST(value AS REAL) FROM meta WHERE key='clock'").fetchone()
            rows = self._db.execute("SELECT max(created), max(deleted_at) FROM recordings").fetchone()
        times = [t for t in (clock[0] if clock else None, *rows) if t is not None]
        return max(times) if times else None

    # ------------------------------------------------------------------ rows
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

    # ----------------------------------------------------------------- media
    def save_media(self, sid: str, samples: np.ndarray, dual: np.ndarray | None, *,
                   account_sid: str | None = None) -> None:
        """Encode ``samples`` and ``dual`` (int16 at 8000 Hz, ``(n,)`` or ``(n, 2)``;
        ``dual`` ``(n, 2)`` or None) as WAV and write them: :meth:`write_media`, with its
        ``account_sid`` check and its errors (StoreConflictError, OutputError)."""
        self.write_media(sid, encode(samples, "wav"), None if dual is None else encode(dual, "wav"),
                         account_sid=account_sid)

    def write_media(self, sid: str, wav: bytes, dual_wav: bytes | None, *, account_sid: str | None = None) -> None:
        """Write the stored WAV file and, if any, the dual original's, each whole
        (:func:`recsim.outputs.atomic_write`).

        Parameters
        ----------
        sid : str
            RE sid: the files are ``{sid}.wav`` and ``{sid}.dual.wav``.
        wav, dual_wav : bytes
            WAV files (16-bit PCM, 8000 Hz); ``dual_wav`` two channels, or None.
        account_sid : str, optional
            The owner: refuse when the row of ``sid`` is another account's or finished.

        Raises
        ------
        StoreConflictError
            The media would overwrite another owner's or a finished recording's.
        OutputError
            The folder is not writable or the disk is full.
        """
        if account_sid is not None:
            with self._lock:
                row = self._db.execute("SELECT account_sid, status FROM recordings WHERE sid=?", (sid,)).fetchone()
            if row is not None and (row[0] != account_sid or row[1] in FINAL_STATUSES):
                raise StoreConflictError(f"media of recording {sid}: the recording is stored for account {row[0]} "
                                         f"with status {row[1]!r}; refusing to overwrite it for account "
                                         f"{account_sid}")
        atomic_write(self.media_dir / f"{sid}.wav", wav)
        if dual_wav is not None:
            atomic_write(self.media_dir / f"{sid}.dual.wav", dual_wav)

    def media_file(self, sid: str, *, dual: bool = False) -> bytes | None:
        """The stored WAV file of ``sid`` as written (16-bit PCM, 8000 Hz): the stored
        format, or with ``dual`` the dual original of a mono call recording; None when
        there is none (not completed, deleted, or no dual original)."""
        path = self.media_dir / (f"{sid}.dual.wav" if dual else f"{sid}.wav")
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

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
