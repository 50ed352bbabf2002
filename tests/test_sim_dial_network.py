"""Call progress and the telephone network in the simulator: ringback in
record-from-ringing recordings, <Dial ringTone>, Dial outcomes, leg codecs, seeded
impairments (docs/semantics.md, "Telephone network")."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simkit import build, silence, tone, wav
from test_audio_progress import bursts, goertzel_share

from recsim import RunResult, run, scenario_from_dict
from recsim.audio import g711_decode, g711_roundtrip
from recsim.errors import ScenarioError
from recsim.sim.media import Stream
from recsim.sim.recording import timeline
from recsim.sim.simulation import Simulation

PCMU_VALUES = set(g711_decode(np.arange(256, dtype=np.uint8), "PCMU").tolist())
UK = [(0, 3200), (4800, 8000), (24000, 27200), (28800, 32000)]  # 0.4 on 0.2 off 0.4 on 2.0 off
DIAL = ("<Response><Dial record='record-from-ringing-dual' action='https://app/after'{attrs}>"
        "<Number>{target}</Number></Dial></Response>")


LINEAR = {"codecs": False, "ringback": False}


def _dial(tmp_path: Path, *, network: dict[str, Any] | None = LINEAR, attrs: str = "", target: str = "+14155550200",
          callee: dict[str, Any] | None = None, caller_extra: dict[str, Any] | None = None,
          seed: int = 7) -> RunResult:
    party = {"audio": wav(tmp_path, "agent.wav", tone(2.0, freq=700.0)), "answer_delay_s": 4.0,
             "hangup_after_s": 3.0}
    party.update(callee or {})
    caller = {"audio": wav(tmp_path, "caller.wav", silence(4.5), tone(1.5, freq=300.0, amp=6000.0))}
    caller.update(caller_extra or {})
    rest: dict[str, Any] = {"parties": {"+14155550100": caller, target: party}, "seed": seed, "network": network}
    return run(build(tmp_path, [{"from": "+14155550100", "to": "+14155550999",
                                 "twiml": DIAL.format(attrs=attrs, target=target)}], **rest))


def _dbfs(x: np.ndarray) -> float:
    return 20 * math.log10(max(1e-9, float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))) / 32768)


def test_ringback_fills_channel_2_of_record_from_ringing_dual(tmp_path: Path) -> None:
    """Answered after 4 s: the first 4 s of channel 2 (outbound of the parent, what the
    caller hears) are the US ringback (440 + 480 Hz, 2 s on 4 s off) above -30 dBFS RMS,
    through PCMU; channel 1 (the caller) is silent meanwhile."""
    res = _dial(tmp_path, network={"codecs": True, "ringback": True})
    (r,) = res.recordings
    assert r.samples is not None and r.channels == 2
    ring = r.samples[:32000, 1]
    assert _dbfs(ring) > -30.0
    assert [(a, b) for a, b in bursts(ring)] == [(0, 16000)]
    assert goertzel_share(ring[:16000], 440.0) > 0.45 and goertzel_share(ring[:16000], 480.0) > 0.45
    assert set(np.unique(r.samples).tolist()) <= PCMU_VALUES
    assert not r.samples[:32000, 0].any()


def test_ringback_off_by_switch_keeps_silence(tmp_path: Path) -> None:
    """Without network.ringback the ringing span of channel 2 is digital silence."""
    (r,) = _dial(tmp_path).recordings
    assert r.samples is not None and not r.samples[:32000, 1].any()


def test_defaults_are_pcmu_legs_and_ringback(tmp_path: Path) -> None:
    """A scenario without ``network`` has PCMU on phone-number legs and ringback: the
    same bytes as codecs and ringback switched on explicitly."""
    (d,) = _dial(tmp_path, network=None).recordings
    (on,) = _dial(tmp_path, network={"codecs": True, "ringback": True}).recordings
    assert d.samples is not None and on.samples is not None
    np.testing.assert_array_equal(d.samples, on.samples)
    assert d.samples[:32000, 1].any() and set(np.unique(d.samples).tolist()) <= PCMU_VALUES


@pytest.mark.parametrize(("attrs", "target", "cadence"), [
    (" ringTone='uk'", "+14155550200", UK),
    ("", "+4420712345", UK),  # automatic: the number's country
    (" ringTone='de'", "+14155550200", [(0, 8000)]),
])
def test_ring_tone_country(tmp_path: Path, attrs: str, target: str, cadence: list[tuple[int, int]]) -> None:
    """<Dial ringTone> picks the country's cadence; absent, the dialed number's country."""
    (r,) = _dial(tmp_path, network={"ringback": True}, attrs=attrs, target=target).recordings
    assert r.samples is not None
    assert bursts(r.samples[:32000, 1]) == cadence


def test_invalid_ring_tone_is_a_scenario_error(tmp_path: Path) -> None:
    """An unknown ringTone names the attribute and the allowed countries."""
    with pytest.raises(ScenarioError, match=r"ringTone='xx' is not allowed; allowed values: at, au"):
        _dial(tmp_path, attrs=" ringTone='xx'")


@pytest.mark.parametrize(("callee", "status", "ring_s", "ringback"), [
    ({"dial_outcome": "busy", "answer_delay_s": 1.5}, "busy", 1.5, False),
    ({"dial_outcome": "failed", "answer_delay_s": 0.5}, "failed", 0.5, False),
    ({"answer_delay_s": 40.0}, "no-answer", 30.0, True),
])
def test_dial_outcomes(tmp_path: Path, callee: dict[str, Any], status: str, ring_s: float, ringback: bool) -> None:
    """busy / failed after answer_delay_s without ringback, no-answer after timeout (30 s)
    with ringback: the action gets DialCallStatus, the child's DialCallSid and
    DialCallDuration 0; the record-from-ringing recording spans the ringing."""
    res = _dial(tmp_path, network={"ringback": True}, callee=callee)
    (action,) = [e for e in res.events_of("twiml-request") if e.url == "https://app/after"]
    p = action.parameters
    assert p["DialCallStatus"] == status and p["DialCallDuration"] == "0"
    assert p["DialCallSid"].startswith("CA") and p["DialCallSid"] != p["CallSid"]
    assert action.time == ring_s
    recs = res.recordings
    if ring_s >= 1.0:
        (r,) = recs
        assert r.untrimmed_s == ring_s
        assert r.samples is not None and bool(r.samples[:, 1].any()) is ringback
    else:
        assert [x.status for x in recs] == ["absent"]


def test_client_legs_are_linear_and_codec_overrides(tmp_path: Path) -> None:
    """client: identities keep linear samples; a party's codec (PCMA) overrides PCMU."""
    (r,) = _dial(tmp_path, network={"codecs": True}, target="client:agent").recordings
    assert r.samples is not None
    agent = r.samples[32000:48000, 1]
    np.testing.assert_array_equal(agent, g711_roundtrip(tone(2.0, freq=700.0)[:16000], "PCMU"))  # parent's codec
    (r2,) = _dial(tmp_path, network={"codecs": True}, caller_extra={"codec": "PCMA"}).recordings
    assert r2.samples is not None
    caller = r2.samples[36000:48000, 0]
    np.testing.assert_array_equal(caller, g711_roundtrip(tone(1.5, freq=300.0, amp=6000.0)[:12000], "PCMA"))


