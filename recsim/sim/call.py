"""Calls and legs: who is connected, since when, and their media streams (state only).

A :class:`Call` is what a scenario's ``calls`` entry starts: a parent :class:`Leg`
(CallSid of the call) and, during a ``<Dial>``, a child leg (direction outbound-dial).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from recsim.sim.leg import Leg

if TYPE_CHECKING:
    import simpy

    from recsim.scenario import CallSpec
    from recsim.sids import SidFactory
    from recsim.sim.recording import Recording

__all__ = ["Call", "Leg"]


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
