"""Issue 10, errors never tracebacks: each failure of ``recsim`` prints one line on stderr
(a short block for several scenario problems) and exits with its documented code."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

import recsim
from recsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
CALL = "{from: '+15550001', to: '+15550002', twiml: '<Response><Pause length=\"1\"/></Response>'"


def _err(capsys: pytest.CaptureFixture[str], lines: int = 1) -> str:
    """The captured stderr, checked to be at most ``lines`` lines and without a traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert 0 < len(err.strip().splitlines()) <= lines, err
    return err


def _scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _one_call(tmp_path: Path, extra: str) -> str:
    return _scenario(tmp_path, f"calls:\n  - {CALL}, {extra}}}\n")


# ------------------------------------------------------------------ exit 3: the output folder
def test_out_that_is_a_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    assert main(["run", "--out", str(target), "--quiet"]) == 3
    err = _err(capsys)
    assert "--out" in err and "is a file" in err
    assert target.read_text() == "not a folder"


def test_media_file_inside_out_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "media").write_text("x")
    assert main(["run", "--out", str(out), "--quiet"]) == 3
    assert "media" in _err(capsys)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_full_or_read_only_filesystem_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """An OSError that no layer wrapped (disk full, read-only, no permission) is exit 3."""
    import os

    def fail(*_a: Any, **_k: Any) -> None:
        raise OSError(code, os.strerror(code), str(tmp_path / "out" / "events.jsonl"))

    monkeypatch.setattr("recsim.cli.run", fail)
    assert main(["run", "--out", str(tmp_path / "out"), "--quiet"]) == 3
    err = _err(capsys)
    assert os.strerror(code) in err and "events.jsonl" in err


@pytest.fixture
def small_fs(tmp_path: Path) -> Any:
    """A real 2 MB file system (tmpfs) at ``tmp_path/fs``: needs mount rights (root);
    skipped otherwise (the monkeypatched test above covers the message)."""
    mnt = tmp_path / "fs"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if done.returncode:
        pytest.skip(f"no tmpfs mount here ({done.stderr.strip()[:80]})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_a_real_full_or_read_only_filesystem_leaves_the_folder_as_it_was(
        small_fs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`recsim run` into a folder holding the same run on a file system that is full,
    then read-only: exit 3, one line saying what to do, every stored byte unchanged, no
    ``.part`` file or staging folder; a new folder on a full disk is not created."""
    voicemail, default = str(ROOT / "examples" / "voicemail.yaml"), str(ROOT / "examples" / "default.yaml")
    out = small_fs / "out"
    assert main(["run", voicemail, "--out", str(out), "--quiet"]) == 0
    stored = _files(out)
    with open(small_fs / "filler", "wb") as f, pytest.raises(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    for args in ([voicemail, "--out", str(out)], [default, "--out", str(out), "--overwrite"],
                 [voicemail, "--out", str(small_fs / "new")]):
        assert main(["run", *args, "--quiet"]) == 3
        err = _err(capsys)
        assert "the disk is full" in err and "free some space" in err
    assert _files(out) == stored and not (small_fs / "new").exists()
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    for args in ([voicemail, "--out", str(out)], [default, "--out", str(out), "--overwrite"],
                 [voicemail, "--out", str(out / "sub")], [voicemail, "--out", str(out), "--workers", "2"]):
        assert main(["run", *args, "--quiet"]) == 3
        err = _err(capsys)
        assert "read-only" in err.lower() or "holds another run" in err
    assert _files(out) == stored


def test_output_error_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    from recsim.errors import OutputError

    def fail(*_a: Any, **_k: Any) -> None:
        raise OutputError(f"{tmp_path}: holds the outputs of another run;\nrun with --overwrite to start over")

    monkeypatch.setattr("recsim.cli.run", fail)
    assert main(["run", "--out", str(tmp_path), "--quiet"]) == 3
    assert "--overwrite" in _err(capsys)


@pytest.mark.parametrize("where", ["folder", "not a database", "read-only", "media-dir a file"])
def test_serve_with_an_unusable_db_or_media_dir_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """`recsim serve --db` a folder, a file that is not SQLite, or a file that cannot be
    created printed a sqlite3 traceback; `--media-dir` a file: now exit 3, one line."""
    import sqlite3

    db, media = tmp_path / "recsim.db", tmp_path / "media"
    if where == "folder":
        db.mkdir()
    elif where == "not a database":
        db.write_bytes(b"garbage, not SQLite" * 100)
    elif where == "read-only":
        def refuse(*_a: Any, **_k: Any) -> None:
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr("recsim.store.base.sqlite3.connect", refuse)
    else:
        media.write_text("x")
    assert main(["serve", "--db", str(db), "--media-dir", str(media), "--port", "1"]) == 3
    err = _err(capsys)
    flag = "--media-dir" if where == "media-dir a file" else "--db"
    assert f"{flag} {media if flag == '--media-dir' else db}: cannot" in err


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """uvicorn printed "ERROR: [Errno 98] ... address already in use" and exited 3 (the
    code of an output folder problem): now exit 2 with recsim's one line."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--db", str(tmp_path / "db.sqlite"),
                     "--media-dir", str(tmp_path / "m")]) == 2
    err = _err(capsys)
    assert f"--port {port}: cannot listen there" in err and "choose another --port" in err


