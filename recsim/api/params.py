"""Typed arguments of the emulator's actions (moto's request shapes, without HTTP).

Each backend method of :class:`recsim.api.Backend` takes one of these (or a request
model of :mod:`recsim.scenario`: :class:`~recsim.scenario.RestCreate`,
:class:`~recsim.scenario.RestUpdate`, :class:`~recsim.configurations.ConfigurationBody`).
They are built from the wire by :mod:`recsim.server.forms` (or directly, in process) and
check their own values on construction, raising :class:`~recsim.errors.ApiError` with
Twilio's codes, so a backend method never sees an invalid argument.

| argument | spec (files in shared/spec/) |
|---|---|
| :class:`Parent` | 002 nested paths ``/Calls/{CallSid}``, ``/Conferences/{ConferenceSid}`` |
| :class:`CreateCall` | Calls create ``To``, ``From``, ``Url``, ``Twiml``, ``Record`` |
| :class:`PageRequest` | 002 list ``PageSize``, ``Page`` |
| :class:`RecordingFilter` | 002 list ``CallSid``, ``ConferenceSid``, ``DateCreated``, ``IncludeSoftDeleted`` |
| :class:`MediaRequest` | 002 media ``.wav`` / ``.mp3``, ``RequestedChannels`` |
| :class:`UpdateCall` | Calls update ``Status``, ``Url``, ``Method``, ``Twiml`` (excerpt UpdateCall) |
| :class:`CallFilter` | Calls list ``To``, ``From``, ``ParentCallSid``, ``Status``, ``StartTime``, ``EndTime`` |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from recsim.errors import InvalidRequestError, NotFoundError, validation_problems
from recsim.scenario import OutboundRecording

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MEDIA_FORMATS",
    "CallFilter",
    "CreateCall",
    "MediaRequest",
    "Owner",
    "Page",
    "PageRequest",
    "Parent",
    "RecordingFilter",
    "UpdateCall",
    "parse_model",
]

#: 002 list: the largest ``PageSize``.
MAX_PAGE_SIZE = 1000
#: 002 list: ``PageSize`` when none is given.
DEFAULT_PAGE_SIZE = 50
#: The largest ``Page`` number accepted (0-based).
MAX_PAGE = 10**9
#: Media formats a download may ask for (002): the extension of the media URL.
MEDIA_FORMATS = ("wav", "mp3")

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], data: Any, *, what: str = "Invalid parameter ") -> M:
    """Validate ``data`` as ``model``; the first problem becomes a 20001.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The request model (wire names).
    data : Any
        The parameters as received.
    what : str
        The start of the error message.

    Raises
    ------
    InvalidRequestError
        20001 naming the field, the problem and the value
        (:func:`recsim.errors.validation_problems`).
    """
    try:
        return model.model_validate(data)
    except ValidationError as err:
        line = validation_problems(err, drop=("create", "update"), limit=1)[0]
        raise InvalidRequestError(20001, what + line) from None


class Owner(StrEnum):
    """The parent resource of a nested recording path (002)."""

    CALLS = "Calls"
    CONFERENCES = "Conferences"


@dataclass(frozen=True)
class Parent:
    """``/{owner}/{sid}`` of a nested recording path: a call (``CA...``) or a conference
    (``CF...``) the recording must belong to."""

    owner: Owner
    sid: str

    @classmethod
    def parse(cls, owner: str, sid: str, path: str) -> Parent:
        """The parent named by a path segment.

        Raises
        ------
        NotFoundError
            20404 (naming ``path``) when ``owner`` is not ``Calls`` or ``Conferences``.
        """
        if owner not in Owner.__members__.values():
            raise NotFoundError(f"The requested resource {path} was not found")
        return cls(Owner(owner), sid)

    def holds(self, resource: Mapping[str, Any]) -> bool:
        """Whether a Recording resource (002) is this call's (``call_sid``) or this
        conference's (``conference_sid``)."""
        key = "call_sid" if self.owner is Owner.CALLS else "conference_sid"
        return bool(resource.get(key)) and resource.get(key) == self.sid

    @property
    def path(self) -> str:
        """``Calls/CA.../`` or ``Conferences/CF.../``."""
        return f"{self.owner}/{self.sid}/"


@dataclass(frozen=True)
class CreateCall:
    """POST /Calls.json: an outbound-api call to ``to`` from ``from_`` running the TwiML
    at ``url`` or the inline ``twiml``, recorded with ``record`` (``Record=true`` and the
    recording parameters) when given.

    Raises
    ------
    InvalidRequestError
        21201 no ``to``; 21213 no ``from_``; 21205 neither ``twiml`` nor an http(s)
        ``url``.
    """

    to: str
    from_: str
    url: str | None = None
    twiml: str | None = None
    record: OutboundRecording | None = None

    def __post_init__(self) -> None:
        if not self.to:
            raise InvalidRequestError(21201, "No 'To' number is specified")
        if not self.from_:
            raise InvalidRequestError(21213, "No 'From' number is specified")
        if not self.twiml and (not self.url or not self.url.startswith(("http://", "https://"))):
            raise InvalidRequestError(21205, f"Url is not a valid URL: {self.url!r}")


