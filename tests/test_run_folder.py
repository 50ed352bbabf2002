"""An output folder holds exactly one run (issue 10): refusals, --overwrite, resume by
fingerprint, staging and rollback, no leftovers, batches that lose nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from recsim import run, scenario_from_dict
from recsim.batch import plan_shards, run_batch
from recsim.errors import ClusterError, OutputError, ScenarioError

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "audio"

VOICEMAIL = ('<Response><Say>Leave a message</Say><Record maxLength="{max}" playBeep="false" '
             'action="https://app.example/done"/></Response>')


def _scenario(max_length: int = 120, seed: int = 1, calls: int = 3, transcribe: bool = False) -> Any:
    tr = ' transcribe="true"' if transcribe else ""
    return scenario_from_dict({
        "seed": seed,
        "apps": {"https://app.example/voice": VOICEMAIL.format(max=max_length).replace("/>", tr + "/>"),
                 "https://app.example/done": "<Response><Hangup/></Response>"},
        "parties": {"+15550000001": {"audio": str(FIX / "caller.wav")}},
        "calls": [{"from": "+15550000001", "to": "+15559990000", "url": "https://app.example/voice",
                   "start_s": 5.0 * i} for i in range(calls)],
    }, base_dir=ROOT)


def _traffic(n: int = 12, seed: int = 3) -> Any:
    mix = [{"template": "voicemail", "weight": 2}, {"template": "dual_dial", "weight": 1},
           {"template": "conference", "weight": 1, "participants": 2}]
    tr = {"calls": n, "arrivals": {"process": "poisson", "rate_per_s": 2.0},
          "call_seconds": {"dist": "uniform", "low": 10, "high": 20}, "mix": mix}
    return scenario_from_dict({"seed": seed, "traffic": tr}, expand=False)


def _tree(d: Path, *, skip_meta: bool = True) -> dict[str, str]:
    out = {}
    for p in sorted(d.rglob("*")):
        rel = p.relative_to(d).as_posix()
        if p.is_file() and not (skip_meta and (rel.startswith(".shards") or rel == "summary.json")):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# ------------------------------------------------------------------ single runs
def test_a_used_folder_is_refused_and_overwrite_replaces_every_old_output(tmp_path: Path) -> None:
    """Running another scenario into a used folder refuses (naming what differs) and
    changes nothing; --overwrite leaves only the new run's files (no old media)."""
    out = tmp_path / "out"
    run(_scenario(seed=1), out_dir=out, formats=("wav", "mp3"))
    before = _tree(out)
    with pytest.raises(OutputError, match=r"another run.*scenario content.*media formats.*--overwrite"):
        run(_scenario(seed=2, calls=1), out_dir=out, formats=("wav",))
    assert _tree(out) == before
    res = run(_scenario(seed=2, calls=1), out_dir=out, formats=("wav",), overwrite=True)
    media = sorted(p.name for p in (out / "media").iterdir())
    assert media == sorted(f"{r.sid}.wav" for r in res.recordings if r.status == "completed")
    fresh = tmp_path / "fresh"
    run(_scenario(seed=2, calls=1), out_dir=fresh, formats=("wav",))
    assert _tree(out) == _tree(fresh)


def test_the_same_run_again_gives_the_same_bytes(tmp_path: Path) -> None:
    """A folder holding the same run is rewritten with identical bytes, no refusal."""
    out = tmp_path / "out"
    run(_scenario(), out_dir=out)
    first = _tree(out, skip_meta=False)
    run(_scenario(), out_dir=out)
    assert _tree(out, skip_meta=False) == first


def test_files_recsim_did_not_write_are_never_removed(tmp_path: Path) -> None:
    """A folder with a user's file is refused, even with overwrite; the file stays."""
    (tmp_path / "notes.txt").write_text("mine")
    for overwrite in (False, True):
        with pytest.raises(OutputError, match=r"did not write \(notes.txt\)"):
            run(_scenario(), out_dir=tmp_path, overwrite=overwrite)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("where", ["out", "media"])
