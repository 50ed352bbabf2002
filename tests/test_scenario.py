"""Scenario validation: errors name the file, the field path, the value and the allowed values."""

from __future__ import annotations

import re
import time
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
    ({"parties": {"+2": {"audio": [{"file": "a.wav"}, {"at": 1}]}}, "calls": [OK_CALL]},
     r"parties\.\+2\.audio\.1: Value error, give exactly one of 'file', 'synthetic' or 'talker'"),
    ({"parties": {"+2": {"audio": [{"file": "a.wav", "talker": {"voice": 1, "offset_s": 0, "seconds": 1}}]}},
      "calls": [OK_CALL]}, r"parties\.\+2\.audio\.0: Value error, give exactly one of 'file'"),
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


# ---------------------------------------------------------------- issue 10: bounds and messages
INF, NAN = float("inf"), float("nan")
SYN = {"synthetic": {"seconds": 1.0}}
TRAFFIC = {"calls": 3, "mix": [{"template": "voicemail"}]}


@pytest.mark.parametrize(("data", "field"), [
    ({"calls": [{**OK_CALL, "start_s": INF}]}, "calls.0.start_s"),
    ({"calls": [{**OK_CALL, "start_s": 1e12}]}, "calls.0.start_s"),
    ({"calls": [{**OK_CALL, "start_s": 2_592_001}]}, "calls.0.start_s"),
    ({"calls": [{**OK_CALL, "events": [{"at": INF, "hangup": "caller"}]}]}, "calls.0.events.0.at"),
    ({"calls": [{**OK_CALL, "events": [{"at": 86_401, "hangup": "caller"}]}]}, "calls.0.events.0.at"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "no_media_s": INF}]}]}, "calls.0.events.0.no_media_s"),
    ({"calls": [{**OK_CALL, "audio": {"synthetic": {"seconds": 1e12}}}]}, "calls.0.audio.0.synthetic.seconds"),
    ({"calls": [{**OK_CALL, "audio": {"synthetic": {"seconds": 1, "level_dbfs": -INF}}}]}, "level_dbfs"),
    ({"calls": [{**OK_CALL, "audio": {**SYN, "at": INF}}]}, "calls.0.audio.0.at"),
    ({"calls": [{**OK_CALL, "audio": {"talker": {"voice": 0, "offset_s": 1e300, "seconds": 1}}}]}, "offset_s"),
    ({"calls": [{**OK_CALL, "audio": {"talker": {"voice": 0, "offset_s": 0, "seconds": INF}}}]}, "seconds"),
    ({"parties": {"+1": {"audio": [], "answer_delay_s": INF}}}, "parties.+1.answer_delay_s"),
    ({"parties": {"+1": {"audio": [], "hangup_after_s": 1e9}}}, "parties.+1.hangup_after_s"),
    ({"account": {"min_duration_s": INF}}, "account.min_duration_s"),
    ({"account": {"trim_threshold_dbfs": -INF}}, "account.trim_threshold_dbfs"),
    ({"account": {"processing_delay_s": 1e12}}, "account.processing_delay_s"),
    ({"account": {"finish_on_key_tail_loss_s": INF}}, "account.finish_on_key_tail_loss_s"),
    ({"account": {"transcription_delay_s": INF}}, "account.transcription_delay_s"),
    ({"seed": -1}, "seed"),
    ({"traffic": {**TRAFFIC, "span_s": INF}}, "traffic.span_s"),
    ({"traffic": {**TRAFFIC, "arrivals": {"rate_per_s": INF}}}, "traffic.arrivals.rate_per_s"),
    ({"traffic": {**TRAFFIC, "arrivals": {"process": "fixed", "interval_s": NAN}}}, "traffic.arrivals.interval_s"),
    ({"traffic": {**TRAFFIC, "arrivals": {"rate_per_s": 1e-7}}}, "traffic.arrivals: the last of 3 calls"),
    ({"traffic": {**TRAFFIC, "arrivals": {"process": "fixed", "interval_s": 2e6}}}, "traffic.arrivals"),
    ({"traffic": {"span_s": 2e6, "arrivals": {"rate_per_s": 1000}, "mix": TRAFFIC["mix"]}}, "more than 10,000,000"),
    ({"traffic": {**TRAFFIC, "call_seconds": {"value": 1e12}}}, "traffic.call_seconds.value"),
    ({"traffic": {**TRAFFIC, "call_seconds": {"dist": "lognormal", "mean": 1e3}}}, "traffic.call_seconds"),
    ({"traffic": {**TRAFFIC, "talk": {"pause_s": {"dist": "normal", "mean": INF}}}}, "traffic.talk.pause_s.mean"),
    ({"traffic": {**TRAFFIC, "mix": [{"template": "voicemail", "weight": INF}]}}, "traffic.mix.0.weight"),
    ({"seed": "abc", "traffic": TRAFFIC}, "seed"),
])
def test_every_number_is_finite_and_bounded(data: dict, field: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(field)) as e:
        scenario_from_dict(data, source="my.yaml")
    assert "my.yaml: " in str(e.value)


