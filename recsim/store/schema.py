"""The SQLite schema of the emulator's store and its row types.

Tables: ``recordings`` (one row per RecordingSid: the resource JSON, creation and
deletion time), ``transcriptions`` (one row per TranscriptionSid: the resource JSON),
``configurations`` (004 Recording Configurations), ``meta`` (store id, SID counter,
latest simulated time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recsim.errors import OutputError

__all__ = ["FINAL_STATUSES", "RETENTION_S", "SCHEMA", "StoreConflictError", "StoredRecording"]

#: Statuses after which a recording's row changes only by a delete (:meth:`Store.mark_deleted`).
FINAL_STATUSES = ("completed", "absent", "deleted")

#: Seconds a deleted recording's metadata stays visible (002: 40 days).
RETENTION_S = 40 * 86400

#: The tables and indexes, created on start when missing.
SCHEMA = """
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
CREATE TABLE IF NOT EXISTS transcriptions (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    recording_sid TEXT NOT NULL,
    created REAL NOT NULL,
    resource TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transcriptions_by_account ON transcriptions (account_sid, created, sid);
CREATE INDEX IF NOT EXISTS transcriptions_by_recording ON transcriptions (account_sid, recording_sid, created);
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
