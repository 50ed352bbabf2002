"""Callbacks and warnings: what a real platform would send, as events.

An :class:`Event` is one request the platform makes (TwiML fetch, ``<Record>`` action,
recording status callback) or one debugger warning, or the answer to a timed REST
request of the scenario. Events go to a sink (:class:`MemorySink` in tests; the
emulator's sink sends HTTP with signatures).

Parameter lists follow the spec of each source, in the spec's order:

- ``<Record>`` status callback (001): AccountSid, CallSid, RecordingSid, RecordingUrl,
  RecordingStatus, RecordingDuration, RecordingChannels, RecordingSource.
- every other source (000 ``<Start><Recording>``, 002 REST create, Dial, OutboundAPI):
  AccountSid, CallSid, RecordingSid, RecordingUrl, RecordingStatus, RecordingDuration,
  RecordingChannels, RecordingStartTime, RecordingSource, RecordingTrack.

``RecordingDuration`` is sent only with ``completed`` (000 and 002 say so; 001 is silent
and recsim applies the same rule, docs/semantics.md).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

__all__ = [
    "API_VERSION",
    "Event",
    "EventSink",
    "MemorySink",
    "rfc2822",
]

API_VERSION = "2010-04-01"


def rfc2822(epoch: dt.datetime, t: float) -> str:
    """RFC 2822 date in GMT of simulated time ``t`` s, e.g. ``Wed, 01 Sep 2010 15:15:41 +0000``."""
    return _rfc2822((epoch + dt.timedelta(seconds=t)).astimezone(dt.UTC).replace(microsecond=0))


@lru_cache(maxsize=4096)
def _rfc2822(when: dt.datetime) -> str:
    """RFC 2822 of a whole second in UTC (calls and callbacks share seconds: each
    formatted once)."""
    return email.utils.format_datetime(when)


@dataclass
class Event:
    """One callback, request or warning.

    Attributes
    ----------
    time : float
        Simulated seconds since the epoch of the scenario.
    kind : str
        ``twiml-request`` (voice URL, action, redirect), ``recording-status-callback``,
        ``transcribe-callback``, ``debugger-warning``, ``api-response``.
    url, method : str or None
        Where and how the platform sends it (None for warnings and API responses).
    parameters : dict of str to str
        Wire names and string values, in the spec's order.
    call_sid, recording_sid : str or None
        What it concerns.
    extra : dict
        recsim detail (reason of a TwiML request, warning code, HTTP status).
    """

    time: float
    kind: str
    url: str | None
    method: str | None
    parameters: dict[str, str]
    call_sid: str | None = None
    recording_sid: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The events.jsonl form."""
        d: dict[str, Any] = {
            "time": round(self.time, 6),
            "kind": self.kind,
            "url": self.url,
            "method": self.method,
            "parameters": self.parameters,
        }
        if self.call_sid:
            d["call_sid"] = self.call_sid
        if self.recording_sid:
            d["recording_sid"] = self.recording_sid
        d.update(self.extra)
        return d


class EventSink(Protocol):
    """Receives events in simulated-time order."""

    def emit(self, event: Event) -> None:
        """Take one event."""


class MemorySink:
    """Keeps every event in a list (``.events``)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        """Append ``event``."""
        self.events.append(event)
