"""Voice Recording Configurations (spec 004): the resource and its application."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, silence, tone, wav

from recsim import ScenarioError, SimulationError, run
from recsim.configurations import CONFIG_ID_PREFIX, ConfigurationStore
from recsim.errors import InvalidRequestError, NotFoundError

T0 = dt.datetime(2026, 4, 15, 11, 0, tzinfo=dt.UTC)
BODY = {
    "unique_name": "my_recording_config",
    "description": "My recording configuration",
    "configuration": {
        "configurationType": "Recording",
        "compositionPolicy": {"channels": "dual", "trim": "trim-silence"},
        "callRecordingStatusCallback": {"url": "https://example.com/call-recording-status", "method": "POST",
                                        "events": ["in-progress", "completed"]},
    },
}


def _store() -> tuple[ConfigurationStore, list[dt.datetime]]:
    now = [T0]
    return ConfigurationStore("AC" + "0" * 32, clock=lambda: now[0]), now


def test_create_and_retrieve_as_the_spec_example() -> None:
    store, _ = _store()
    c = store.create(BODY)
    j = c.to_json()
    assert j["configuration"] == BODY["configuration"]
    assert (j["unique_name"], j["description"]) == ("my_recording_config", "My recording configuration")
    assert j["date_created"] == j["date_updated"] == "2026-04-15T11:00:00Z"
    assert j["id"].startswith(CONFIG_ID_PREFIX) and len(j["id"]) == len(CONFIG_ID_PREFIX) + 26
    assert store.retrieve(c.id) == store.retrieve("my_recording_config") == c


def test_defaults_dual_do_not_trim_completed() -> None:
    store, _ = _store()
    c = store.create({"configuration": {"configurationType": "Recording",
                                        "callRecordingStatusCallback": {"url": "https://e/cb"}}})
    policy = c.configuration.compositionPolicy
    assert (policy.channels, policy.trim) == ("dual", "do-not-trim")
    cb = c.configuration.callRecordingStatusCallback
    assert cb is not None and (cb.method, cb.events) == ("POST", ["completed"])
    assert c.unique_name is None and c.description is None


def test_update_replaces_and_nulls_omitted_fields() -> None:
    store, now = _store()
    c = store.create(BODY)
    now[0] = T0 + dt.timedelta(hours=1)
    u = store.update(c.id, {"configuration": {"configurationType": "Recording",
                                              "compositionPolicy": {"channels": "mono"}}})
    assert (u.unique_name, u.description) == (None, None)
    assert u.configuration.compositionPolicy.channels == "mono"
    assert u.configuration.callRecordingStatusCallback is None
    assert u.to_json()["date_updated"] == "2026-04-15T12:00:00Z"
    assert u.to_json()["date_created"] == "2026-04-15T11:00:00Z"
    with pytest.raises(InvalidRequestError, match="configuration: Field required"):
        store.update(c.id, {"unique_name": "x"})


def test_delete_then_not_found() -> None:
    store, _ = _store()
    c = store.create(BODY)
    store.delete("my_recording_config")
    with pytest.raises(NotFoundError) as e:
        store.retrieve(c.id)
    assert e.value.code == 20404 and e.value.status == 404


@pytest.mark.parametrize(("body", "needle"), [
    ({**BODY, "unique_name": "has space"}, "unique_name: String should match pattern"),
    ({"configuration": {"configurationType": "Video"}}, "configurationType: Input should be 'Recording'"),
    ({"configuration": {"configurationType": "Recording", "compositionPolicy": {"channels": "stereo"}}},
     "compositionPolicy.channels: Input should be 'mono' or 'dual'"),
    ({"configuration": {"configurationType": "Recording", "features": [
        {"type": "transcriptionConfiguration", "featureId": str(i)} for i in range(4)]}},
     "features: List should have at most 3 items"),
    ({"configuration": {"configurationType": "Recording",
                        "callRecordingStatusCallback": {"url": "https://e", "events": ["started"]}}},
     "events.0: Input should be 'in-progress', 'completed', 'failed' or 'absent'"),
])
def test_validation_errors_name_the_field(body: dict[str, Any], needle: str) -> None:
    store, _ = _store()
    with pytest.raises(InvalidRequestError, match=needle):
        store.create(body)


def test_unique_name_is_unique() -> None:
    store, _ = _store()
    store.create(BODY)
    with pytest.raises(InvalidRequestError, match="already in use"):
        store.create(BODY)


# ------------------------------------------------------------- application
CFG = {"unique_name": "cfg", "configuration": {
    "configurationType": "Recording", "compositionPolicy": {"channels": "mono", "trim": "trim-silence"},
    "callRecordingStatusCallback": {"url": "https://app/cfg", "method": "GET", "events": "in-progress completed"},
    "conferenceRecordingStatusCallback": {"url": "https://app/conf", "events": ["completed"]}}}
CALLER = np.concatenate([silence(1.0), tone(2.0), silence(4.0)])


def _run(tmp_path: Path, twiml: str, *, call: dict[str, Any] | None = None, configs: list | None = None) -> Any:
    c = {"from": "+1500", "to": "+1600", "twiml": twiml}
    c.update(call or {})
    parties = {"+1500": {"audio": wav(tmp_path, "c.wav", CALLER), "answer_delay_s": 0.0}}
    return run(build(tmp_path, [c], parties=parties, recording_configurations=configs or [CFG]))


def _same(a: Any, b: Any) -> None:
    (ra,), (rb,) = a.recordings, b.recordings
    assert ra.samples is not None and rb.samples is not None
    assert ra.samples.tobytes() == rb.samples.tobytes()
    assert (ra.channels, ra.duration, ra.source) == (rb.channels, rb.duration, rb.source)
    cba = [(e.time, e.url, e.method, e.parameters) for e in a.events_of("recording-status-callback")]
    cbb = [(e.time, e.url, e.method, e.parameters) for e in b.events_of("recording-status-callback")]
    assert cba == cbb and len(cba) == 2


def test_start_recording_by_configuration_equals_inline_parameters(tmp_path: Path) -> None:
    by_id = _run(tmp_path, "<Response><Start><Recording recordingConfigurationId='cfg'/></Start>"
                           "<Pause length='6'/></Response>")
    inline = _run(tmp_path, "<Response><Start><Recording channels='mono' trim='trim-silence' "
                            "recordingStatusCallback='https://app/cfg' recordingStatusCallbackMethod='GET' "
                            "recordingStatusCallbackEvent='in-progress completed'/></Start>"
                            "<Pause length='6'/></Response>")
    _same(by_id, inline)
    assert by_id.recordings[0].duration_s == 2.0  # trimmed to the tone, as the configuration says


def test_rest_create_by_configuration_equals_inline(tmp_path: Path) -> None:
    by_id = _run(tmp_path, "<Response><Pause length='6'/></Response>",
                 call={"events": [{"at": 0.5, "rest": {"action": "create", "RecordingConfigurationId": "cfg"}}]})
    inline = _run(tmp_path, "<Response><Pause length='6'/></Response>",
                  call={"events": [{"at": 0.5, "rest": {
                      "action": "create", "RecordingChannels": "mono", "Trim": "trim-silence",
                      "RecordingStatusCallback": "https://app/cfg", "RecordingStatusCallbackMethod": "GET",
                      "RecordingStatusCallbackEvent": "in-progress completed"}}]})
    _same(by_id, inline)


def test_outbound_record_true_by_configuration_equals_inline(tmp_path: Path) -> None:
    base = {"from": "+1600", "to": "+1500", "direction": "outbound-api"}
    by_id = _run(tmp_path, "<Response><Pause length='6'/></Response>",
                 call={**base, "record": {"RecordingConfigurationId": "cfg"}})
    inline = _run(tmp_path, "<Response><Pause length='6'/></Response>",
                  call={**base, "record": {"RecordingChannels": "mono", "Trim": "trim-silence",
                                           "RecordingStatusCallback": "https://app/cfg",
                                           "RecordingStatusCallbackMethod": "GET",
                                           "RecordingStatusCallbackEvent": ["in-progress", "completed"]}})
    _same(by_id, inline)


def test_configuration_defaults_apply_when_it_gives_no_composition(tmp_path: Path) -> None:
    """A configuration without compositionPolicy: dual and do-not-trim (004), unlike the
    REST create default (mono)."""
    cfg = {"unique_name": "bare", "configuration": {"configurationType": "Recording"}}
    res = _run(tmp_path, "<Response><Pause length='6'/></Response>", configs=[cfg],
               call={"events": [{"at": 0.0, "rest": {"action": "create", "RecordingConfigurationId": "bare"}}]})
    (r,) = res.recordings
    assert (r.channels, r.untrimmed_s, r.duration_s) == (2, 6.0, 6.0)
    assert res.events_of("recording-status-callback") == []


def test_record_verb_keeps_one_channel_under_a_dual_configuration(tmp_path: Path) -> None:
    cfg = {"unique_name": "d", "configuration": {"configurationType": "Recording"}}
    res = _run(tmp_path, "<Response><Record playBeep='false' timeout='2' action='https://app/x' "
                         "recordingConfigurationId='d'/></Response>", configs=[cfg])
    (r,) = res.recordings
    assert r.channels == 1 and r.duration_s == r.untrimmed_s == 5.0  # do-not-trim from the configuration


def test_dial_record_by_configuration(tmp_path: Path) -> None:
    cfg = {"unique_name": "d", "configuration": {"configurationType": "Recording"}}
    res = run(build(tmp_path, [{"from": "+1500", "to": "+1600", "twiml":
                                "<Response><Dial record='record-from-answer' recordingConfigurationId='d'>"
                                "+1700</Dial></Response>"}],
                    parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(2.0))},
                             "+1700": {"audio": wav(tmp_path, "a.wav", tone(2.0)), "answer_delay_s": 1.0,
                                       "hangup_after_s": 3.0}},
                    recording_configurations=[cfg]))
    (r,) = res.recordings
    assert (r.source, r.channels) == ("DialVerb", 2)


def test_conference_by_configuration_uses_the_conference_callback(tmp_path: Path) -> None:
    res = _run(tmp_path, "<Response><Dial><Conference record='record-from-start' recordingConfigurationId='cfg'>"
                         "r</Conference></Dial></Response>", call={"events": [{"at": 5.0, "hangup": "caller"}]})
    (cb,) = res.events_of("recording-status-callback")
    assert cb.url == "https://app/conf" and cb.parameters["RecordingSource"] == "Conference"
    assert res.recordings[0].channels == 1


def test_mixing_and_unknown_ids_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="RecordingConfigurationId cannot be combined with the programmatic "
                                            "recording parameters RecordingChannels"):
        _run(tmp_path, "<Response/>", call={"events": [{"at": 0, "rest": {
            "action": "create", "RecordingConfigurationId": "cfg", "RecordingChannels": "dual"}}]})
    with pytest.raises(SimulationError, match="recordingConfigurationId 'nope' is not a configuration"):
        _run(tmp_path, "<Response><Start><Recording recordingConfigurationId='nope'/></Start></Response>")
    with pytest.raises(ScenarioError, match=r"recording_configurations\.0: Invalid recording configuration"):
        _run(tmp_path, "<Response/>", configs=[{"configuration": {"configurationType": "Audio"}}])
