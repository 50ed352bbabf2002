"""What ``recsim`` prints (issue 16): ``--version``, ``--help`` for users, ``-q`` and
``-v``, the warnings summary at the end of a run, whole RecordingSids in the summary
table, no hard wrapping when piped, ``recsim report``, and where ``recsim serve`` keeps
media."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from recsim import run
from recsim._version import __version__
from recsim.cli import main
from recsim.cli.printing import print_run
from recsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
#: Four calls whose <Record> has invalid attributes: four 13611 (timeout) and one 13612 (maxLength).
WARNED = """calls:
  - {from: '+15550001', to: '+15550002', twiml: '<Response><Record timeout="-3" maxLength="abc"/></Response>'}
  - {from: '+15550003', to: '+15550002', twiml: '<Response><Record timeout="x"/></Response>'}
  - {from: '+15550004', to: '+15550002', twiml: '<Response><Record timeout="y"/></Response>'}
  - {from: '+15550005', to: '+15550002', twiml: '<Response><Record timeout="z"/></Response>'}
"""


@pytest.fixture
def warned(tmp_path: Path) -> str:
    path = tmp_path / "warned.yaml"
    path.write_text(WARNED)
    return str(path)


def _recsim(*args: str, columns: int = 40) -> subprocess.CompletedProcess[str]:
    """``python -m recsim.cli ARGS`` with stdout and stderr piped, COLUMNS narrow."""
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "recsim.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` prints the version; ``--help`` says what the tool does and lists
    every command with a sentence, not the module's internals."""
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out == f"recsim {__version__}\n"
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "simulates Twilio call recording offline" in out and "argument parsing" not in out
    for command in ("run", "report", "plot", "serve"):
        assert f"recsim {command}" in out
    assert "-q, --quiet" in out and "-v, --verbose" in out


def test_warnings_are_summarised_at_the_end(warned: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Count per code, then the first three of each code with call and element; ``-v``
    lists all of them; ``-q`` prints nothing at all, even with --plot and --report."""
    assert main(["run", warned, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    events = [json.loads(x) for x in (tmp_path / "a" / "events.jsonl").read_text().splitlines()]
    warned_calls = [e["call_sid"] for e in events if e.get("code") == 13611]
    assert "5 warnings: 13611 x4, 13612 x1" in out
    lines = [x for x in out.splitlines() if x.startswith("  13611 at")]
    assert [next(c for c in warned_calls if c in x) for x in lines] == warned_calls[:3]
    assert all("Response/Record[1] timeout=" in x for x in lines)
    assert "13611: 1 more" in out and "maxLength='abc'" in out
    assert main(["run", warned, "--out", str(tmp_path / "a"), "-v"]) == 0
    out = capsys.readouterr().out
    assert len([x for x in out.splitlines() if x.startswith("  13611 at")]) == 4 and "more" not in out
    kinds = {e["kind"] for e in events}
    assert "debugger-warning x5" in out and all(k in out.split("events by kind: ")[1] for k in kinds)
    assert main(["-q", "run", warned, "--out", str(tmp_path / "b"), "--plot", "--report"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["run", warned, "--out", str(tmp_path / "b"), "--report", "-q"]) == 0  # the same run goes on
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "b" / "plots" / "summary.png").is_file() and (tmp_path / "b" / "report.html").is_file()


def test_summary_table_keeps_whole_recording_sids(warned: str) -> None:
    """On a 100-column terminal each RecordingSid is printed whole, on one line."""
    res = run(load_scenario(warned))
    buf = io.StringIO()
    print_run(Console(file=buf, width=100, force_terminal=True, color_system=None), res, 4, 1.0, 1.0)
    text = buf.getvalue()
    assert len(res.recordings) == 4
    for r in res.recordings:
        assert r.sid in text
    assert max(len(x) for x in text.splitlines()) <= 100


def test_piped_output_and_errors_are_not_hard_wrapped(warned: str, tmp_path: Path) -> None:
    """Piped with COLUMNS=40: an error is one line, and each warning line is whole."""
    missing = tmp_path / ("a-long-folder-name-" * 4) / "scenario.yaml"
    done = _recsim("run", str(missing), "--out", str(tmp_path / "o"))
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1 and len(done.stderr) > 80
    done = _recsim("run", warned, "--out", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stdout.splitlines() if x.startswith("  13612 at")]
    assert len(lines) == 1 and lines[0].endswith("using the default 3600 (120 with transcribe)")


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``recsim report DIR`` writes DIR/report.html (or --html FILE); a folder without a
    run is exit 3 with one line naming the missing file."""
    out = tmp_path / "run"
    run(load_scenario(ROOT / "examples" / "voicemail.yaml"), out_dir=out, keep_samples=False)
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert f"{out / 'report.html'}" in capsys.readouterr().out
    sid = json.loads((out / "recordings.json").read_text())[0]["sid"]
    assert sid in html and f"media/{sid}.wav" in html
    assert main(["report", str(out), "--html", str(tmp_path / "r.html")]) == 0 and (tmp_path / "r.html").is_file()
    assert main(["report", str(tmp_path / "nothing")]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "recordings.json: missing" in err


def test_serve_keeps_media_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the in-memory database and no --media-dir, media go to a temporary folder
    (removed on exit), never to ./recsim-media; --media-dir is used as given."""
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(Path(app.state.backend.store.media_dir)))
    monkeypatch.chdir(tmp_path)
    assert main(["-q", "serve"]) == 0
    (media,) = served
    assert not media.is_relative_to(tmp_path) and not media.exists() and media.name.startswith("recsim-media-")
    assert not (tmp_path / "recsim-media").exists()
    assert main(["-q", "serve", "--media-dir", str(tmp_path / "m")]) == 0
    assert served[1] == tmp_path / "m"