# ------------------------------------------------------------------ exit 2: invalid input
def test_non_utf8_scenario_names_the_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("# caf\u00e9\ncalls: []\n".encode("latin-1"))
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    err = _err(capsys)
    assert "latin1.yaml" in err and "UTF-8" in err and "byte 5" in err


@pytest.mark.parametrize(("text", "where"), [("calls: [\n", "line 2, column 1"),
                                             ("a: b: c\n", "line 1, column 5"),
                                             ("a:\n\t- b\n", "line 2, column 1")])
def test_invalid_yaml_is_one_line_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                                 where: str) -> None:
    """PyYAML's message spans four lines with a caret; it is one line naming the place."""
    assert main(["run", _scenario(tmp_path, text, "bad.yaml"), "--out", str(tmp_path / "o")]) == 2
    err = _err(capsys)
    assert f"bad.yaml: not valid YAML at {where}: " in err and "fix the YAML syntax" in err


def test_a_folder_given_as_scenario_is_named_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "is a folder, not a scenario file" in _err(capsys)


@pytest.mark.parametrize("args", [["--shard-calls", "0"], ["--shard-calls", "-1"], ["--workers", "0"],
                                  ["--workers", "-2"], ["--workers", "two"]])
def test_counts_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["run", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o"), *args])
    assert e.value.code == 2
    err = _err(capsys)
    assert args[0] in err and "must be a positive integer" in err


@pytest.mark.parametrize(("args", "needle"), [
    (["--port", "0"], "from 1 to 65535"), (["--port", "65536"], "from 1 to 65535"),
    (["--speed", "0"], "finite number > 0"), (["--speed", "-1"], "finite number > 0"),
    (["--speed", "inf"], "finite number > 0"), (["--speed", "nan"], "finite number > 0"),
    (["--webhook-timeout", "0"], "finite number > 0"), (["--webhook-retries", "-1"], "integer >= 0"),
])
def test_serve_arguments_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                     needle: str) -> None:
    # the missing scenario stops the old code before it serves anything
    with pytest.raises(SystemExit) as e:
        main(["serve", "--scenario", str(tmp_path / "missing.yaml"), *args])
    assert e.value.code == 2
    err = _err(capsys)
    assert args[0] in err and needle in err