def test_non_finite_number_names_the_allowed_range() -> None:
    with pytest.raises(ScenarioError, match=r"calls\.0\.start_s: Input should be a finite number; allowed: finite "
                                            r"numbers >= 0 and <= 2,592,000 \(got inf\)"):
        scenario_from_dict({"calls": [{**OK_CALL, "start_s": INF}]})


def test_the_longest_times_are_accepted() -> None:
    sc = scenario_from_dict({"calls": [{**OK_CALL, "start_s": 2_592_000, "events": [{"at": 86_400,
                                                                                    "hangup": "caller"}]}]})
    assert sc.calls[0].start_s == 2_592_000


def test_values_in_messages_are_cut() -> None:
    """The POST /recsim/scenario path (scenario_from_dict) never echoes a 3 MB value."""
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({"calls": [{**OK_CALL, "from": ["+1"] * 1_000_000}]}, source="POST /recsim/scenario")
    msg = str(e.value)
    assert len(msg) < 400 and "POST /recsim/scenario: calls.0.from" in msg and "characters)" in msg


def test_many_problems_are_counted_not_listed() -> None:
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({"calls": [{**OK_CALL, "start_s": -1}] * 1000})
    lines = str(e.value).splitlines()
    assert len(lines) == 22 and lines[-1].endswith("... and 980 more problems")


@pytest.mark.parametrize(("data", "needle"), [
    ({"calls": [{**OK_CALL, "twimll": "x"}]}, "calls.0.twimll: Extra inputs are not permitted: unknown field; "
                                              "did you mean 'twiml'? allowed: from, to, direction, start_s,"),
    ({"calls": [OK_CALL], "call": []}, "call: Extra inputs are not permitted: unknown field; did you mean 'calls'?"),
    ({"calls": [{**OK_CALL, "events": [{"at": 1, "rest": {"action": "update", "Status": "paused",
                                                            "pausebehavior": "skip"}}]}]},
     "did you mean 'PauseBehavior'? allowed: action, conference, recording, Status, PauseBehavior"),
    ({"parties": {"+1": {"audio": [], "answer_delay": 1}}}, "parties.+1.answer_delay: Extra inputs are not "
                                                            "permitted: unknown field; did you mean 'answer_delay_s'?"),
    ({"traffic": {**TRAFFIC, "arrivals": {"rate": 2}}}, "traffic.arrivals.rate: Extra inputs are not permitted: "
                                                        "unknown field; did you mean 'rate_per_s'?"),
])
def test_unknown_keys_list_the_allowed_keys(data: dict, needle: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(needle)):
        scenario_from_dict(data, source="my.yaml")


def _bomb(levels: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly() -> None:
    from recsim.scenario import parse_yaml

    t = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"bomb\.yaml: aliases expand to more than 100,000 nodes"):
        parse_yaml(_bomb(9), "bomb.yaml")
    assert time.perf_counter() - t < 0.5


def test_a_few_aliases_and_merge_keys_still_load(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text("parties:\n  '+1': &p {audio: {synthetic: {seconds: 2}}, answer_delay_s: 1}\n  '+2': *p\n"
                    "calls:\n  - &c {from: '+1', to: '+2', twiml: '<Response/>'}\n  - {<<: *c, start_s: 5}\n")
    sc = load_scenario(path)
    assert sc.parties["+2"] == sc.parties["+1"] and sc.calls[1].start_s == 5


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("calls: &a [*a]\n")
    with pytest.raises(ScenarioError, match=r"loop\.yaml: an alias refers to a node that contains it"):
        load_scenario(path)


def test_non_utf8_and_oversized_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"calls: []\n# \xe9t\xe9\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: not UTF-8 text \(byte 12 is b'\\xe9'\)"):
        load_scenario(bad)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (16 * 1024 * 1024 + 1))
    with pytest.raises(ScenarioError, match=r"big\.yaml: 16,777,217 bytes, more than the 16,777,216"):
        load_scenario(big)


def test_validation_problems_is_the_one_formatter() -> None:
    """recsim.errors.validation_problems: ``path: message (got value)``, values cut to 80
    characters, union tags dropped, a prefix, and the overflow counted."""
    from pydantic import BaseModel, ValidationError

    from recsim.errors import validation_problems

    class M(BaseModel):
        a: int
        b: list[int]

    class Form(BaseModel):
        create: M

    with pytest.raises(ValidationError) as info:
        Form.model_validate({"create": {"a": "x" * 200, "b": ["p", "q", "r"]}})
    lines = validation_problems(info.value, drop=("create",), limit=2)
    assert lines[0].startswith("a: Input should be a valid integer") and "... (202 characters))" in lines[0]
    assert lines[1].startswith("b.0: ") and lines[2] == "... and 2 more problems"
    assert validation_problems(info.value, prefix=("body",), limit=1)[0].startswith("body.create.a: ")
