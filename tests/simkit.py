"""Small builders for simulator tests: tones, silence, WAV files and scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from recsim import Scenario, scenario_from_dict
from recsim.audio import encode_wav

RATE = 8000


def tone(seconds: float, *, freq: float = 440.0, amp: float = 8000.0) -> np.ndarray:
    n = round(seconds * RATE)
    return np.rint(amp * np.sin(2 * np.pi * freq * np.arange(n) / RATE)).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), np.int16)


def wav(tmp_path: Path, name: str, *parts: np.ndarray) -> str:
    path = tmp_path / name
    path.write_bytes(encode_wav(np.concatenate(parts) if len(parts) > 1 else parts[0]))
    return str(path)


def build(tmp_path: Path, calls: list[dict[str, Any]], **rest: Any) -> Scenario:
    data: dict[str, Any] = {"seed": 7, "epoch": "2026-01-02T03:04:05Z", "calls": calls}
    data.update(rest)
    data.setdefault("account", {})
    # Linear legs, no ringback: these tests assert exact samples of clean audio (issue 13
    # made PCMU legs and ringback the default; pass network=None for the defaults).
    data.setdefault("network", {"codecs": False, "ringback": False})
    data["account"].setdefault("processing_delay_s", 2.0)
    return scenario_from_dict(data, base_dir=tmp_path, source="test.yaml")
