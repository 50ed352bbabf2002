"""The default mix at scale: N one-minute calls cycling the four seed flows on the
speech fixtures (voicemail <Record>, dual <Start><Recording> + <Dial>, payment <Dial
record> paused with skip over REST, outbound-api Record=true)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recsim import Scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "audio"
CALL_S = 60.0

APPS = {
    "https://app/voicemail": (
        "<Response><Say>Please leave a message after the beep.</Say>"
        "<Record action='https://app/done' maxLength='55' recordingStatusCallback='https://app/rs'/></Response>"
    ),
    "https://app/done": "<Response><Hangup/></Response>",
    "https://app/support": (
        "<Response><Start><Recording recordingStatusCallback='https://app/rs'/></Start>"
        "<Dial><Number>+15550200001</Number></Dial></Response>"
    ),
    "https://app/payments": (
        "<Response><Dial record='record-from-answer-dual' recordingStatusCallback='https://app/rs'>"
        "<Number>+15550200001</Number></Dial></Response>"
    ),
    "https://app/reminder": "<Response><Say>Hello, this is a reminder from Acme.</Say><Pause length='60'/></Response>",
}


def minute_mix(n_calls: int, *, seed: int = 1) -> Scenario:
    """``n_calls`` calls of about 60 s each, starting one per second."""
    parties: dict[str, Any] = {
        "+15550100001": {"audio": [{"file": str(FIX / "voicemail.wav"), "at": 2.5},
                                   {"file": str(FIX / "voicemail.wav"), "at": 30.0}]},
        "+15550100002": {"audio": {"file": str(FIX / "conversation_caller.wav"), "at": 2.0}},
        "+15550200001": {"audio": [str(FIX / "conversation_agent.wav")], "answer_delay_s": 2.0,
                         "hangup_after_s": CALL_S - 2.0},
        "+15550100004": {"audio": [{"file": str(FIX / "caller.wav"), "at": 3.0},
                                   {"file": str(FIX / "voicemail.wav"), "at": 12.0}],
                         "answer_delay_s": 1.0, "hangup_after_s": CALL_S - 1.0},
    }
    calls: list[dict[str, Any]] = []
    for i in range(n_calls):
        kind = i % 4
        start = float(i)
        if kind == 0:
            calls.append({"from": "+15550100001", "to": "+15559990000", "url": "https://app/voicemail",
                          "start_s": start, "events": [{"at": CALL_S, "hangup": "caller"}]})
        elif kind == 1:
            calls.append({"from": "+15550100002", "to": "+15559990000", "url": "https://app/support",
                          "start_s": start})
        elif kind == 2:
            calls.append({"from": "+15550100002", "to": "+15559990000", "url": "https://app/payments",
                          "start_s": start, "events": [
                              {"at": 26.5, "rest": {"action": "update", "Status": "paused", "PauseBehavior": "skip"}},
                              {"at": 32.5, "rest": {"action": "update", "Status": "in-progress"}}]})
        else:
            calls.append({"from": "+15559990000", "to": "+15550100004", "direction": "outbound-api",
                          "url": "https://app/reminder", "start_s": start,
                          "record": {"Record": True, "RecordingChannels": "dual"}})
    return scenario_from_dict({"seed": seed, "apps": APPS, "parties": parties, "calls": calls},
                              base_dir=ROOT, source="benchmarks/mix.py")
