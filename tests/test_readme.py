"""README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import os
import re

import pytest
from conftest import ROOT


def test_readme_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "README.md").read_text()
    code, _mock, emulator = re.findall(r"```python\n(.*?)```", text, re.S)
    compile(emulator, "README.md (recsim serve)", "exec")  # run for real by tests/test_server.py
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out.split("\n")
    duration, exact, shape = out[0].split(" ", 2)
    assert int(duration) == int(float(exact)) and shape.startswith("(")
    assert out[1].split()[0].isdigit()


def test_readme_mock_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's mock_twilio test, run as written against the bundled Flask app."""
    from recsim.testing import mock_twilio

    _, mock, _ = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(mock.strip().splitlines()) < 20
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "apps" / "voicemail_flask"))
    namespace: dict[str, object] = {}
    exec(compile(mock, "README.md (mock_twilio)", "exec"), namespace)
    voicemail = __import__("voicemail_app")
    for seen in voicemail.received.values():
        seen.clear()
    with mock_twilio() as platform:
        namespace["test_voicemail"](platform, monkeypatch)  # type: ignore[operator]
    assert len(voicemail.received["status"]) == 1


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    commands = re.findall(r"^    (python3 -m pip install .*)$", text, re.M)
    assert commands[:2] == ['python3 -m pip install -e . && recsim run',
                            'python3 -m pip install -e ".[dev]" && ruff check . && mypy && lint-imports '
                            '&& python3 -m pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1].split(" && ", 1)[1] in ci