def test_a_file_where_a_folder_goes_is_an_output_error(tmp_path: Path, where: str) -> None:
    """--out that is a file, or media/ existing as a file: OutputError, not a traceback."""
    out = tmp_path / "out"
    if where == "out":
        out.write_text("x")
    else:
        out.mkdir()
        (out / "media").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        run(_scenario(), out_dir=out)


def test_a_run_that_fails_midway_leaves_the_folder_as_it_was(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after earlier calls' media were written (here the disk fills up on the
    second media file) leaves no folder when there was none, and a folder holding the
    same run unchanged; no ``.part`` file or staging folder remains."""
    import recsim.outputs.target

    real = recsim.outputs.target.atomic_write
    writes = {"n": 0}

    def full_disk(path: Any, data: Any) -> None:
        writes["n"] += 1
        if writes["n"] == 2:
            head = data if isinstance(data, bytes) else data[0]  # a media file comes in parts
            Path(str(path) + ".1.part").write_bytes(bytes(head)[:10])  # what a full disk leaves
            raise OutputError(f"{path}: cannot write (the disk is full)")
        real(path, data)

    out = tmp_path / "out"
    monkeypatch.setattr(recsim.outputs.target, "atomic_write", full_disk)
    with pytest.raises(OutputError, match="the disk is full"):
        run(_scenario(), out_dir=out)
    assert not out.exists()
    monkeypatch.setattr(recsim.outputs.target, "atomic_write", real)
    run(_scenario(), out_dir=out)
    before = _tree(out, skip_meta=False)
    writes["n"] = 0
    monkeypatch.setattr(recsim.outputs.target, "atomic_write", full_disk)
    with pytest.raises(OutputError):
        run(_scenario(), out_dir=out)
    assert _tree(out, skip_meta=False) == before
    assert not list(out.rglob("*.part")) and not (out / ".staging").exists()


def test_an_overwrite_that_fails_midway_keeps_the_old_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--overwrite removed the old run before the new one started: a new run that then
    failed (here the disk fills up on its second media file) left an empty folder. Now the
    old outputs are removed only when the new run succeeded."""
    import recsim.outputs.target

    out = tmp_path / "out"
    run(_scenario(seed=1), out_dir=out, formats=("wav", "mp3"))
    before = _tree(out, skip_meta=False)
    real = recsim.outputs.target.atomic_write
    writes = {"n": 0}

    def full_disk(path: Any, data: bytes) -> None:
        writes["n"] += 1
        if writes["n"] == 2:
            raise OutputError(f"{path}: cannot write (the disk is full)")
        real(path, data)

    monkeypatch.setattr(recsim.outputs.target, "atomic_write", full_disk)
    with pytest.raises(OutputError, match="the disk is full"):
        run(_scenario(seed=2, calls=2), out_dir=out, overwrite=True)
    assert writes["n"] == 2 and _tree(out, skip_meta=False) == before
    assert not list(out.rglob("*.part")) and not (out / ".staging").exists()
    monkeypatch.setattr(recsim.outputs.target, "atomic_write", real)
    run(_scenario(seed=2, calls=2), out_dir=out, overwrite=True)
    run(_scenario(seed=2, calls=2), out_dir=tmp_path / "fresh")
    assert _tree(out) == _tree(tmp_path / "fresh")


def test_formats_are_checked_once_for_runs_and_batches(tmp_path: Path) -> None:
    """run_batch(formats=("ogg",)) wrote MP3 bytes into RE....ogg: now both refuse."""
    with pytest.raises(ScenarioError, match=r"'ogg' not allowed; allowed: wav, mp3"):
        run_batch(_traffic(4), tmp_path / "b", formats=("ogg",))
    with pytest.raises(ScenarioError, match=r"'ogg' not allowed"):
        run(_scenario(), out_dir=tmp_path / "r", formats=("ogg",))
    assert not (tmp_path / "b").exists() and not (tmp_path / "r").exists()


