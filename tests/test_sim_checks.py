"""Issue 10: typed recording values (recsim.values) validated at the simulator's boundary,
and the up-front checks of a scenario (recsim.sim.checks) that refuse, before anything is
written, what a run would refuse mid-way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simkit import build, tone, wav

from recsim import Scenario, ScenarioError, SimulationError, load_scenario, run, scenario_from_dict
from recsim.errors import InvalidRequestError
from recsim.scenario import RestUpdate
from recsim.sim import Simulation
from recsim.sim.assembly import assemble
from recsim.sim.leg import Leg
from recsim.sim.recording import Recording

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
A, B = "https://app/a", "https://app/b"


def _check(sc: Scenario) -> None:
    from recsim.sim import check_scenario

    check_scenario(sc)


def _runtime(sc: Scenario) -> None:
    """Run without the up-front checks (as a batch shard does)."""
    Simulation(sc, validate_calls=False).run()


# ------------------------------------------------------------------ recsim.values
@pytest.mark.parametrize(("name", "good", "bad"), [
    ("PauseBehavior", ["skip", "silence"], ["Skip", "SILENCE", " skip", "", None, 1]),
    ("Track", ["inbound", "outbound", "both"], ["Both", "in"]),
    ("Channels", ["mono", "dual"], ["Dual", "stereo"]),
    ("Status", ["in-progress", "paused", "stopped", "processing", "completed", "absent", "deleted"],
     ["in_progress", "Completed"]),
    ("Source", ["DialVerb", "Conference", "OutboundAPI", "Trunking", "RecordVerb", "StartCallRecordingAPI",
                "StartConferenceRecordingAPI", "StartCallRecordingTwiML"], ["recordverb", "Start"]),
])
def test_values_parse_wire_spelling_and_refuse_others(name: str, good: list[str], bad: list[Any]) -> None:
    import recsim.values

    enum = getattr(recsim.values, name)
    assert enum.values() == tuple(good)
    for value in good:
        member = enum.parse(value, "Field")
        assert member == value and f"{member}" == value and member is enum(value)
    for value in bad:
        with pytest.raises(InvalidRequestError) as e:
            enum.parse(value, "Field")
        assert isinstance(e.value, ValueError) and e.value.code == 20001
        assert f"Field: {value!r} is not allowed; allowed values: {', '.join(good)}" in str(e.value)


def _recording() -> Recording:
    from recsim.sim.options import recording_options

    opts = recording_options("StartCallRecordingAPI", track="both", channels="dual", trim="do-not-trim",
                             callback_url=None)
    return Recording("RE" + "0" * 32, Leg(sid="CA" + "0" * 32, from_="+1", to="+2", direction="inbound"), opts, 0.0)


def test_pause_refuses_a_misspelled_behavior_and_skip_leaves_the_span_out() -> None:
    """002: PauseBehavior is skip or silence, case-sensitive; "Skip" used to pause with
    an unknown segment kind that was then recorded as captured audio. Paused (skip) 2 s
    to 5 s of 10 s: 7 s are recorded (56000 samples per channel)."""
    rec = _recording()
    with pytest.raises(InvalidRequestError, match=r"PauseBehavior: 'Skip' is not allowed; allowed values: "
                                                  r"skip, silence"):
        rec.pause(2.0, "Skip")
    assert rec.status == "in-progress" and len(rec.segments) == 1
    rec.pause(2.0, "skip")
    rec.resume(5.0)
    rec.stop(10.0)
    a = assemble(rec, no_media=[], threshold_dbfs=-50.0, frame_s=0.01)
    assert a.samples.shape == (56000, 2)
    assert (a.span, a.skipped) == (80000, 24000)
    assert [k for k, _, _ in rec.segments] == ["captured", "paused-skip", "captured"]


def test_rest_update_refuses_a_misspelled_pause_behavior(tmp_path: Path) -> None:
    """The simulator's public REST method parses Status and PauseBehavior itself (a
    request built without pydantic validation cannot slip "Skip" through)."""
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600",
                           "twiml": "<Response><Start><Recording/></Start><Pause length='10'/></Response>"}],
               parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(10.0))}})
    sim = Simulation(sc)
    sim.add_call(0, sc.calls[0])
    sim.env.run(until=1.0)
    call = sim.calls[0]
    bad = RestUpdate.model_construct(action="update", recording="Twilio.CURRENT", Status="paused",
                                     PauseBehavior="Skip", conference=None)
    with pytest.raises(InvalidRequestError, match="PauseBehavior: 'Skip' is not allowed; allowed values: skip, "
                                                  "silence"):
        sim.rest_update(call, bad)
    worse = RestUpdate.model_construct(action="update", recording="Twilio.CURRENT", Status="Paused",
                                       PauseBehavior=None, conference=None)
    with pytest.raises(InvalidRequestError, match="Status: 'Paused' is not allowed; allowed values: paused, "
                                                  "in-progress, stopped"):
        sim.rest_update(call, worse)
    assert call.recordings[0].status == "in-progress"


def test_recording_options_refuse_unknown_values() -> None:
    from recsim.sim.options import recording_options

    with pytest.raises(InvalidRequestError, match="track: 'Both' is not allowed; allowed values: inbound, "
                                                  "outbound, both"):
        recording_options("DialVerb", track="Both", channels="mono", trim="do-not-trim", callback_url=None)
    with pytest.raises(InvalidRequestError, match="source: 'StartRecording' is not allowed; allowed values: "
                                                  "DialVerb, Conference"):
        recording_options("StartRecording", track="both", channels="mono", trim="do-not-trim", callback_url=None)


# ------------------------------------------------------------------- up-front checks
def _dial_scenario(tmp_path: Path, target: str = "+1999") -> Scenario:
    """Call 0 records a voicemail; call 1, later, reaches a <Dial> through a <Redirect>."""
    audio = wav(tmp_path, "c.wav", tone(3.0))
    return build(tmp_path, [
        {"from": "+1500", "to": "+1600", "twiml": "<Response><Record playBeep='false' timeout='1' "
                                                  "action='https://app/done'/></Response>"},
        {"from": "+1500", "to": "+1600", "start_s": 100.0, "url": A},
    ], parties={"+1500": {"audio": audio}, "+1700": {"audio": audio}},
        apps={A: f"<Response><Redirect>{B}</Redirect></Response>",
              B: f"<Response><Say>Connecting</Say><Dial><Number>{target}</Number></Dial></Response>",
              "https://app/done": "<Response><Hangup/></Response>"})


def test_dial_to_an_unknown_party_is_refused_up_front(tmp_path: Path) -> None:
    sc = _dial_scenario(tmp_path)
    with pytest.raises(ScenarioError) as e:
        _check(sc)
    msg = str(e.value)
    assert msg.startswith("test.yaml: calls[1] (CA")
    assert (f"): {B}: <Dial><Number>+1999</Number></Dial>: the target '+1999' has no entry in the scenario's "
            "parties; allowed: +1500, +1700") in msg
    _check(_dial_scenario(tmp_path, "+1700"))  # a known party passes


def test_no_media_is_written_before_an_error(tmp_path: Path) -> None:
    """The defect: call 0's WAV was written before call 1 failed at 100 s."""
    out = tmp_path / "out"
    with pytest.raises(ScenarioError, match=r"calls\[1\]"):
        run(_dial_scenario(tmp_path), out_dir=out)
    assert not list(out.rglob("*.wav"))


