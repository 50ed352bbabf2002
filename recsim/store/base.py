"""The store's database: connection, transactions, identity and the clock.

:class:`StoreBase` opens the SQLite database (WAL mode, the schema of
:mod:`recsim.store.schema`) and the media folder; it issues SID generators
(:meth:`StoreBase.issue_sids`) and remembers the latest simulated time
(:meth:`StoreBase.record_clock`), so no SID is issued twice and a restarted clock never
goes back (DESIGN.md, "Identity and outputs").
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recsim.errors import OutputError
from recsim.outputs import PART_SUFFIX
from recsim.sids import IssuedSidFactory
from recsim.store.schema import SCHEMA, StoreConflictError

__all__ = ["StoreBase"]


def _remove_dead_parts(folder: Path) -> None:
    """Remove the ``NAME.PID.part`` files (:func:`recsim.outputs.atomic_write`) that a
    killed process left in ``folder``: those whose PID is no live process (a live one
    may be another emulator on the same media folder, writing)."""
    for part in folder.glob(f"*{PART_SUFFIX}"):
        pid = part.name[: -len(PART_SUFFIX)].rpartition(".")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except OSError:  # alive, owned by another user
            continue


class StoreBase:
    """The database and media folder of a :class:`recsim.store.Store`.

    Parameters
    ----------
    db : str or Path
        SQLite file, or ``":memory:"``.
    media_dir : str or Path
        Folder of the media files (created if missing; ``*.part`` files that a killed
        emulator left there are removed).
    store_id : str, optional
        The id of a new database (default: 32 random hex); the SIDs derive from it, so a
        fixed one makes them repeatable run to run (the mock's ``seed``).

    Raises
    ------
    StoreConflictError
        ``store_id`` differs from the id of an existing database.
    OutputError
        ``db`` cannot be opened or created as a SQLite database (a folder, another kind
        of file, a read-only place), or ``media_dir`` cannot be created.
    """

    def __init__(self, db: str | Path = ":memory:", media_dir: str | Path = "recsim-media", *,
                 store_id: str | None = None) -> None:
        self.media_dir = Path(media_dir)
        try:
            self.media_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--media-dir {media_dir}: cannot create the folder ({exc.strerror or exc}); give a "
                              "writable folder") from None
        _remove_dead_parts(self.media_dir)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(db), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
            with self._tx():
                self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)",
                                 (store_id or secrets.token_hex(16),))
                self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('sid_counter', 0)")
                row = self._db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()
        except sqlite3.Error as exc:
            raise OutputError(f"--db {db}: cannot open it as recsim's SQLite database ({exc}); give the path of a "
                              "database recsim serve made, or of a new file in a writable folder") from None
        #: Id of this store, created once with its database (the SIDs derive from it).
        self.store_id: str = str(row[0])
        if store_id is not None and store_id != self.store_id:
            self._db.close()
            raise StoreConflictError(f"store_id: {store_id!r} was given but the database {db} has the store id "
                                     f"{self.store_id!r}; give none (or the same) for an existing database")

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
        and every recording's creation and deletion time and transcription's creation time; None for an empty store."""
        with self._lock:
            clock = self._db.execute("SELECT CAST(value AS REAL) FROM meta WHERE key='clock'").fetchone()
            rows = self._db.execute("SELECT max(created), max(deleted_at) FROM recordings").fetchone()
            tr = self._db.execute("SELECT max(created) FROM transcriptions").fetchone()
        times = [t for t in (clock[0] if clock else None, *rows, *tr) if t is not None]
        return max(times) if times else None