@dataclass
class Page:
    """One page of a list: the items and the page numbers (0-based)."""

    items: list[dict[str, Any]]
    page: int
    page_size: int
    has_next: bool


@dataclass(frozen=True)
class PageRequest:
    """A page of a list: ``page`` (0-based, 0 to :data:`MAX_PAGE`) of ``page_size``
    items (1 to :data:`MAX_PAGE_SIZE`).

    Raises
    ------
    InvalidRequestError
        20007 for a page size out of range; 20001 for a page number out of range.
    """

    page: int = 0
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidRequestError(20007, f"PageSize {self.page_size} is not allowed; allowed: 1 to "
                                             f"{MAX_PAGE_SIZE}")
        if not 0 <= self.page <= MAX_PAGE:
            raise InvalidRequestError(20001, f"Page {self.page} is not allowed; expected 0 to {MAX_PAGE}")

    @property
    def offset(self) -> int:
        """The index of the page's first item."""
        return self.page * self.page_size


@dataclass(frozen=True)
class RecordingFilter:
    """Filters of the recordings list (002): the call or conference, creation time from
    ``created_from`` (inclusive) to ``created_to`` (exclusive), unix seconds; deleted
    recordings (kept 40 days) only with ``include_deleted``."""

    call_sid: str | None = None
    conference_sid: str | None = None
    created_from: float | None = None
    created_to: float | None = None
    include_deleted: bool = False

    def query(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`recsim.store.Store.query`."""
        return {"call_sid": self.call_sid, "conference_sid": self.conference_sid, "created_from": self.created_from,
                "created_to": self.created_to, "include_deleted": self.include_deleted}


@dataclass(frozen=True)
class MediaRequest:
    """A media download (002): ``fmt`` ``wav`` (16-bit PCM, 8000 Hz) or ``mp3`` (32 kbps),
    ``channels`` the ``RequestedChannels`` parameter (1, 2, or None for the format set at
    creation).

    Raises
    ------
    InvalidRequestError
        20001 for a format or a channel count not allowed.
    """

    fmt: str = "wav"
    channels: int | None = None

    def __post_init__(self) -> None:
        if self.fmt not in MEDIA_FORMATS:
            raise InvalidRequestError(20001, f"format {self.fmt!r} is not allowed; allowed: wav, mp3")
        if self.channels not in (None, 1, 2):
            raise InvalidRequestError(20001, f"RequestedChannels={self.channels!r} is not allowed; allowed: 1, 2")


@dataclass(frozen=True)
class UpdateCall:
    """POST /Calls/{Sid}.json (excerpt UpdateCall): ``status`` completed (hang up; a call
    not answered yet is canceled) or canceled (a queued or ringing call only), or a
    redirect of the live call to the TwiML at ``url`` (requested with ``method``) or the
    inline ``twiml``.

    Raises
    ------
    InvalidRequestError
        20001 for a Status that is not completed or canceled, a Method not GET or POST,
        or both Url and Twiml; 21205 for a Url that is not an absolute http(s) URL.
    """

    status: str | None = None
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in ("completed", "canceled"):
            raise InvalidRequestError(20001, f"Status {self.status!r} is not allowed; allowed: completed, canceled")
        if self.method not in ("GET", "POST"):
            raise InvalidRequestError(20001, f"Method {self.method!r} is not allowed; allowed: GET, POST")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise InvalidRequestError(21205, f"Url is not a valid URL: {self.url!r}")
        if self.url is not None and self.twiml is not None:
            raise InvalidRequestError(20001, "Url and Twiml are not allowed together; give one of them")


@dataclass(frozen=True)
class CallFilter:
    """Filters of the Calls list: exact ``to``, ``from_``, ``parent_call_sid`` and
    ``status``; start and end time from (inclusive) / to (exclusive), unix seconds."""

    to: str | None = None
    from_: str | None = None
    parent_call_sid: str | None = None
    status: str | None = None
    start_from: float | None = None
    start_to: float | None = None
    end_from: float | None = None
    end_to: float | None = None

    def matches(self, call: Mapping[str, Any], start: float | None, end: float | None) -> bool:
        """Whether a Call resource (with its start and end, unix seconds or None) passes."""
        exact = (("to", self.to), ("from", self.from_), ("parent_call_sid", self.parent_call_sid),
                 ("status", self.status))
        if any(want is not None and call.get(key) != want for key, want in exact):
            return False
        return _within(start, self.start_from, self.start_to) and _within(end, self.end_from, self.end_to)


def _within(t: float | None, lo: float | None, hi: float | None) -> bool:
    if lo is None and hi is None:
        return True
    return t is not None and (lo is None or t >= lo) and (hi is None or t < hi)
