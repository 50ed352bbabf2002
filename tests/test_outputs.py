"""`recsim run` outputs: recordings.json as the REST API returns it, events.jsonl,
media files, determinism, the default scenario and the CLI."""

from __future__ import annotations

import email.utils
import io
import json
from pathlib import Path

import mutagen.mp3
import mutagen.wave
import pytest

from recsim import load_scenario, run
from recsim.cli import default_scenario_path, main
from recsim.sids import SID_RE

PROPERTIES = {"account_sid", "api_version", "call_sid", "conference_sid", "date_created", "date_updated",
              "start_time", "duration", "sid", "price", "price_unit", "status", "channels", "source",
              "error_code", "uri", "encryption_details", "subresource_uris", "media_url"}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", "--out", str(out), "--format", "wav,mp3", "--quiet"]) == 0
    return out


def test_default_scenario_is_the_four_seed_examples(default_run: Path) -> None:
    """Voicemail <Record>, dual <Start><Recording> with <Dial>, payment paused with skip,
    outbound-api Record=true: all completed from the speech fixtures."""
    recs = json.loads((default_run / "recordings.json").read_text())
    assert [(r["source"], r["status"], r["channels"]) for r in recs] == [
        ("RecordVerb", "completed", 1), ("StartCallRecordingTwiML", "completed", 2),
        ("DialVerb", "completed", 2), ("OutboundAPI", "completed", 2)]
    # the dual <Start><Recording> keeps the ringback before the agent answers (issue 13): 41 -> 45
    assert [r["duration"] for r in recs] == ["25", "45", "39", "14"]
    skip = recs[2]
    assert skip["recsim_untrimmed_duration_s"] == pytest.approx(45.094625 - 6.0)


def test_recordings_json_is_the_rest_resource(default_run: Path) -> None:
    for r in json.loads((default_run / "recordings.json").read_text()):
        assert PROPERTIES <= set(r)
        assert SID_RE.match(r["sid"]) and r["sid"].startswith("RE") and len(r["sid"]) == 34
        assert r["call_sid"].startswith("CA") and len(r["call_sid"]) == 34
        assert r["account_sid"].startswith("AC") and len(r["account_sid"]) == 34
        for key in ("date_created", "date_updated", "start_time"):
            assert email.utils.format_datetime(email.utils.parsedate_to_datetime(r[key])) == r[key]
            assert r[key].endswith("+0000")
        assert r["uri"] == f"/2010-04-01/Accounts/{r['account_sid']}/Recordings/{r['sid']}.json"
        assert r["media_url"] == f"https://api.twilio.com{r['uri'][:-5]}"
        assert isinstance(r["duration"], str) and r["api_version"] == "2010-04-01"


def test_media_files_match_the_resources(default_run: Path) -> None:
    for r in json.loads((default_run / "recordings.json").read_text()):
        wav = mutagen.wave.WAVE(io.BytesIO((default_run / "media" / f"{r['sid']}.wav").read_bytes())).info
        assert (wav.sample_rate, wav.channels, wav.bits_per_sample) == (8000, r["channels"], 16)
        assert wav.length == pytest.approx(r["recsim_duration_s"])
        assert wav.bitrate == 128000 * r["channels"]
        mp3 = mutagen.mp3.MP3(io.BytesIO((default_run / "media" / f"{r['sid']}.mp3").read_bytes())).info
        assert (mp3.sample_rate, mp3.bitrate, mp3.channels) == (8000, 32000, r["channels"])
        assert mp3.length == pytest.approx(r["recsim_duration_s"], abs=576 / 8000)


def test_events_are_in_time_order_with_wire_names(default_run: Path) -> None:
    events = [json.loads(line) for line in (default_run / "events.jsonl").read_text().splitlines()]
    times = [e["time"] for e in events]
    assert times == sorted(times)
    kinds = {e["kind"] for e in events}
    assert {"twiml-request", "recording-status-callback", "api-response"} <= kinds
    cbs = [e for e in events if e["kind"] == "recording-status-callback"]
    assert all(e["method"] == "POST" and e["url"] == "https://app.example.com/recording-status" for e in cbs)
    assert sum(e["parameters"]["RecordingStatus"] == "completed" for e in cbs) == 4


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    """Two runs of one scenario give byte-identical outputs."""
    sc = load_scenario(default_scenario_path())
    a, b = tmp_path / "a", tmp_path / "b"
    run(sc, out_dir=a, formats=("wav", "mp3"))
    run(sc, out_dir=b, formats=("wav", "mp3"))
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 3 + 8 + 1  # metadata (no words.jsonl unless asked), media, manifest
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_another_seed_other_sids(tmp_path: Path) -> None:
    sc = load_scenario(default_scenario_path())
    other = sc.model_copy(update={"seed": sc.seed + 1})
    assert {r.sid for r in run(sc).recordings}.isdisjoint({r.sid for r in run(other).recordings})


