"""Persistent state of the REST emulator: recording and transcription metadata in
SQLite, media on disk.

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

The package: :mod:`~recsim.store.schema` (tables, row types, errors),
:mod:`~recsim.store.base` (database, identity, clock), :mod:`~recsim.store.rows`
(recordings), :mod:`~recsim.store.media` (media files), :mod:`~recsim.store.documents`
(configurations, transcriptions); :class:`Store` is all of them.
"""

from __future__ import annotations

from recsim.store.documents import DocumentRows
from recsim.store.media import MediaFiles
from recsim.store.rows import RecordingRows
from recsim.store.schema import FINAL_STATUSES, RETENTION_S, StoreConflictError, StoredRecording

__all__ = ["FINAL_STATUSES", "RETENTION_S", "Store", "StoreConflictError", "StoredRecording"]


class Store(RecordingRows, MediaFiles, DocumentRows):
    """Recording and transcription metadata (SQLite) and media files.

    Parameters
    ----------
    db : str or Path
        SQLite file, or ``":memory:"``.
    media_dir : str or Path
        Folder of the media files (created if missing).
    store_id : str, optional
        The id of a new database (default: random); SIDs derive from it.

    Raises
    ------
    StoreConflictError
        ``store_id`` differs from the id of an existing database.
    """
