"""Scenario validation: errors name the file, the field path, the value and the allowed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from recsim import ScenarioError, load_scenario, scenario_from_dict

OK_CALL = {"from": "+1", "to": "+2", "twiml": "<Response/>"}


@pytest.mark.parametrize(("data", "needle"), [
    ({"calls": [{**OK_CALL, "direction": "sideways"}]},
     "calls.0.direction: Input should be 'inbound' or 'outbound-api' \\(got 'sideways'\\)"),
    ({"calls": [{**OK_CALL, "direction": "outbound-api", "record": {"RecordingChannels": "stereo"}}]},
     "calls.0.record.RecordingChannels: Input should be 'mono' or 'dual'"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "rest": {"action": "update", "Status": "done"}}]}]},
     "calls.0.events.0.rest.update.Status: Input should be 'paused', 'in-progress' or 'stopped'"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "rest": {"action": "update", "Status": "paused",
                                                            "PauseBehavior": "mute"}}]}]},
     "PauseBehavior: Input should be 'skip' or 'silence'"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "dtmf": "#", "hangup": "caller"}]}]},
     "give exactly one of dtmf, hangup, no_media_s, rest"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "dtmf": "x"}]}]}, "calls.0.events.0.dtmf: String should match"),
    ({"account": {"max_call_duration_s": 3600}, "calls": [OK_CALL]},
     "account.max_call_duration_s: Input should be 14400 or 86400"),
    ({"calls": [{**OK_CALL, "twiml": None, "url": "https://nowhere"}]}, "is not a key of apps"),
    ({"calls": "none"}, "calls: Input should be a valid list"),
    ({"calls": [OK_CALL], "colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"calls": [{**OK_CALL, "record": {"Record": True}}]}, "is a parameter of outbound-api calls only"),
])
def test_errors_name_the_field(data: dict, needle: str) -> None:
    with pytest.raises(ScenarioError, match=needle) as e:
        scenario_from_dict(data, source="my.yaml")
    assert "my.yaml: " in str(e.value)


def test_event_lists_accept_space_separated_wire_form() -> None:
    sc = scenario_from_dict({"calls": [{**OK_CALL, "direction": "outbound-api",
                                        "record": {"RecordingStatusCallbackEvent": "in-progress completed"}}]})
    assert sc.calls[0].record.RecordingStatusCallbackEvent == ["in-progress", "completed"]  # type: ignore[union-attr]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("calls: [\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: not valid YAML"):
        load_scenario(bad)


def test_invalid_twiml_in_apps_names_the_app(tmp_path: Path) -> None:
    from recsim import run

    sc = scenario_from_dict({"apps": {"https://a/x": "<Response><Gather/></Response>"},
                             "calls": [{"from": "+1", "to": "+2", "url": "https://a/x"}]}, source="s.yaml")
    with pytest.raises(ScenarioError, match=r"s.yaml: apps\['https://a/x'\]: https://a/x: Response/Gather\[1\]"):
        run(sc)


def test_missing_audio_file_is_named(tmp_path: Path) -> None:
    from recsim import run

    sc = scenario_from_dict({"parties": {"+1": {"audio": "nope.wav"}}, "calls": [OK_CALL]},
                            base_dir=tmp_path, source="s.yaml")
    with pytest.raises(ScenarioError, match=r"nope\.wav: no such audio file"):
        run(sc)