def test_play_of_an_unknown_url_is_refused_up_front(tmp_path: Path) -> None:
    sc = build(tmp_path, [{"from": "+1", "to": "+2", "url": A}],
               apps={A: "<Response><Record action='/b' playBeep='false'/></Response>",
                     B: "<Response><Play>https://media/x.wav</Play></Response>"},
               media={"https://media/hello.wav": wav(tmp_path, "h.wav", tone(1.0))})
    with pytest.raises(ScenarioError) as e:
        _check(sc)
    assert ("test.yaml: calls[0] (CA" in str(e.value) and f"{B}: <Play>https://media/x.wav</Play>: the URL has "
            "no entry in the scenario's media map; allowed: https://media/hello.wav") in str(e.value)


def test_play_of_a_missing_media_file_is_refused_up_front(tmp_path: Path) -> None:
    sc = build(tmp_path, [{"from": "+1", "to": "+2", "twiml": "<Response><Play>https://media/x.wav</Play></Response>"}],
               media={"https://media/x.wav": "nowhere.wav"})
    with pytest.raises(ScenarioError, match=r"calls\[0\] \(CA[0-9a-f]{32}\): calls\[0\]\.twiml: "
                                            r"<Play>https://media/x\.wav</Play>: media\['https://media/x\.wav'\]"):
        _check(sc)


def test_unreachable_documents_are_not_refused(tmp_path: Path) -> None:
    """Verbs after <Hangup>, and apps no call reaches, never run."""
    sc = build(tmp_path, [{"from": "+1", "to": "+2", "url": A}],
               apps={A: "<Response><Hangup/><Dial>+1999</Dial><Redirect>https://app/b</Redirect></Response>",
                     B: "<Response><Play>https://media/x.wav</Play></Response>"})
    _check(sc)
    run(sc)


def _loop(tmp_path: Path, a: str, b: str | None = None, events: list | None = None,
          party: dict | None = None) -> Scenario:
    apps = {A: f"<Response>{a}</Response>"}
    if b is not None:
        apps[B] = f"<Response>{b}</Response>"
    return build(tmp_path, [{"from": "+1", "to": "+2", "url": A, "events": events or []}], apps=apps,
                 parties={"+1": {"audio": [], **(party or {})}})


