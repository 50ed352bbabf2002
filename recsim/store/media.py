"""Media files of the store: ``{RecordingSid}.wav`` (the stored format) and, for mono
call recordings of track both, ``{RecordingSid}.dual.wav`` (call recordings are stored
in dual channel, 002), each written whole (:func:`recsim.outputs.atomic_write`).
"""

from __future__ import annotations

import numpy as np

from recsim.outputs import Parts, atomic_write, encode
from recsim.store.base import StoreBase
from recsim.store.schema import FINAL_STATUSES, StoreConflictError

__all__ = ["MediaFiles"]


class MediaFiles(StoreBase):
    """The media files of :class:`recsim.store.Store`."""

    def save_media(self, sid: str, samples: np.ndarray, dual: np.ndarray | None, *,
                   account_sid: str | None = None) -> None:
        """Encode ``samples`` and ``dual`` (int16 at 8000 Hz, ``(n,)`` or ``(n, 2)``;
        ``dual`` ``(n, 2)`` or None) as WAV and write them: :meth:`write_media`, with its
        ``account_sid`` check and its errors (StoreConflictError, OutputError)."""
        self.write_media(sid, encode(samples, "wav"), None if dual is None else encode(dual, "wav"),
                         account_sid=account_sid)

    def write_media(self, sid: str, wav: bytes | Parts, dual_wav: bytes | None, *,
                    account_sid: str | None = None) -> None:
        """Write the stored WAV file and, if any, the dual original's, each whole
        (:func:`recsim.outputs.atomic_write`).

        Parameters
        ----------
        sid : str
            RE sid: the files are ``{sid}.wav`` and ``{sid}.dual.wav``.
        wav : bytes or Parts
            The WAV file (16-bit PCM, 8000 Hz; bytes, or parts written one after the
            other).
        dual_wav : bytes or None
            The dual original's WAV file (two channels), or None.
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