@pytest.mark.parametrize("field,value", [("workers", 0), ("workers", -1), ("shard_calls", 0), ("shard_calls", -1)])
def test_batch_counts_below_one_are_refused(tmp_path: Path, field: str, value: int) -> None:
    with pytest.raises(ScenarioError, match=f"{field}: {value} is not allowed"):
        run_batch(_traffic(4), tmp_path, **{field: value})


# ---------------------------------------------------------------------- batches
def test_a_batch_writes_the_transcriptions_a_run_writes(tmp_path: Path) -> None:
    """transcriptions.json was lost by batches: now the same bytes as a run."""

    class Echo:
        def transcribe(self, samples: Any) -> str:
            return f"{samples.shape[0]} samples"

    sc = _scenario(transcribe=True, calls=3)
    run(sc, out_dir=tmp_path / "run", transcription_engine=Echo())
    sc_batch = sc.model_copy(update={"account": sc.account.model_copy(
        update={"transcription_engine": f"{__name__}:EchoEngine"})})
    run(sc_batch, out_dir=tmp_path / "run2")
    run_batch(sc_batch, tmp_path / "batch", shard_calls=1)
    a = json.loads((tmp_path / "run2" / "transcriptions.json").read_text())
    b = json.loads((tmp_path / "batch" / "transcriptions.json").read_text())
    assert len(a) == 3 and a == b
    assert [t["transcription_text"] for t in a] == [t["transcription_text"] for t in
                                                   json.loads((tmp_path / "run" / "transcriptions.json").read_text())]


class EchoEngine:
    """A deterministic engine importable by name (``tests.test_run_folder:EchoEngine``)."""

    def transcribe(self, samples: Any) -> str:
        return f"{samples.shape[0]} samples"


def test_a_conference_reached_by_redirect_stays_in_one_shard(tmp_path: Path) -> None:
    """Shards are grouped by parsing every document a call can reach: two calls that
    <Redirect> (and act through a <Record> action) into one conference give one
    conference recording, never two rows with one RecordingSid, with --shard-calls 1."""
    conf = ('<Response><Dial><Conference record="record-from-start" endConferenceOnExit="true">'
            'customer-support-room-{n}</Conference></Dial></Response>')
    sc = scenario_from_dict({
        "seed": 7,
        "apps": {"https://a.example/in": "<Response><Redirect>https://a.example/room</Redirect></Response>",
                 "https://a.example/in2": ('<Response><Record maxLength="2" timeout="0" playBeep="false" '
                                           'action="https://a.example/room"/></Response>'),
                 "https://a.example/room": conf.format(n=1),
                 "https://a.example/other": conf.format(n=2)},
        "parties": {"+15550000001": {"audio": str(FIX / "caller.wav"), "hangup_after_s": 12},
                    "+15550000002": {"audio": str(FIX / "caller.wav"), "hangup_after_s": 12},
                    "+15550000003": {"audio": str(FIX / "caller.wav"), "hangup_after_s": 12}},
        "calls": [{"from": "+15550000001", "to": "+15559990000", "url": "https://a.example/in"},
                  {"from": "+15550000002", "to": "+15559990000", "url": "https://a.example/in2", "start_s": 1},
                  {"from": "+15550000003", "to": "+15559990000", "url": "https://a.example/other"}],
    }, base_dir=ROOT)
    assert [s.calls for s in plan_shards(sc, 1)] == [(0, 1), (2,)]
    run_batch(sc, tmp_path / "batch", shard_calls=1)
    rows = json.loads((tmp_path / "batch" / "recordings.json").read_text())
    sids = [r["sid"] for r in rows]
    assert len(sids) == len(set(sids))
    conference = [r for r in rows if r["conference_sid"]]
    assert len(conference) == 2 and len({r["conference_sid"] for r in conference}) == 2
    run(sc, out_dir=tmp_path / "run")
    assert _tree(tmp_path / "run") == {k: v for k, v in _tree(tmp_path / "batch").items() if k != "recsim-run.json"} \
        | {"recsim-run.json": _tree(tmp_path / "run")["recsim-run.json"]}


