"""What the TwiML interpreter and the call process work with: the kernel and its
services, and the conventions of a verb step.

A verb is a generator that yields SimPy events and returns what comes next: ``None``
(the next verb), a :class:`~recsim.twiml.Document` (continue there) or :data:`HANGUP`
(the call is over).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from recsim.sim.conferences import Conferences
from recsim.sim.kernel import Kernel
from recsim.sim.recorder import Recorder

__all__ = ["HANGUP", "Context", "Step"]

#: What a verb returns when the call is over.
HANGUP = "hangup"
#: A verb step: yields SimPy events, returns None, a Document or HANGUP.
Step = Generator[Any, Any, Any]


@dataclass(frozen=True)
class Context:
    """The kernel and the services a call's TwiML acts on.

    Attributes
    ----------
    kernel : Kernel
        Clock, calls, documents, events.
    recorder : Recorder
        Starts and stops recordings.
    conferences : Conferences
        ``<Dial><Conference>``.
    """

    kernel: Kernel
    recorder: Recorder
    conferences: Conferences
