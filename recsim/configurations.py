"""Voice Recording Configurations (spec 004_b022a85edf6453b7.txt), without HTTP.

A configuration is recording settings kept in one place and applied by its id
(``recordingConfigurationId``) instead of programmatic parameters: composition
(``channels`` default **dual**, ``trim`` default **do-not-trim**), the call and conference
recording status callbacks (events in-progress, completed, failed, absent; default
completed) and up to three features (``transcriptionConfiguration``).

:class:`ConfigurationStore` holds them for one account: create, retrieve (by id or
unique_name), update (a PUT: omitted optional fields become null, an omitted required
field is an error), delete. Dates are ISO 8601 in UTC (``2026-04-15T11:00:00Z``), as the
spec's examples show. The REST emulator serves this store; the simulator reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from recsim.errors import InvalidRequestError, NotFoundError
from recsim.values import split_events

__all__ = [
    "CONFIG_ID_PREFIX",
    "CallbackConfig",
    "CompositionPolicy",
    "ConfigurationBody",
    "ConfigurationStore",
    "RecordingConfiguration",
    "config_id_for",
]

CONFIG_ID_PREFIX = "voice_recordingconfiguration_"
ConfigEvent = Literal["in-progress", "completed", "failed", "absent"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CompositionPolicy(_Model):
    """compositionPolicy: channels (mono / dual, default dual), trim (default do-not-trim)."""

    channels: Literal["mono", "dual"] = "dual"
    trim: Literal["trim-silence", "do-not-trim"] = "do-not-trim"


class CallbackConfig(_Model):
    """callRecordingStatusCallback / conferenceRecordingStatusCallback."""

    url: str = Field(min_length=1)
    method: Literal["GET", "POST"] = "POST"
    events: list[ConfigEvent] = Field(default_factory=lambda: ["completed"])  # type: ignore[arg-type]

    _split = field_validator("events", mode="before")(split_events)


class Feature(_Model):
    """One entry of ``features``: type transcriptionConfiguration, featureId, description."""

    type: Literal["transcriptionConfiguration"]
    featureId: str = Field(min_length=1)
    description: str | None = None


class Configuration(_Model):
    """The ``configuration`` object (configurationType must be Recording)."""

    configurationType: Literal["Recording"]
    compositionPolicy: CompositionPolicy = Field(default_factory=CompositionPolicy)
    callRecordingStatusCallback: CallbackConfig | None = None
    conferenceRecordingStatusCallback: CallbackConfig | None = None
    features: list[Feature] | None = Field(default=None, max_length=3)


class ConfigurationBody(_Model):
    """A create or update (PUT) request body."""

    unique_name: str | None = Field(default=None, pattern=r"^\S+$", min_length=1)
    description: str | None = None
    configuration: Configuration


class RecordingConfiguration(_Model):
    """A stored configuration (the resource)."""

    id: str
    account_sid: str
    unique_name: str | None
    description: str | None
    configuration: Configuration
    date_created: dt.datetime
    date_updated: dt.datetime

    def to_json(self) -> dict[str, Any]:
        """The resource as the v2 API returns it (spec 004 examples)."""

        def iso(d: dt.datetime) -> str:
            return d.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "account_sid": self.account_sid,
            "configuration": self.configuration.model_dump(exclude_none=True),
            "description": self.description,
            "unique_name": self.unique_name,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "id": self.id,
        }


def config_id_for(account_sid: str, key: str) -> str:
    """A deterministic configuration id: the prefix and 26 lowercase hex characters."""
    return CONFIG_ID_PREFIX + hashlib.sha256(f"{account_sid}:{key}".encode()).hexdigest()[:26]


def _body(data: Any) -> ConfigurationBody:
    try:
        return ConfigurationBody.model_validate(data)
    except ValidationError as err:
        e = err.errors()[0]
        loc = ".".join(str(p) for p in e["loc"])
        raise InvalidRequestError(
            20001, f"Invalid recording configuration: {loc}: {e['msg']} (got {e.get('input')!r})"
        ) from None


class ConfigurationStore:
    """The recording configurations of one account.

    Parameters
    ----------
    account_sid : str
        Owner (AC sid).
    clock : callable, optional
        Returns the current datetime (UTC) for date_created / date_updated.
    """

    def __init__(self, account_sid: str, clock: Any = None) -> None:
        self.account_sid = account_sid
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._items: dict[str, RecordingConfiguration] = {}
        self._created = 0

    def __len__(self) -> int:
        return len(self._items)

    def list(self) -> list[RecordingConfiguration]:
        """All configurations, in creation order."""
        return list(self._items.values())

    def create(self, data: Any, *, id: str | None = None) -> RecordingConfiguration:
        """Create from a request body (dict or :class:`ConfigurationBody`).

        Raises
        ------
        InvalidRequestError
            20001 for an invalid body (the field, the message and the value);
            a unique_name already in use.
        """
        body = data if isinstance(data, ConfigurationBody) else _body(data)
        if body.unique_name is not None and self._by_name(body.unique_name) is not None:
            raise InvalidRequestError(20001, f"unique_name {body.unique_name!r} is already in use")
        self._created += 1
        cid = id or config_id_for(self.account_sid, body.unique_name or f"#{self._created}")
        if not cid.startswith(CONFIG_ID_PREFIX) or cid in self._items:
            raise InvalidRequestError(20001, f"id {cid!r} is not allowed (taken, or not {CONFIG_ID_PREFIX}...)")
        now = self._clock()
        item = RecordingConfiguration(id=cid, account_sid=self.account_sid, unique_name=body.unique_name,
                                      description=body.description, configuration=body.configuration,
                                      date_created=now, date_updated=now)
        self._items[cid] = item
        return item

    def _by_name(self, name: str) -> RecordingConfiguration | None:
        return next((c for c in self._items.values() if c.unique_name == name), None)

    def retrieve(self, id_or_name: str) -> RecordingConfiguration:
        """By id or unique_name.

        Raises
        ------
        NotFoundError
            20404 when there is none.
        """
        item = self._items.get(id_or_name) or self._by_name(id_or_name)
        if item is None:
            raise NotFoundError(f"Recording configuration {id_or_name!r} was not found")
        return item

    def update(self, id_or_name: str, data: Any) -> RecordingConfiguration:
        """Replace (PUT): omitted unique_name / description become null; an omitted
        configuration is an error (it is required).

        Raises
        ------
        NotFoundError, InvalidRequestError
        """
        old = self.retrieve(id_or_name)
        body = _body(data)
        if body.unique_name is not None:
            other = self._by_name(body.unique_name)
            if other is not None and other.id != old.id:
                raise InvalidRequestError(20001, f"unique_name {body.unique_name!r} is already in use")
        new = old.model_copy(update={"unique_name": body.unique_name, "description": body.description,
                                     "configuration": body.configuration, "date_updated": self._clock()})
        self._items[old.id] = new
        return new

    def delete(self, id_or_name: str) -> None:
        """Delete.

        Raises
        ------
        NotFoundError
            20404 when there is none.
        """
        del self._items[self.retrieve(id_or_name).id]
