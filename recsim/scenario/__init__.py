"""Scenario schema and loader (YAML, validated with pydantic).

A scenario is the whole input of a run: the seed, the wall-clock epoch of simulated
time 0, the account's settings, the TwiML apps by URL, the audio of each party, and the
calls with their timed events. REST parameters keep their wire names (spec 002:
``RecordingChannels``, ``RecordingStatusCallbackEvent``, ``PauseBehavior`` ...).

Paths to audio files are relative to the scenario file. Every error names the file, the
path to the field, the value and the allowed values (:class:`recsim.errors.ScenarioError`);
values are cut to 80 characters and unknown keys list the allowed ones ("did you mean").

Bounds: every number is finite. A time inside a call (event ``at``, clip ``at``, a
talker's ``offset_s``, a clip's ``seconds``, delays) is at most ``MAX_CALL_S`` (86,400 s,
the longest call an account allows); a call's ``start_s`` is at most ``MAX_START_S``
(2,592,000 s = 30 days); levels in dBFS are in [-200, 0]. A scenario file is at most
``MAX_YAML_BYTES`` (16 MB) of UTF-8, and YAML aliases may expand to at most
``MAX_ALIAS_NODES`` (100,000) nodes in all (a "billion laughs" is refused at once).

Modules: :mod:`~recsim.scenario.schema` (the models, every default applied once),
:mod:`~recsim.scenario.rest` (REST requests with wire names),
:mod:`~recsim.scenario.traffic` (the traffic section and its expansion),
:mod:`~recsim.scenario.messages` (error messages) and :mod:`~recsim.scenario.loader`
(YAML and validation). This package imports nothing of recsim above
:mod:`recsim.errors` and :mod:`recsim.values`.
"""

from recsim.scenario.fields import MAX_CALL_S, MAX_START_S
from recsim.scenario.loader import MAX_ALIAS_NODES, MAX_YAML_BYTES, load_scenario, parse_yaml, scenario_from_dict
from recsim.scenario.rest import OutboundRecording, RestCreate, RestUpdate
from recsim.scenario.schema import (
    Account,
    AudioClip,
    CallEvent,
    CallSpec,
    ConfigurationSpec,
    PartySpec,
    Scenario,
    Synthetic,
    Talker,
)
from recsim.scenario.traffic import Traffic

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_CALL_S",
    "MAX_START_S",
    "MAX_YAML_BYTES",
    "Account",
    "AudioClip",
    "CallEvent",
    "CallSpec",
    "ConfigurationSpec",
    "OutboundRecording",
    "PartySpec",
    "RestCreate",
    "RestUpdate",
    "Scenario",
    "Synthetic",
    "Talker",
    "Traffic",
    "load_scenario",
    "parse_yaml",
    "scenario_from_dict",
]
