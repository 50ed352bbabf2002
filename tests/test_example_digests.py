"""Every bundled example writes the same bytes as before the kernel redesign (issue 12).

``tests/data/example_digests.json`` holds the SHA-256 of every file each example wrote
(WAV and MP3 media, recordings.json, events.jsonl, timelines.jsonl, words.jsonl, the run
manifest) with the code of commit 6c0832f, before the restructuring; since 0.2.0 the
examples run with ``metadata=("json", "words")`` (words.jsonl became opt-in; only the
manifests changed: the version and the metadata in the run's identity). A change that alters any
output byte of an example fails here; a deliberate change of outputs rewrites the
digests with ``python tests/test_example_digests.py --write`` and says why in its commit.

The 10,000-call ``traffic.yaml`` is checked on its first 24 calls (a unit depends only on
the seed and its index), as a batch of 3 shards: the batch path and its merge.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
import yaml

from recsim import load_scenario, run, scenario_from_dict
from recsim.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).parent / "data" / "example_digests.json"
SINGLE = ["conference", "default", "dual_channel_dial", "mobile", "outbound_record", "payment_pause_skip", "serve",
          "voicemail"]
FORMATS = ("wav", "mp3")
#: words.jsonl is written on request only (0.2.0): asked for, so its bytes stay checked.
METADATA = ("json", "words")


def _bytes(out: Path, p: Path) -> bytes:
    if p.name == "summary.json":  # it names the folder it was written in: digest the rest
        summary = json.loads(p.read_text())
        assert summary.pop("out_dir") == str(out)
        return json.dumps(summary, sort_keys=True).encode()
    return p.read_bytes()


def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(_bytes(out, p)).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and ".shards" not in p.parts}


def _write_example(name: str, out: Path) -> dict[str, str]:
    if name == "traffic":
        doc = yaml.safe_load((ROOT / "examples" / "traffic.yaml").read_text())
        doc["traffic"]["calls"] = 24
        scenario = scenario_from_dict(doc, base_dir=ROOT / "examples", expand=False)
        run_batch(scenario, out, workers=1, formats=FORMATS, shard_calls=8, metadata=METADATA)
    else:
        run(load_scenario(ROOT / "examples" / f"{name}.yaml"), out_dir=out, formats=FORMATS, metadata=METADATA)
    return _tree(out)


@pytest.mark.parametrize("name", [*SINGLE, "traffic"])
def test_example_outputs_are_byte_identical_to_the_recorded_digests(name: str, tmp_path: Path) -> None:
    expected = json.loads(DIGESTS.read_text())[name]
    got = _write_example(name, tmp_path / name)
    assert sorted(got) == sorted(expected), "the example wrote other files"
    changed = [k for k in expected if got[k] != expected[k]]
    assert not changed, f"{name}: bytes changed in {changed}"


if __name__ == "__main__":  # python tests/test_example_digests.py --write
    import tempfile

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_example_digests.py --write")
    with tempfile.TemporaryDirectory() as tmp:
        table = {n: _write_example(n, Path(tmp) / n) for n in [*SINGLE, "traffic"]}
    DIGESTS.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS}: {sum(map(len, table.values()))} files")
