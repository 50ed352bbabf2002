"""recsim: offline, faster-than-real-time simulation of cloud telephony call recording.

The main job in a few lines::

    from recsim import load_scenario, run
    result = run(load_scenario("examples/default.yaml"), out_dir="out")
    for r in result.recordings:
        print(r.sid, r.source, r.status, r.duration, r.channels)

Sub-packages: :mod:`recsim.audio` (the numpy core), :mod:`recsim.twiml`,
:mod:`recsim.sim`; errors in :mod:`recsim.errors`. ``recsim.mock_twilio`` (a Twilio
platform in-process for a test suite, :mod:`recsim.testing`) is imported on first use,
so ``import recsim`` stays light; it needs the ``mock`` extra.
"""

from typing import Any as _Any

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


def __getattr__(name: str) -> _Any:
    """``recsim.mock_twilio``: :func:`recsim.testing.mock_twilio`, imported on first use.

    Raises
    ------
    MissingExtraError
        The ``mock`` extra is not installed (the message says how to install it).
    AttributeError
        Any other name.
    """
    if name == "mock_twilio":
        from recsim._extras import require

        require("twilio", extra="mock", feature="recsim.mock_twilio")
        return require("recsim.testing", extra="mock", feature="recsim.mock_twilio").mock_twilio
    raise AttributeError(f"module 'recsim' has no attribute {name!r}")