def test_cli_reports_errors_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("calls:\n  - {from: '+1', to: '+2', twiml: '<Response/>', direction: up}\n")
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "calls.0.direction" in err and "Traceback" not in err


def test_cli_rejects_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--format", "ogg"])
    assert "allowed formats are wav, mp3" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["voicemail", "dual_channel_dial", "payment_pause_skip", "outbound_record"])
def test_each_seed_example_runs_like_its_part_of_the_default(name: str) -> None:
    """examples/<name>.yaml gives the same recording (duration, channels, samples) as the
    same call inside the default scenario (a call's outputs depend only on itself)."""
    root = default_scenario_path().parent
    alone = run(load_scenario(root / f"{name}.yaml")).recordings
    (rec,) = alone
    together = [r for r in run(load_scenario(root / "default.yaml")).recordings if r.source == rec.source]
    (same,) = together
    assert (rec.duration, rec.channels, rec.status) == (same.duration, same.channels, same.status)
    assert rec.samples is not None and same.samples is not None
    assert rec.samples.tobytes() == same.samples.tobytes()


# ------------------------------------------------------------------ the one pipeline
def test_recording_outputs_is_what_a_run_writes(default_run: Path) -> None:
    """The per-recording entry point of the emulator (``recording_outputs``) gives the
    same resource JSON and the same media bytes as ``recsim run`` wrote."""
    from recsim.outputs import recording_outputs
    from recsim.rest_steps import simulation

    got: dict[str, tuple[dict, dict[str, tuple[bytes | memoryview, ...]]]] = {}
    sim = simulation(load_scenario(default_scenario_path()))
    sim.on_complete = lambda rec: got.__setitem__(rec.sid, recording_outputs(sim, rec, ("wav", "mp3")))
    sim.run()
    written = {r["sid"]: r for r in json.loads((default_run / "recordings.json").read_text())}
    assert set(got) == set(written)
    for sid, (row, media) in got.items():
        assert row["resource"] == written[sid]
        joined = {fmt: b"".join(parts) for fmt, parts in media.items()}  # a WAV is header + a view of the samples
        assert joined == {fmt: (default_run / "media" / f"{sid}.{fmt}").read_bytes() for fmt in ("wav", "mp3")}


def test_the_shard_merge_is_a_stable_k_way_merge_of_sorted_streams(tmp_path: Path) -> None:
    """Merging framed shard streams sorted by key gives the order of one stable sort of
    them all (ties keep shard order), each item's bytes as its shard wrote them."""
    from recsim.batch.frames import frame
    from recsim.batch.merge import merge_streams
    from recsim.batch.shard import shard_name
    from recsim.outputs import FolderTarget

    target = FolderTarget(tmp_path)
    (tmp_path / ".shards").mkdir()
    streams = [[([t, c, 0], f"shard {s} item {t} {c}\nline two".encode()) for t, c in sorted(keys)]
               for s, keys in enumerate([[(0.5, 3), (2.0, 1)], [(0.5, 3), (1.0, 2)], [], [(3.0, 0)]])]
    for k, items in enumerate(streams):
        target.write(shard_name(k, "recordings.frames"), b"".join(frame(key, [data]) for key, data in items))
    expected = sorted((x for items in streams for x in items), key=lambda x: x[0])
    got = [(head["key"], parts[0]) for head, parts in merge_streams(target, len(streams), "recordings.frames")]
    assert got == expected


def test_a_folder_target_writes_whole_files(tmp_path: Path) -> None:
    """FolderTarget.write is atomic_write under the folder: no .part file remains."""
    from recsim.outputs import FolderTarget

    FolderTarget(tmp_path).write("a.json", b"{}")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"] and (tmp_path / "a.json").read_bytes() == b"{}"