def test_impairments_are_seeded_and_off_keeps_bytes(tmp_path: Path) -> None:
    """Same seed, same bytes; another seed, other losses; a clean network changes
    nothing at all; lost packets are concealed spans of the leg, not silence."""
    lossy = {"codecs": True, "loss_rate": 0.2, "mean_burst_packets": 2.0}
    a, b = _dial(tmp_path, network=lossy), _dial(tmp_path, network=lossy)
    c = _dial(tmp_path, network=lossy, seed=8)
    (ra,), (rb,), (rc,) = a.recordings, b.recordings, c.recordings
    assert ra.samples is not None and rb.samples is not None and rc.samples is not None
    np.testing.assert_array_equal(ra.samples, rb.samples)
    assert not np.array_equal(ra.samples, rc.samples)
    (plain,) = _dial(tmp_path).recordings
    (clean,) = _dial(tmp_path, network={"preset": "clean", **LINEAR}).recordings
    assert plain.samples is not None and clean.samples is not None
    np.testing.assert_array_equal(plain.samples, clean.samples)
    (ideal,) = _dial(tmp_path, network={"codecs": True}).recordings
    assert ideal.samples is not None
    assert not np.array_equal(ideal.samples, ra.samples)


def test_long_loss_becomes_no_media_and_spans_are_recorded(tmp_path: Path) -> None:
    """Lost runs of at least outage_s become no-media spans of the leg (the recording
    is shorter than the time spent by exactly their recorded part); every lost run is
    in ``leg.lost``, the concealed ones over the party's audio in ``leg.concealed``."""
    net = {"loss_rate": 0.3, "mean_burst_packets": 30.0, "outage_s": 0.2}
    party = {"audio": wav(tmp_path, "caller.wav", silence(4.5), tone(1.5, freq=300.0, amp=6000.0)), "network": net}
    scenario = build(tmp_path, [{"from": "+14155550100", "to": "+14155550999",
                                 "twiml": DIAL.format(attrs="", target="+14155550200")}],
                     parties={"+14155550100": party,
                              "+14155550200": {"audio": wav(tmp_path, "a.wav", tone(2.0)), "answer_delay_s": 4.0,
                                               "hangup_after_s": 3.0}})
    sim = Simulation(scenario)
    sim.run()
    leg = sim.calls[0].parent
    assert leg.lost and all(b > a for a, b in leg.lost)
    outages = [s for s in leg.lost if s[1] - s[0] >= 0.2 - 1e-9]
    assert outages and sorted(leg.no_media) == sorted(outages)
    assert all(any(a <= c0 and c1 <= b for a, b in leg.lost) for c0, c1 in leg.concealed)
    (rec,) = sim.calls[0].recordings
    assert rec.assembly is not None
    inside = sum(max(0.0, min(b, 7.0) - max(a, 0.0)) for a, b in outages)
    assert rec.assembly.no_media == round(inside * 8000)
    tl = timeline(rec)
    assert tl["lost_packets"] == [[a, b] for a, b in leg.lost if a < 7.0]
    assert tl["concealed"] == [[a, b] for a, b in leg.concealed]