def test_redirect_loop_is_refused_up_front_without_blaming_record(tmp_path: Path) -> None:
    sc = _loop(tmp_path, f"<Redirect>{B}</Redirect>", f"<Pause length='0'/><Redirect>{A}</Redirect>")
    with pytest.raises(ScenarioError) as e:
        _check(sc)
    msg = str(e.value)
    assert msg.startswith("test.yaml: calls[0] (CA")
    assert f"<Redirect> loop: {A} -> {B} -> {A}: more than 100 TwiML requests without the call ending" in msg
    assert "Record" not in msg


@pytest.mark.parametrize(("a", "b", "events", "party"), [
    (f"<Redirect>{A}</Redirect>", None, [], None),  # zero time: always
    (f"<Redirect>{B}</Redirect>", f"<Pause length='1'/><Redirect>{A}</Redirect>", [], None),  # 100 s < 14400 s
    (f"<Pause length='1'/><Redirect>{A}</Redirect>", None, [{"at": 150.0, "hangup": "caller"}], None),
    (f"<Pause length='1'/><Redirect>{A}</Redirect>", None, [{"at": 50.0, "hangup": "caller"}], None),
    (f"<Say>Hello there</Say><Redirect>{A}</Redirect>", None, [], {"hangup_after_s": 30.0}),
    (f"<Say>Hello there</Say><Redirect>{A}</Redirect>", None, [], {"hangup_after_s": 500.0}),
    (f"<Pause length='200'/><Redirect>{A}</Redirect>", None, [], None),  # the 14400 s limit ends it first
    ("<Pause length='1'/><Redirect>https://app/elsewhere</Redirect>", None, [], None),  # not in apps: ends
    (f"<Start><Recording/></Start><Redirect>{B}</Redirect>", f"<Stop><Recording/></Stop><Redirect>{A}</Redirect>",
     [], None),
])
def test_loop_check_refuses_exactly_what_the_run_refuses(tmp_path: Path, a: str, b: str | None, events: list,
                                                         party: dict | None) -> None:
    sc = _loop(tmp_path, a, b, events, party)
    try:
        _runtime(sc)
        at_runtime = False
    except SimulationError as exc:
        at_runtime = True
        assert str(exc).startswith("test.yaml: calls[0] (CA") and "<Redirect> loop: " in str(exc)
    try:
        _check(sc)
        up_front = False
    except ScenarioError:
        up_front = True
    assert up_front == at_runtime


def test_runtime_loop_through_record_names_the_documents(tmp_path: Path) -> None:
    """A <Record> without action loops on its own document: left to the run (it depends
    on the audio), whose message names the file, the call and the document."""
    sc = build(tmp_path, [{"from": "+1500", "to": "+1600", "url": A}],
               parties={"+1500": {"audio": wav(tmp_path, "c.wav", tone(2000.0))}},
               apps={A: "<Response><Record playBeep='false' maxLength='2'/></Response>"})
    _check(sc)
    with pytest.raises(SimulationError) as e:
        run(sc)
    msg = str(e.value)
    assert msg.startswith("test.yaml: calls[0] (CA")
    assert f"<Record action> loop: {A} -> {A}: more than 100 TwiML requests" in msg
    assert "give it an action URL" in msg


def test_runtime_errors_name_file_call_document_and_element(tmp_path: Path) -> None:
    """What only a run can meet (here: a shard that skips the checks) still names the
    scenario file, the call, the document and the element."""
    sc = _dial_scenario(tmp_path)
    with pytest.raises(SimulationError, match=r"^test\.yaml: calls\[1\] \(CA[0-9a-f]{32}\): https://app/b: "
                                              r"<Dial><Number>\+1999</Number></Dial>: the <Dial> target '\+1999'"):
        _runtime(sc)
    sc = build(tmp_path, [{"from": "+1", "to": "+2", "twiml": "<Response><Play>https://x/y.wav</Play></Response>"}])
    with pytest.raises(SimulationError, match=r"^test\.yaml: calls\[0\] \(CA[0-9a-f]{32}\): "
                                              r"calls\[0\]\.twiml: <Play>https://x/y\.wav</Play>"):
        _runtime(sc)


def _traffic(callback_url: str) -> Scenario:
    data: dict[str, Any] = {"seed": 3, "traffic": {"calls": 5, "callback_url": callback_url, "mix": [
        {"template": "voicemail"}, {"template": "dual_dial"}, {"template": "conference", "participants": 2}]}}
    return scenario_from_dict(data, source="traffic.yaml", expand=False)


def test_traffic_templates_are_checked_once(tmp_path: Path) -> None:
    _check(_traffic("https://app.example.com/rs"))
    _check(load_scenario(EXAMPLES / "traffic.yaml", expand=False))
    # <Record> only warns on a bad callback URL (13619); <Start><Recording> fails the call
    with pytest.raises(ScenarioError, match=r"traffic\.yaml: traffic\.mix\[1\] \(template dual_dial\): "
                                            r"calls\[0\]\.twiml: .*recordingStatusCallback='not a url'"):
        _check(_traffic("not a url"))
