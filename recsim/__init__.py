"""recsim: offline, faster-than-real-time simulation of cloud telephony call recording.

The main job in a few lines::

    from recsim import load_scenario, run
    result = run(load_scenario("examples/default.yaml"), out_dir="out")
    for r in result.recordings:
        print(r.sid, r.source, r.status, r.duration, r.channels)

Sub-packages: :mod:`recsim.audio` (the numpy core), :mod:`recsim.twiml`,
:mod:`recsim.sim`; errors in :mod:`recsim.errors`.
"""

from recsim._version import __version__ as __version__
from recsim.errors import (
    ApiError,
    AudioFileError,
    InvalidAudioError,
    InvalidRequestError,
    NotFoundError,
    RecsimError,
    ScenarioError,
    SimulationError,
    TwimlError,
)
from recsim.runner import RecordingResult, RunResult, run
from recsim.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = [
    "ApiError",
    "AudioFileError",
    "InvalidAudioError",
    "InvalidRequestError",
    "NotFoundError",
    "RecordingResult",
    "RecsimError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "TwimlError",
    "load_scenario",
    "run",
    "scenario_from_dict",
]
