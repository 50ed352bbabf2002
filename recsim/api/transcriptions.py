"""Transcriptions and Recording AddOnResults actions of the emulator (moto's "models").

Source: ``twilio_api_v2010_recording_excerpt.json`` (ListTranscription,
FetchTranscription, DeleteTranscription, ListRecordingTranscription,
FetchRecordingTranscription, DeleteRecordingTranscription, ListRecordingAddOnResult,
FetchRecordingAddOnResult, DeleteRecordingAddOnResult); 001 (``transcribe``).

The simulation transcribes ``<Record transcribe="true">`` recordings
(:mod:`recsim.sim.transcribe`, whatever engine it uses); every transcription it creates
or finishes is saved in the store (:meth:`recsim.api.state.BackendState.sync_transcriptions`,
called after the clock moves and before each answer), so transcriptions survive a
restart and a reset and are served from the store. recsim runs no Add-ons: a recording's
AddOnResults list is empty and every AddOnResult SID is Not Found.
"""

from __future__ import annotations

from typing import Any

from recsim.api.params import Page, PageRequest
from recsim.api.recordings import RecordingActions
from recsim.errors import NotFoundError
from recsim.sim.callbacks import API_VERSION

__all__ = ["TranscriptionActions"]


class TranscriptionActions(RecordingActions):
    """The Transcriptions and AddOnResults actions of :class:`recsim.api.Backend`."""

    def list_transcriptions(self, account_sid: str, page: PageRequest, *,
                            recording_sid: str | None = None) -> Page:
        """A page of the account's transcriptions (or a recording's), newest first.

        Raises
        ------
        NotFoundError
            20404 for an unknown account or recording.
        """
        self.sync_transcriptions()
        if recording_sid is not None:
            self.fetch_recording(account_sid, recording_sid)
        else:
            self.sim(account_sid)
        items = self.store.transcriptions(account_sid, recording_sid=recording_sid, limit=page.page_size + 1,
                                          offset=page.offset)
        return Page(items=items[:page.page_size], page=page.page, page_size=page.page_size,
                    has_next=len(items) > page.page_size)

    def fetch_transcription(self, account_sid: str, sid: str, *, recording_sid: str | None = None) -> dict[str, Any]:
        """One Transcription (of the account, or of recording ``recording_sid``).

        Raises
        ------
        NotFoundError
            20404: unknown, deleted, another account's, or not of ``recording_sid``.
        """
        self.sync_transcriptions()
        self.sim(account_sid)
        resource = self.store.transcription(account_sid, sid)
        if resource is None or (recording_sid is not None and resource["recording_sid"] != recording_sid):
            owner = f"Recordings/{recording_sid}/" if recording_sid is not None else ""
            raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/{owner}"
                                f"Transcriptions/{sid}.json was not found")
        return resource

    def delete_transcription(self, account_sid: str, sid: str, *, recording_sid: str | None = None) -> None:
        """Delete a Transcription (its row is removed).

        Raises
        ------
        NotFoundError
            20404 as :meth:`fetch_transcription`.
        """
        with self.lock:
            self.fetch_transcription(account_sid, sid, recording_sid=recording_sid)
            self._deleted_transcriptions.add(sid)
            self.store.delete_transcription(account_sid, sid)

    def list_add_on_results(self, account_sid: str, recording_sid: str, page: PageRequest) -> Page:
        """A recording's AddOnResults: always an empty page (recsim runs no Add-ons).

        Raises
        ------
        NotFoundError
            20404 for an unknown recording.
        """
        self.fetch_recording(account_sid, recording_sid)
        return Page(items=[], page=page.page, page_size=page.page_size, has_next=False)

    def fetch_add_on_result(self, account_sid: str, recording_sid: str, sid: str) -> dict[str, Any]:
        """One AddOnResult: never found (recsim runs no Add-ons).

        Raises
        ------
        NotFoundError
            20404 always (after the recording itself is checked).
        """
        self.fetch_recording(account_sid, recording_sid)
        raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/Recordings/"
                            f"{recording_sid}/AddOnResults/{sid}.json was not found")
