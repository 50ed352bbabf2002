"""One recsim run at a time in a local output folder (recsim/outputs/lock.py): a second
run or batch into a folder in use refuses at once and touches nothing; the first ends as
if alone; a killed run, or a forked child of one, never blocks the next.

Real concurrency throughout: the first run is a thread or a process held inside its
``progress`` callback (its folder claimed, its outputs staged or its first shard done,
nothing committed) until the test lets it go."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from recsim import load_scenario, run
from recsim.batch import run_batch
from recsim.cli import main
from recsim.errors import OutputError
from recsim.outputs.lock import lock_path, output_lock

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "examples" / "default.yaml"  # 4 calls: 4 shards with shard_calls=1
IN_USE = "another recsim run"

#: A process that runs ``default.yaml`` into ``argv[2]`` (``run``, or ``batch`` on 2
#: workers) and holds in its first progress call after a call or shard ended: prints "held", waits for a line on stdin.
HOLDER = """
import sys
from recsim import load_scenario, run
from recsim.batch import run_batch
held = []
def hold(done, total):
    if done and not held:
        held.append(1)
        print("held", flush=True)
        sys.stdin.readline()
scenario = load_scenario(sys.argv[3])
if sys.argv[1] == "run":
    run(scenario, out_dir=sys.argv[2], progress=hold)
else:
    run_batch(scenario, sys.argv[2], workers=2, shard_calls=1, progress=hold)
