"""Recordings actions of the emulator (moto's "models", spec 002): create, update
(pause, resume, stop), fetch, list, delete, media (the Transcriptions of a recording are
in :mod:`recsim.api.transcriptions`). No HTTP here: typed arguments in, resource dicts
out, Twilio's errors raised.

Rows and media come from the store (:class:`recsim.store.Store`): a recording is saved
as it changes and its media when it completes, so everything survives a restart.
"""

from __future__ import annotations

from typing import Any

from recsim.api.calls import CallActions
from recsim.api.media import MEDIA_TYPES, stored_media
from recsim.api.params import MediaRequest, Owner, Page, PageRequest, Parent, RecordingFilter
from recsim.errors import InvalidRequestError, NotFoundError
from recsim.scenario import RestCreate, RestUpdate
from recsim.sim.callbacks import API_VERSION
from recsim.values import Status, UpdateStatus

__all__ = ["Page", "RecordingActions"]


class RecordingActions(CallActions):
    """The Recordings actions of :class:`recsim.api.Backend`."""

    def create_recording(self, account_sid: str, call_sid: str, args: RestCreate) -> dict[str, Any]:
        """POST /Calls/{CallSid}/Recordings.json (002 create): start recording a live call.

        Returns
        -------
        dict
            The Recording resource, status ``in-progress``.

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 unknown call; 21220 call not in progress; 20001 an unknown
            RecordingConfigurationId.
        """
        with self.lock:
            call = self._call(account_sid, call_sid)
            rec = self.sim(account_sid).rest_create(call, args)
            return dict(self._resource(account_sid, rec), status=str(Status.IN_PROGRESS))

    def update_recording(self, account_sid: str, parent: Parent, args: RestUpdate) -> dict[str, Any]:
        """POST /Calls/{CallSid}/Recordings/{Sid}.json or /Conferences/{ConferenceSid}/...
        (002 update): pause, resume or stop ``args.recording`` (a RecordingSid or
        ``Twilio.CURRENT``).

        Returns
        -------
        dict
            The Recording resource; status ``stopped`` after a stop (then processing).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404, 16108 (Twilio.CURRENT of several), 16114 (no longer active), 21220
            (a ``<Record>`` recording, or a stop of a conference recording), 20001.
        """
        with self.lock:
            sim = self.sim(account_sid)
            if parent.owner is Owner.CONFERENCES:
                conf = next((c for c in sim.conferences.values() if c.sid == parent.sid), None)
                if conf is None:
                    raise NotFoundError(f"Conference {parent.sid} was not found")
                rec = sim.conference_update(args.model_copy(update={"conference": conf.name}))
            else:
                rec = sim.rest_update(self._call(account_sid, parent.sid), args)
            stopped = args.Status == UpdateStatus.STOPPED
            return dict(self._resource(account_sid, rec), status=str(Status.STOPPED) if stopped else rec.status)

    def fetch_recording(self, account_sid: str, sid: str, *, include_deleted: bool = True,
                        parent: Parent | None = None) -> dict[str, Any]:
        """GET /Recordings/{Sid}.json, or under its parent (002).

        Parameters
        ----------
        account_sid, sid : str
            The account and the RE sid.
        include_deleted : bool
            Also a deleted recording (within the 40 days its metadata is kept).
        parent : Parent, optional
            The call or conference of a nested path: the recording must be its.

        Raises
        ------
        NotFoundError
            20404: unknown, another account's, deleted (unless ``include_deleted``), or
            not a recording of ``parent``.
        """
        row = self.store.get(account_sid, sid, now=self.now(account_sid), include_deleted=include_deleted)
        if row is None or (parent is not None and not parent.holds(row.resource)):
            owner_path = parent.path if parent is not None else ""
            raise NotFoundError(f"The requested resource /{API_VERSION}/Accounts/{account_sid}/{owner_path}"
                                f"Recordings/{sid}.json was not found")
        return row.resource

    def list_recordings(self, account_sid: str, page: PageRequest, filters: RecordingFilter) -> Page:
        """A page of the account's recordings, newest first (002 list).

        Raises
        ------
        NotFoundError
            20404 for an unknown account.
        """
        items = self.store.query(account_sid, now=self.now(account_sid), limit=page.page_size + 1,
                                 offset=page.offset, **filters.query())
        return Page(items=items[:page.page_size], page=page.page, page_size=page.page_size,
                    has_next=len(items) > page.page_size)

    def delete_recording(self, account_sid: str, sid: str, *, parent: Parent | None = None) -> None:
        """DELETE /Recordings/{Sid}.json (or under its parent): only completed recordings;
        status deleted, metadata kept 40 days, media gone at once (002).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 (also when not a recording of ``parent``); 20009 when not completed.
        """
        with self.lock:
            resource = self.fetch_recording(account_sid, sid, include_deleted=False, parent=parent)
            if resource["status"] != Status.COMPLETED:
                raise InvalidRequestError(20009, f"Recording {sid} is {resource['status']}; only completed "
                                                 "recordings can be deleted")
            self.store.mark_deleted(account_sid, sid, dict(resource, status=str(Status.DELETED)),
                                    self.now(account_sid))

    def media(self, account_sid: str, sid: str, request: MediaRequest, *,
              parent: Parent | None = None) -> tuple[bytes, str]:
        """The media file of a completed recording and its media type (002 media; stored
        WAV bytes as stored, see :func:`recsim.api.media.stored_media`).

        Raises
        ------
        NotFoundError
            20404 (not completed, deleted, unknown, or not a recording of ``parent``);
            16113 (two channels of a one-channel recording).
        """
        resource = self.fetch_recording(account_sid, sid, include_deleted=False, parent=parent)
        stored = self.store.media_file(sid) if resource["status"] == Status.COMPLETED else None
        if stored is None:
            raise NotFoundError(f"The media of Recording {sid} is not available (status {resource['status']})")
        data = stored_media(stored, lambda: self.store.media_file(sid, dual=True), sid=sid, request=request)
        return data, MEDIA_TYPES[request.fmt]
