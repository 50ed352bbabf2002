"""Calls and legs: who is connected, since when, and their media streams (state only).

A :class:`Call` is what a scenario's ``calls`` entry starts: a parent :class:`Leg`
(CallSid of the call) and, during a ``<Dial>``, a child leg (direction outbound-dial).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from recsim.sim.media import Stream
from recsim.values import Source

if TYPE_CHECKING:
    import simpy

    from recsim.scenario import CallSpec
    from recsim.sids import SidFactory
    from recsim.sim.recording import Recording

__all__ = ["Call", "Leg"]


@dataclass
class Leg:
    """One call leg (one CallSid).

    Attributes
    ----------
    sid : str
        CallSid.
    from_, to : str
        Phone numbers or ``client:`` identities.
    direction : str
        inbound, outbound-api or outbound-dial.
    inbound, outbound : Stream
        Audio the platform receives from / sends to this leg's party.
    answered_at, ended_at : float or None
        Simulated seconds.
    no_media : list of (float, float)
        Spans without RTP.
    dtmf : list of (float, str)
        Keys pressed by the party (out-of-band, RFC 2833 style), in time order.
    """

    sid: str
    from_: str
    to: str
    direction: str
    inbound: Stream = field(default_factory=lambda: Stream("inbound"))
    outbound: Stream = field(default_factory=lambda: Stream("outbound"))
    answered_at: float | None = None
    ended_at: float | None = None
    no_media: list[tuple[float, float]] = field(default_factory=list)
    dtmf: list[tuple[float, str]] = field(default_factory=list)
    hangup_event: Any = None  # simpy.Event triggered when this leg's party hangs up

    def status(self) -> str:
        """CallStatus: ringing, in-progress or completed."""
        if self.ended_at is not None:
            return "completed"
        return "in-progress" if self.answered_at is not None else "ringing"


@dataclass
class Call:
    """A call of the scenario: its parent leg, its current child leg, its recordings.

    Attributes
    ----------
    index : int
        Position in the scenario's ``calls``.
    spec : CallSpec
        The scenario entry.
    sids : SidFactory
        This call's SID source (seeded by the call's index only).
    parent : Leg
        The call itself.
    child : Leg or None
        The leg of the current ``<Dial>``.
    recordings : list of Recording
        In creation order.
    document_requests : int
        TwiML documents fetched so far (guards loops: MAX_DOCUMENT_REQUESTS).
    document_history : list of (str, str)
        The URL and reason of each TwiML request, in order (names a loop's documents).
    """

    index: int
    spec: CallSpec
    sids: SidFactory
    parent: Leg
    child: Leg | None = None
    recordings: list[Recording] = field(default_factory=list)
    document_requests: int = 0
    document_history: list[tuple[str, str]] = field(default_factory=list)
    process: simpy.Process | None = None
    legs: list[Leg] = field(default_factory=list)

    def active_recordings(self) -> list[Recording]:
        """Recordings in progress or paused, that REST controls may address."""
        return [r for r in self.recordings if r.active and r.options.source is not Source.RECORD_VERB]
