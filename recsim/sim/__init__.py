"""recsim.sim: the SimPy kernel (calls, legs, clock, events, documents), its services
(recordings, conferences, REST controls, transcription) and the TwiML interpreter."""

from recsim.sim.callbacks import Event, EventSink, MemorySink
from recsim.sim.checks import check_scenario
from recsim.sim.kernel import Kernel
from recsim.sim.lifecycle import TRANSITIONS, transition
from recsim.sim.options import RecordingOptions
from recsim.sim.recording import Recording
from recsim.sim.simulation import Simulation

__all__ = [
    "TRANSITIONS",
    "Event",
    "EventSink",
    "Kernel",
    "MemorySink",
    "Recording",
    "RecordingOptions",
    "Simulation",
    "check_scenario",
    "transition",
]