def _interrupted(sc: Any, out: Path, after: int, **kw: Any) -> None:
    def stop(done: int, total: int) -> None:
        if done >= after:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(sc, out, progress=stop, **kw)


@pytest.mark.parametrize("change,message", [
    ({"seed": 4}, "scenario content"),
    ({"shard_calls": 3}, "shard plan"),
    ({"formats": ("wav", "mp3")}, "media formats"),
    ({"media": False}, r"media formats \(--format\): wav before, none \(--media none\) now"),
])
def test_resume_refuses_a_changed_batch(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    """Rerunning an interrupted batch with another seed, --shard-calls or --format
    silently mixed runs: now an OutputError that names what differs."""
    out = tmp_path / "out"
    _interrupted(_traffic(), out, 1, shard_calls=4)
    before = _tree(out, skip_meta=False)
    sc = _traffic(seed=change.get("seed", 3))
    kw = {"shard_calls": change.get("shard_calls", 4), "formats": change.get("formats", ("wav",)),
          "media": change.get("media", True)}
    with pytest.raises(OutputError, match=message):
        run_batch(sc, out, **kw)
    assert _tree(out, skip_meta=False) == before


def test_resume_refuses_an_edited_app(tmp_path: Path) -> None:
    """Editing the scenario (maxLength 120 -> 10) between two runs is noticed."""
    out = tmp_path / "out"
    run_batch(_scenario(max_length=120), out, shard_calls=1)
    with pytest.raises(OutputError, match="scenario content"):
        run_batch(_scenario(max_length=10), out, shard_calls=1)


def test_resume_notices_deleted_media_and_corrupt_shards(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _interrupted(_traffic(), out, 2, shard_calls=4)
    victim = sorted((out / "media").iterdir())[0]
    data = victim.read_bytes()
    victim.unlink()
    with pytest.raises(OutputError, match=f"{victim.name}: missing or changed.*--overwrite"):
        run_batch(_traffic(), out, shard_calls=4)
    victim.write_bytes(data)
    shard = out / ".shards" / "00000.json"
    shard.write_bytes(shard.read_bytes()[:100])
    with pytest.raises(OutputError, match=r"00000\.json: corrupt shard file"):
        run_batch(_traffic(), out, shard_calls=4)
    run_batch(_traffic(), out, shard_calls=4, overwrite=True)
    run_batch(_traffic(), tmp_path / "ref", shard_calls=4)
    assert _tree(out) == _tree(tmp_path / "ref")


def test_resume_refuses_shards_of_the_line_based_stream_format(tmp_path: Path) -> None:
    """A shard written before the framed streams (its manifest lists ``.jsonl``
    streams) is refused by name, not misread by the merge."""
    out = tmp_path / "out"
    _interrupted(_traffic(), out, 1, shard_calls=4)
    shard = out / ".shards" / "00000.json"
    doc = json.loads(shard.read_text())
    doc["streams"] = {name.replace(".frames", ".jsonl"): size for name, size in doc["streams"].items()}
    for name in doc["streams"]:
        (out / ".shards" / f"00000.{name}").write_bytes(b"x" * doc["streams"][name])
    shard.write_text(json.dumps(doc))
    with pytest.raises(OutputError, match=r"00000\.json: made by another recsim version.*--overwrite"):
        run_batch(_traffic(), out, shard_calls=4)


def test_resume_after_interruptions_gives_every_byte_of_an_uninterrupted_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for after in (1, 2):
        _interrupted(_traffic(), out, after, shard_calls=3, workers=2)
        assert not list(out.rglob("*.part"))
    run_batch(_traffic(), out, shard_calls=3, workers=2)
    run_batch(_traffic(), tmp_path / "ref", shard_calls=3)
    assert _tree(out) == _tree(tmp_path / "ref")
    assert json.loads((out / "recsim-run.json").read_text())["complete"] is True


def test_an_unreachable_dask_scheduler_is_a_cluster_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.monotonic()
    with pytest.raises(ClusterError, match=f"127.0.0.1:{port}"):
        run_batch(_traffic(4), tmp_path / "out", dask_address=f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - t < 20
    assert not (tmp_path / "out").exists()


def test_leftover_part_files_and_staging_are_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(_scenario(), out_dir=out)
    (out / "media" / "RE0.wav.99.part").write_bytes(b"half")
    (out / ".staging").mkdir()
    (out / ".staging" / "x").write_bytes(b"x")
    run(_scenario(), out_dir=out)
    assert not list(out.rglob("*.part")) and not (out / ".staging").exists()


def test_a_first_run_killed_before_its_commit_does_not_block_the_next(tmp_path: Path) -> None:
    """SIGKILL of a run into a new folder leaves only ``.staging/`` (and ``*.part``
    files): the same command again was refused ("no manifest", --overwrite needed); now
    it removes those leftovers and runs, as into an empty folder."""
    out = tmp_path / "out"
    (out / ".staging" / "media").mkdir(parents=True)
    (out / ".staging" / "media" / ("RE" + "0" * 32 + ".wav")).write_bytes(b"RIFF half a file")
    (out / ".staging" / "media" / "x.wav.7.part").write_bytes(b"RIFF")
    (out / "recordings.json.7.part").write_bytes(b"[")
    run(_scenario(), out_dir=out)
    run(_scenario(), out_dir=tmp_path / "fresh")
    assert _tree(out, skip_meta=False) == _tree(tmp_path / "fresh", skip_meta=False)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="did not write"):  # anything else is still refused
        run(_scenario(), out_dir=out)


def test_outputs_of_a_run_without_manifest_need_overwrite(tmp_path: Path) -> None:
    """A folder of an older recsim (outputs, no manifest) is not silently mixed."""
    out = tmp_path / "out"
    run(_scenario(), out_dir=out)
    os.remove(out / "recsim-run.json")
    with pytest.raises(OutputError, match="no manifest"):
        run(_scenario(), out_dir=out)
    run(_scenario(), out_dir=out, overwrite=True)
    shutil.rmtree(out)


def test_sigkill_at_random_moments_then_resume_gives_every_byte(tmp_path: Path) -> None:
    """SIGKILL to the whole process group of `recsim run --workers 2` at random moments,
    three times, then the same command to the end: every output byte equals an
    uninterrupted run's, and no ``.part`` file or staging folder remains."""
    import random
    import signal
    import subprocess
    import sys
    import time

    import yaml

    mix = [{"template": "voicemail", "weight": 2}, {"template": "dual_dial", "weight": 1},
           {"template": "conference", "weight": 1, "participants": 2}]
    doc = {"seed": 11, "traffic": {"calls": 60, "arrivals": {"process": "poisson", "rate_per_s": 2.0},
                                   "call_seconds": {"dist": "uniform", "low": 20, "high": 40}, "mix": mix}}
    path = tmp_path / "traffic.yaml"
    path.write_text(yaml.safe_dump(doc))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "recsim.cli", "run", str(path), "--out", str(out), "--workers", "2",
           "--shard-calls", "4", "--format", "wav,mp3", "--quiet"]
    rng = random.Random(20261121)
    shards = out / ".shards"

    def finished() -> int:
        return len(list(shards.glob("*.json"))) if shards.is_dir() else 0

    kills = 0
    for _ in range(3):
        # The moment is chosen by progress, not by wall time (a fast machine finishes
        # the whole batch before any fixed delay): after 0-2 more finished shards,
        # while a shard is being staged, plus a random 0-50 ms.
        target = finished() + rng.randint(0, 2)
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if finished() >= target and any(shards.glob("*.staging")):
                time.sleep(rng.uniform(0.0, 0.05))
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    kills += 1
                break
            time.sleep(0.002)
        proc.wait()
    assert kills >= 2
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ref = subprocess.run([*cmd[:6], str(tmp_path / "ref"), *cmd[7:]], capture_output=True, text=True)
    assert ref.returncode == 0, ref.stderr
    assert _tree(out) == _tree(tmp_path / "ref")
    assert not list(out.rglob("*.part")) and not list(out.rglob("*.staging"))
