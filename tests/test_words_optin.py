"""Words are captured on request (0.2.0): ``metadata`` ``words`` (``--metadata json,words``)
writes ``words.jsonl`` and fills ``RunResult.words``; without it no recording's words are
captured, except what a ``<Record transcribe>`` transcription reads, which is the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from recsim import load_scenario, run, scenario_from_dict
from recsim.batch import run_batch
from recsim.cli import main
from recsim.errors import OutputError, ScenarioError

ROOT = Path(__file__).resolve().parents[1]
VOICEMAIL = ROOT / "examples" / "voicemail.yaml"


def _transcribing() -> Any:
    """examples/voicemail.yaml with its <Record transcribe="true">."""
    doc = yaml.safe_load(VOICEMAIL.read_text())
    app = "https://app.example.com/voicemail"
    doc["apps"][app] = doc["apps"][app].replace("<Record ", '<Record transcribe="true" ')
    return scenario_from_dict(doc, base_dir=VOICEMAIL.parent)


def _files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and "media" not in p.parts}


def test_a_default_run_captures_no_words_and_says_how_to_ask(tmp_path: Path) -> None:
    res = run(_transcribing(), out_dir=tmp_path / "out")
    assert _files(tmp_path / "out") == {"recordings.json", "events.jsonl", "timelines.jsonl", "transcriptions.json",
                                        "recsim-run.json"}
    sid = res.recordings[0].sid
    assert res.recordings[0].words is None
    with pytest.raises(ValueError, match=r'metadata=\("json", "words"\).*--metadata json,words'):
        res.words(sid)


def test_transcriptions_are_the_same_with_and_without_words(tmp_path: Path) -> None:
    """The reference engine reads the captured words itself: asking for words.jsonl
    changes no transcription text, and each transcribed recording's text is its words."""
    sc = _transcribing()
    plain = run(sc, out_dir=tmp_path / "plain")
    worded = run(sc, out_dir=tmp_path / "worded", metadata=("json", "words"))
    texts = [t["transcription_text"] for t in plain.transcriptions]
    assert texts and texts == [t["transcription_text"] for t in worded.transcriptions]
    for t in worded.transcriptions:
        words = worded.words(t["recording_sid"])
        assert t["transcription_text"] == " ".join(w["word"] for w in sorted(words, key=lambda w: w["start"]))
    for name in ("recordings.json", "events.jsonl", "timelines.jsonl", "transcriptions.json"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "worded" / name).read_bytes(), name


def test_words_alone_writes_only_words_jsonl(tmp_path: Path) -> None:
    sc = load_scenario(VOICEMAIL)
    run(sc, out_dir=tmp_path / "both", metadata=("json", "words"))
    res = run(sc, out_dir=tmp_path / "words", metadata=("words",))
    assert _files(tmp_path / "words") == {"words.jsonl", "recsim-run.json"}
    data = (tmp_path / "words" / "words.jsonl").read_bytes()
    assert data == (tmp_path / "both" / "words.jsonl").read_bytes() and data.count(b"\n") > 10
    first = json.loads(data.splitlines()[0])
    assert res.words(first["recording_sid"])[0] == first


def test_a_batch_writes_words_jsonl_without_the_json_files(tmp_path: Path) -> None:
    sc = load_scenario(VOICEMAIL)
    run(sc, out_dir=tmp_path / "run", metadata=("json", "words"))
    run_batch(sc, tmp_path / "batch", shard_calls=1, metadata=("words",))
    assert {"words.jsonl", "summary.json"} <= _files(tmp_path / "batch")
    assert "recordings.json" not in _files(tmp_path / "batch")
    assert (tmp_path / "batch" / "words.jsonl").read_bytes() == (tmp_path / "run" / "words.jsonl").read_bytes()


def test_asking_for_words_on_a_folder_without_them_is_another_run(tmp_path: Path) -> None:
    """The metadata sets are part of a run's identity: a folder of a run without words
    is not silently completed with words.jsonl (nor the reverse)."""
    sc = load_scenario(VOICEMAIL)
    run(sc, out_dir=tmp_path / "out")
    with pytest.raises(OutputError, match=r"metadata files \(--metadata\)"):
        run(sc, out_dir=tmp_path / "out", metadata=("json", "words"))
    run(sc, out_dir=tmp_path / "out", metadata=("json", "words"), overwrite=True)
    assert (tmp_path / "out" / "words.jsonl").stat().st_size > 0


@pytest.mark.parametrize("metadata", [("parquet",), ("json", "text"), ()])
def test_run_refuses_metadata_it_does_not_write(metadata: tuple[str, ...]) -> None:
    with pytest.raises(ScenarioError, match=r"metadata: .*not allowed; allowed: json, words"):
        run(load_scenario(VOICEMAIL), metadata=metadata)


def test_cli_metadata_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(VOICEMAIL), "--out", str(out), "--metadata", "json,words", "-q"]) == 0
    lines = (out / "words.jsonl").read_text().splitlines()
    keys = {"recording_sid", "call_sid", "channel", "track", "word", "start", "end"}
    assert lines and set(json.loads(lines[0])) == keys
    with pytest.raises(SystemExit) as e:
        main(["run", str(VOICEMAIL), "--out", str(tmp_path / "bad"), "--metadata", "json,word"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "'word' not allowed; allowed: json, parquet, words" in err and "Traceback" not in err
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("flag", ["--report", "--plot"])
def test_cli_refuses_a_report_without_the_json_it_reads(tmp_path: Path, flag: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(VOICEMAIL), "--out", str(tmp_path / "o"), "--metadata", "words", flag]) == 2
    err = capsys.readouterr().err
    assert "--plot and --report read the json metadata files; add json" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