@pytest.mark.parametrize(("extra", "field"), [
    ("start_s: .inf", "calls.0.start_s"), ("start_s: 1e12", "calls.0.start_s"),
    ("start_s: .nan", "calls.0.start_s"), ("audio: {synthetic: {seconds: 1e12}}", "calls.0.audio.0.synthetic.seconds"),
    ("events: [{at: .inf, hangup: caller}]", "calls.0.events.0.at"),
])
def test_unbounded_seconds_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str,
                                       field: str) -> None:
    assert main(["run", _one_call(tmp_path, extra), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = _err(capsys)
    assert field in err and "s.yaml" in err
    assert "finite" in err or "less than or equal" in err


def test_alias_bomb_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A billion laughs (mappings of ten aliases, nine levels deep) is refused in well
    under a second, before anything walks it."""
    lines = ["l0: &l0 {" + ", ".join(f"k{i}: lol" for i in range(10)) + "}"]
    lines += [f"l{n}: &l{n} {{" + ", ".join(f"k{i}: *l{n - 1}" for i in range(10)) + "}" for n in range(1, 10)]
    path = _scenario(tmp_path, "\n".join(lines) + "\n", "bomb.yaml")
    t = time.perf_counter()
    assert main(["run", path, "--out", str(tmp_path / "o")]) == 2
    assert time.perf_counter() - t < 1.0
    err = _err(capsys)
    assert "bomb.yaml" in err and "alias" in err


def test_huge_value_is_cut_in_the_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _one_call(tmp_path, "direction: " + "x" * 3_000_000)
    assert main(["run", path, "--out", str(tmp_path / "o")]) == 2
    err = _err(capsys)
    assert len(err) < 1000 and "(3,000,002 characters)" in err and "calls.0.direction" in err


def test_unknown_key_says_did_you_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _scenario(tmp_path, "calls:\n  - {from: '+1', to: '+2', twimll: '<Response/>'}\n")
    assert main(["run", path, "--out", str(tmp_path / "o")]) == 2
    err = _err(capsys, lines=3)
    assert "calls.0.twimll: " in err and "unknown field; did you mean 'twiml'? allowed: from, to," in err


def test_several_problems_are_a_short_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = "".join(f"  - {{from: '+1', to: '+2', twiml: '<Response/>', start_s: -{i}}}\n" for i in range(1, 50))
    assert main(["run", _scenario(tmp_path, "calls:\n" + calls), "--out", str(tmp_path / "o")]) == 2
    err = _err(capsys, lines=22)
    assert "... and 29 more problems" in err


# ------------------------------------------------------------------ exit 4, 5, 130
@pytest.mark.parametrize("target", ["recsim.cli.run", "recsim.batch.run_batch"])
def test_call_flow_failure_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """A SimulationError (a call flow that cannot go on, e.g. a <Record> loop) is exit 4."""
    from recsim.errors import SimulationError

    def fail(*_a: Any, **_k: Any) -> None:
        raise SimulationError("s.yaml: calls[0] (CA1): <Record action> loop: /a -> /a: more than 100 TwiML "
                              "requests;\ngive it an action URL")

    monkeypatch.setattr(target, fail)
    workers = ["--workers", "2"] if target.startswith("recsim.batch") else []
    assert main(["run", "--out", str(tmp_path / "o"), "--quiet", *workers]) == 4
    err = _err(capsys)
    assert "<Record action> loop" in err and "give it an action URL" in err and "outputs left as they were" in err


def test_unreachable_dask_scheduler_exits_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _scenario(tmp_path, "traffic: {calls: 4, mix: [{template: voicemail}]}\n")
    t = time.perf_counter()
    assert main(["run", path, "--out", str(tmp_path / "o"), "--dask", "tcp://127.0.0.1:1", "--quiet"]) == 5
    assert time.perf_counter() - t < 25
    err = _err(capsys)
    assert "tcp://127.0.0.1:1" in err and "--dask" in err


@pytest.mark.parametrize("answer", [b"", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4],
                         ids=["silent", "http"])
def test_a_dask_address_where_something_else_answers_exits_5(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              answer: bytes) -> None:
    """Something that accepts the connection but is not a Dask scheduler: silent, the
    client waited for the handshake forever; another protocol's bytes, read as a frame
    length, were a MemoryError traceback. Both are exit 5 within seconds."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    peers: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            peers.append(conn)
            if answer:
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    path = _scenario(tmp_path, "traffic: {calls: 4, mix: [{template: voicemail}]}\n")
    t = time.perf_counter()
    try:
        assert main(["run", path, "--out", str(tmp_path / "o"), "--dask", address, "--quiet"]) == 5
    finally:
        server.close()
        for conn in peers:
            conn.close()
    assert time.perf_counter() - t < 25
    err = _err(capsys)
    assert address in err and "no Dask scheduler answers there" in err and "Traceback" not in err
    assert not (tmp_path / "o" / "media").exists() or not any((tmp_path / "o" / "media").iterdir())


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    """SIGINT to a running batch: exit 130, one line saying how to resume, no traceback;
    its workers are stopped (nothing is left in its process group) and no ``.part`` file
    or staging folder is left."""
    import os

    proc = subprocess.Popen([sys.executable, "-m", "recsim.cli", "run", str(ROOT / "examples" / "traffic.yaml"),
                             "--out", str(tmp_path / "o"), "--workers", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    shards = tmp_path / "o" / ".shards"
    deadline = time.monotonic() + 60
    while proc.poll() is None and not any(shards.glob("*.staging")) and time.monotonic() < deadline:
        time.sleep(0.01)  # interrupt while a shard is being made, whatever the machine's speed
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("recsim did not stop within 60 s of SIGINT")
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "interrupted" in err and "run the same command again" in err
    time.sleep(0.5)  # a killed worker is gone at once; this only absorbs scheduling delays
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no worker outlives the command
    assert not [p for p in (tmp_path / "o").rglob("*") if p.name.endswith((".part", ".staging"))]


# ------------------------------------------------------------------ options
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"recsim {recsim.__version__}"
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert recsim.__version__ == pyproject["project"]["version"]


def test_run_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out and "130" in out and "--overwrite" in out
    for code in ("0 ", "2 ", "3 ", "4 ", "5 "):
        assert f"\n  {code}" in out


def test_overwrite_is_passed_to_run_and_run_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    class Stop(Exception):
        pass

    def record(*_a: Any, **kwargs: Any) -> None:
        seen.append(kwargs)
        raise Stop

    monkeypatch.setattr("recsim.cli.run", record)
    monkeypatch.setattr("recsim.batch.run_batch", record)
    for extra in ([], ["--workers", "2"]):
        for flag in ([], ["--overwrite"]):
            with pytest.raises(Stop):
                main(["run", "--out", str(tmp_path / "o"), "--quiet", *extra, *flag])
    assert [k["overwrite"] for k in seen] == [False, True, False, True]
