"""One call leg (one CallSid): who is connected, since when, and its media streams.

A leg's ``inbound`` stream is what the platform receives from the leg's party, its
``outbound`` what it sends to it (:class:`~recsim.sim.media.Stream`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recsim.sim.media import Stream

__all__ = ["Leg"]


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
    codec : str
        PCMU, PCMA or L16 (both streams pass through it).
    line : LegLine or None
        The network impairments of the party's audio (:mod:`recsim.sim.network`).
    lost, concealed : list of (float, float)
        Spans of lost (or late) inbound packets, and those concealed over the party's
        audio, simulated seconds (for timelines).
    """

    sid: str
    from_: str
    to: str
    direction: str
    inbound: Stream = field(default_factory=Stream)
    outbound: Stream = field(default_factory=Stream)
    answered_at: float | None = None
    ended_at: float | None = None
    no_media: list[tuple[float, float]] = field(default_factory=list)
    dtmf: list[tuple[float, str]] = field(default_factory=list)
    codec: str = "L16"
    line: Any = None
    lost: list[tuple[float, float]] = field(default_factory=list)
    concealed: list[tuple[float, float]] = field(default_factory=list)
    hangup_event: Any = None  # simpy.Event triggered when this leg's party hangs up

    def status(self) -> str:
        """CallStatus: ringing, in-progress or completed."""
        if self.ended_at is not None:
            return "completed"
        return "in-progress" if self.answered_at is not None else "ringing"
