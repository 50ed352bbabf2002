"""recsim.sim: the SimPy model (calls, legs, TwiML interpreter, recordings, callbacks)."""

from recsim.sim.callbacks import Event, EventSink, MemorySink
from recsim.sim.checks import check_scenario
from recsim.sim.lifecycle import TRANSITIONS, transition
from recsim.sim.recording import Recording, RecordingOptions
from recsim.sim.simulation import Simulation

__all__ = [
    "TRANSITIONS",
    "Event",
    "EventSink",
    "MemorySink",
    "Recording",
    "RecordingOptions",
    "Simulation",
    "check_scenario",
    "transition",
]
