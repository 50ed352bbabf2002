"""Conferences: participants joining and leaving, the mix, and the conference recording.

Media (DESIGN "media model", extended): the conference mix is every connected
participant's inbound summed and saturated once; what a participant hears (its
outbound) is the sum of the others (the mix without its own voice). Both are
:class:`~recsim.sim.media.Stream` links, so nothing is mixed until a recording renders.

A conference starts when a participant with startConferenceOnEnter=true joins (those who
joined before wait, unconnected) and ends when a participant with
endConferenceOnExit=true leaves, or when the last one leaves. ``<Conference
record="record-from-start">`` of the participant who starts it records from that moment
to the end (source Conference), mono - the mix - unless the account stores conference
recordings in dual channel: then channel 1 is the participant who started the
conference, channel 2 everyone else (recsim's decision, docs/semantics.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from recsim.sim.leg import Leg
from recsim.sim.media import Stream, to_sample

if TYPE_CHECKING:
    from recsim.sids import SidFactory
    from recsim.sim.recording import Recording
    from recsim.twiml import ConferenceNoun

__all__ = ["OPEN", "Conference", "Participant"]

OPEN = 1 << 62  # the stop sample of a link whose end is not known yet


@dataclass
class Participant:
    """A call leg in a conference, with the ``<Conference>`` noun it joined with."""

    leg: Leg
    noun: ConferenceNoun
    joined_at: float
    connected: bool = False


@dataclass
class Conference:
    """One conference (one ConferenceSid): participants, streams, recordings (state).

    Attributes
    ----------
    name : str
        The room name of ``<Conference>``.
    sid : str
        ConferenceSid (CF + 32 hex).
    mix : Stream
        Every connected participant's inbound.
    others : Stream
        Every connected participant but the one who started the conference.
    """

    name: str
    sid: str
    sids: SidFactory
    ended_event: Any
    participants: list[Participant] = field(default_factory=list)
    started_at: float | None = None
    ended_at: float | None = None
    starter: Participant | None = None
    mix: Stream = field(default_factory=Stream)
    others: Stream = field(default_factory=Stream)
    starter_voice: Stream = field(default_factory=Stream)
    recordings: list[Recording] = field(default_factory=list)
    _links: dict[str, list[list]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Started and not ended."""
        return self.started_at is not None and self.ended_at is None

    def _keep(self, leg: Leg, entry: list) -> None:
        self._links.setdefault(leg.sid, []).append(entry)

    def connect(self, p: Participant, t: float) -> None:
        """Bridge ``p`` into the mix and with every connected participant from ``t``."""
        s = to_sample(t)
        leg = p.leg
        self._keep(leg, self.mix.link(s, OPEN, leg.inbound))
        if p is self.starter:
            self._keep(leg, self.starter_voice.link(s, OPEN, leg.inbound))
        else:
            self._keep(leg, self.others.link(s, OPEN, leg.inbound))
        for q in self.participants:
            if q.connected and q is not p:
                self._keep(leg, leg.outbound.link(s, OPEN, q.leg.inbound))
                self._keep(leg, q.leg.outbound.link(s, OPEN, leg.inbound))
        p.connected = True

    def disconnect(self, p: Participant, t: float) -> None:
        """End every link of ``p`` at ``t`` (links are never reopened)."""
        s = to_sample(t)
        for entry in self._links.pop(p.leg.sid, []):
            entry[1] = min(entry[1], s)
        p.connected = False

    def recording_leg(self, dual: bool) -> Leg:
        """The leg a conference recording renders: inbound = the mix (mono), or the
        starter on channel 1 and the others on channel 2 (dual)."""
        assert self.starter is not None
        st = self.starter.leg
        leg = Leg(sid=st.sid, from_=st.from_, to=st.to, direction=st.direction)
        if dual:
            leg.inbound, leg.outbound = self.starter_voice, self.others
        else:
            leg.inbound = self.mix
        return leg