print("done", flush=True)
"""


def _files(d: Path) -> dict[str, bytes]:
    """Every file under ``d`` (staging folders and shards too) and its bytes."""
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _outputs(d: Path) -> dict[str, bytes]:
    """The files of a finished run but ``summary.json`` (a batch's names its folder)."""
    return {k: v for k, v in _files(d).items() if k != "summary.json"}


@contextmanager
def _held(job: Callable[..., Any], out: Path, **kw: Any) -> Iterator[Callable[[], None]]:
    """Run ``job(scenario, out, progress=...)`` in a thread held in its first progress
    call after a call or shard ended; yields ``finish()``: let it go, join it, raise what it raised."""
    reached, go, errors = threading.Event(), threading.Event(), []

    def hold(done: int, total: int) -> None:
        if done:  # a batch's first call (0 shards done) comes before any shard
            reached.set()
            assert go.wait(30)

    def body() -> None:
        try:
            job(load_scenario(DEFAULT), out, progress=hold, **kw)
        except BaseException as exc:  # re-raised by finish()
            errors.append(exc)
            reached.set()

    thread = threading.Thread(target=body)
    thread.start()

    def finish() -> None:
        go.set()
        thread.join(30)
        assert not thread.is_alive() and not errors, errors

    try:
        assert reached.wait(30) and not errors, errors
        yield finish
    finally:
        go.set()
        thread.join(30)


def _single(scenario: Any, out: Path, **kw: Any) -> Any:
    return run(scenario, out_dir=out, **kw)


def _batch(scenario: Any, out: Path, **kw: Any) -> Any:
    return run_batch(scenario, out, shard_calls=1, **kw)


def _refused(attempt: Callable[[], Any], out: Path, pid: int) -> None:
    with pytest.raises(OutputError) as info:
        attempt()
    text = str(info.value)
    assert text.startswith(f"{out.resolve()}: {IN_USE} (pid {pid}) is writing there"), text
    assert "wait for it to finish" in text and "choose another --out" in text


def test_a_run_or_batch_into_a_folder_in_use_is_refused_and_touches_nothing(tmp_path: Path) -> None:
    """While a run holds its staged outputs: the same run, the same run with
    ``overwrite``, a batch, and the same run through a symlink or a ``./`` path are
    refused naming the folder and the pid; no byte of the folder (its staging included)
    changes, nothing is written beside it; the first then ends as a solo run."""
    out = tmp_path / "out"
    (tmp_path / "link").symlink_to(out, target_is_directory=True)
    with _held(_single, out) as finish:
        staged = _files(out)
        assert any(k.startswith(".staging/media/") for k in staged) and "recsim-run.json" not in staged
        beside = sorted(os.listdir(tmp_path))
        for attempt in (lambda: run(load_scenario(DEFAULT), out_dir=out),
                        lambda: run(load_scenario(DEFAULT), out_dir=out, overwrite=True),
                        lambda: run_batch(load_scenario(DEFAULT), out, shard_calls=1),
                        lambda: run(load_scenario(DEFAULT), out_dir=tmp_path / "link")):
            _refused(attempt, out, os.getpid())
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            _refused(lambda: run(load_scenario(DEFAULT), out_dir="./out/"), out, os.getpid())
        finally:
            os.chdir(cwd)
        assert _files(out) == staged and sorted(os.listdir(tmp_path)) == beside
        assert lock_path(out).parent == Path(tempfile.gettempdir()) / "recsim-locks"
        assert lock_path(out).read_text() == f"{os.getpid()}\n"
        finish()
    run(load_scenario(DEFAULT), out_dir=tmp_path / "solo")
    assert _files(out) == _files(tmp_path / "solo")
    run(load_scenario(DEFAULT), out_dir=out)  # free again once the first ended


def test_a_batch_in_progress_is_neither_resumed_nor_cleaned_by_a_second_run(tmp_path: Path) -> None:
    """A batch held after its first shard (manifest incomplete): a second batch of the
    same run, which would resume and clean its leftovers, and a single run are refused;
    the folder is unchanged; the batch ends with a solo batch's bytes."""
    out = tmp_path / "out"
    with _held(_batch, out) as finish:
        before = _files(out)
        assert ".shards/00000.json" in before and b'"complete": false' in before["recsim-run.json"]
        _refused(lambda: run_batch(load_scenario(DEFAULT), out, shard_calls=1), out, os.getpid())
        _refused(lambda: run(load_scenario(DEFAULT), out_dir=out), out, os.getpid())
        assert _files(out) == before
        finish()
    run_batch(load_scenario(DEFAULT), tmp_path / "solo", shard_calls=1)
    assert _outputs(out) == _outputs(tmp_path / "solo")


def test_two_folders_are_written_at_the_same_time(tmp_path: Path) -> None:
    """A run held in one folder does not stop a run and a batch in two others; each
    folder ends with a solo run's bytes."""
    with _held(_single, tmp_path / "a") as finish:
        run(load_scenario(DEFAULT), out_dir=tmp_path / "b")
        run_batch(load_scenario(DEFAULT), tmp_path / "c", shard_calls=1)
        finish()
    run(load_scenario(DEFAULT), out_dir=tmp_path / "solo")
    run_batch(load_scenario(DEFAULT), tmp_path / "solo-batch", shard_calls=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b") == _files(tmp_path / "solo")
    assert _outputs(tmp_path / "c") == _outputs(tmp_path / "solo-batch")


def _holder(kind: str, out: Path) -> subprocess.Popen[str]:
    """A process running ``kind`` into ``out``, returned once held (its own process group)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, kind, str(out), str(DEFAULT)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "held\n", (line, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    out, err = proc.communicate("go\n", timeout=30)
    assert proc.returncode == 0 and out.endswith("done\n"), err


def test_the_cli_refuses_a_folder_in_use_in_one_line_with_exit_3(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`recsim run` (single and ``--workers 2``) into a folder another process is writing:
    exit 3 (an output folder problem), one line naming the folder, the other run's pid and
    what to do; the folder is unchanged and the other run ends normally."""
    out = tmp_path / "out"
    proc = _holder("run", out)
    try:
        before = _files(out)
        for extra in ([], ["--workers", "2"], ["--overwrite"]):
            assert main(["run", str(DEFAULT), "--out", str(out), "--quiet", *extra]) == 3
            err = capsys.readouterr().err
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert f"{out.resolve()}: {IN_USE} (pid {proc.pid}) is writing there" in err
            assert "wait for it to finish, or choose another --out" in err
        assert _files(out) == before
        _release(proc)
    finally:
        proc.kill()
        proc.wait()
    run(load_scenario(DEFAULT), out_dir=tmp_path / "solo")
    assert _files(out) == _files(tmp_path / "solo")


def test_a_batch_killed_with_sigkill_does_not_block_the_next(tmp_path: Path) -> None:
    """SIGKILL to a batch on 2 forked workers (its whole process group) while it holds
    the lock: the same batch right after runs (it resumes) and gives a solo batch's bytes."""
    out = tmp_path / "out"
    proc = _holder("batch", out)
    with pytest.raises(OutputError, match=IN_USE):
        run_batch(load_scenario(DEFAULT), out, shard_calls=1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    run_batch(load_scenario(DEFAULT), out, shard_calls=1)
    run_batch(load_scenario(DEFAULT), tmp_path / "solo", shard_calls=1)
    assert _outputs(out) == _outputs(tmp_path / "solo")


FORKER = """
import os, sys, time
from recsim.outputs.lock import output_lock
with output_lock(sys.argv[1]):
    child = os.fork()
    if child == 0:  # holds a copy of every descriptor the parent had at the fork
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
"""


def test_a_forked_child_does_not_keep_the_lock_of_its_killed_parent(tmp_path: Path) -> None:
    """A process holding a folder's lock forks (as a batch forks its workers), then is
    killed with SIGKILL: while its child still lives, a run into the folder goes ahead."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", FORKER, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        with pytest.raises(OutputError, match=rf"{IN_USE} \(pid {proc.pid}\)"), output_lock(out):
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.kill(child, 0)  # still alive
        run(load_scenario(DEFAULT), out_dir=out)
    finally:
        proc.kill()
        proc.wait()
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_object_storage_urls_are_not_locked_and_file_urls_are(tmp_path: Path) -> None:
    """``memory://`` (any object-storage URL) takes no lock: there is no lock across
    machines; a ``file://`` URL is the local folder it names and shares its lock."""
    with output_lock("memory://recsim-lock/a"), output_lock("memory://recsim-lock/a"):
        pass
    with output_lock(tmp_path / "out"):
        with pytest.raises(OutputError, match=IN_USE), output_lock(f"file://{tmp_path}/out"):
            pass
    assert sorted(os.listdir(tmp_path)) == []