def test_timeline_has_no_network_keys_without_a_network(tmp_path: Path) -> None:
    """Without impairments the timeline keeps its keys (outputs unchanged)."""
    scenario = build(tmp_path, [{"from": "+14155550100", "to": "+1", "twiml": "<Response><Record/></Response>"}],
                     parties={"+14155550100": {"audio": wav(tmp_path, "c.wav", tone(2.0))}})
    sim = Simulation(scenario)
    sim.run()
    recs = sim.calls[0].recordings
    assert recs and all("lost_packets" not in timeline(r) and "concealed" not in timeline(r) for r in recs)


def test_noise_floor_and_comfort_noise(tmp_path: Path) -> None:
    """snr_db 30: noise 30 dB under -26 dBov (-59 dBFS RMS) under the whole caller track;
    comfort noise at -60 dBov only where the caller's clip does not play (after 6 s)."""
    (r,) = _dial(tmp_path, caller_extra={"network": {"snr_db": 30.0}}).recordings
    assert r.samples is not None
    assert _dbfs(r.samples[:32000, 0]) == pytest.approx(-56.0 - 3.01, abs=0.5)
    (c,) = _dial(tmp_path, caller_extra={"network": {"comfort_noise_dbov": -60.0}}).recordings
    assert c.samples is not None
    assert not c.samples[:32000, 0].any()
    assert _dbfs(c.samples[48000:56000, 0]) == pytest.approx(-60.0 - 3.01, abs=0.5)


def test_traffic_scenario_takes_the_scenario_preset() -> None:
    """A traffic scenario's network preset reaches every leg of every expanded call:
    PCMU codecs, congested loss (about 5 % plus late packets), concealed spans."""
    sc = scenario_from_dict({"seed": 3, "network": {"preset": "congested"},
                             "traffic": {"calls": 4, "mix": [{"template": "dual_dial"}]}})
    sim = Simulation(sc)
    sim.run()
    legs = [leg for c in sim.calls for leg in c.legs]
    assert len(legs) == 8 and {leg.codec for leg in legs} == {"PCMU"}
    for leg in legs:
        assert leg.line is not None and leg.line.imp.loss_rate == 0.05 and leg.line.imp.band_filter
        assert leg.lost and leg.concealed


def test_a_traffic_template_takes_its_own_preset() -> None:
    """A mix entry's ``network`` reaches every call that template expands to, and only
    those: dual_dial calls on a congested network, voicemail calls on the clean default."""
    sc = scenario_from_dict({"seed": 3, "traffic": {"calls": 12, "mix": [
        {"template": "dual_dial", "network": {"preset": "congested"}}, {"template": "voicemail"}]}})
    sim = Simulation(sc)
    sim.run()
    dialed = [c for c in sim.calls if len(c.legs) == 2]
    alone = [c for c in sim.calls if len(c.legs) == 1]
    assert dialed and alone
    for leg in (leg for c in dialed for leg in c.legs):
        assert leg.line is not None and leg.line.imp.loss_rate == 0.05 and leg.lost
    for leg in (leg for c in alone for leg in c.legs):
        assert (leg.line is None or leg.line.imp.loss_rate == 0) and not leg.lost and leg.codec == "PCMU"


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_stream_codes_what_plays_and_keeps_digital_silence(codec: str) -> None:
    """A coded stream renders every played sample as a decoder value of its codec (clips
    are coded as placed; where two overlap, their sum is coded again), and digital
    silence where nothing plays, however the span is cut."""
    s = Stream()
    s.codec = codec
    a, b = tone(1.0, freq=500.0), tone(1.0, freq=700.0, amp=5000.0)
    s.add(1000, a)
    s.add(5000, b)
    full = s.render(0, 20000)
    summed = np.zeros(20000, np.int32)
    summed[1000:9000] += g711_roundtrip(a, codec)
    summed[5000:13000] += g711_roundtrip(b, codec)
    expect = g711_roundtrip(np.clip(summed, -32768, 32767).astype(np.int16), codec)
    expect[:1000] = 0
    expect[13000:] = 0
    np.testing.assert_array_equal(full, expect)
    np.testing.assert_array_equal(np.concatenate([s.render(0, 3000), s.render(3000, 20000)]), full)
    assert not s.render(14000, 15000).any()
