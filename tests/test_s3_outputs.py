"""Outputs on object storage (issue 14): a batch written by a Dask cluster of 2 worker
processes straight into a real S3-compatible server (moto's server mode, on loopback,
started and stopped here) through s3fs, object for object the bytes of a local run;
resume and the run-folder rules hold on object storage.

Also ``memory://`` (fsspec's in-process store) for the rules that need no server.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_run_folder import _traffic

from recsim import scenario_from_dict
from recsim.batch import run_batch
from recsim.errors import OutputError

pytest.importorskip("s3fs")
pytest.importorskip("pyarrow")
moto_server = pytest.importorskip("moto.server")

BUCKET = "recsim-test"
ROOT = Path(__file__).resolve().parent.parent


def _listed(n: int = 5) -> Any:
    """Listed calls (no traffic voices to synthesise in each fresh Dask worker)."""
    fix = ROOT / "fixtures" / "audio"
    app = ('<Response><Say>Leave a message</Say><Record maxLength="20" playBeep="true" '
           'action="https://app.example/done"/></Response>')
    return scenario_from_dict({
        "seed": 4,
        "apps": {"https://app.example/voice": app, "https://app.example/done": "<Response><Hangup/></Response>"},
        "parties": {"+15550000001": {"audio": str(fix / "caller.wav")}},
        "calls": [{"from": "+15550000001", "to": "+15559990000", "url": "https://app.example/voice",
                   "start_s": 3.0 * i} for i in range(n)],
    }, base_dir=ROOT)


def _local_tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _remote_tree(fs: Any, root: str) -> dict[str, bytes]:
    fs.invalidate_cache()
    return {p[len(root) + 1:]: fs.cat_file(p) for p in sorted(fs.find(root))}


def _without_out_dir(tree: dict[str, bytes]) -> dict[str, bytes]:
    """summary.json names the folder it was written in; everything else must be equal."""
    summary = json.loads(tree["summary.json"])
    summary.pop("out_dir")
    return {**tree, "summary.json": json.dumps(summary, sort_keys=True).encode()}


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, Any]]:
    """A moto S3 server on 127.0.0.1 (a free port) with one bucket; the storage options
    that reach it."""
    import s3fs

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    options = {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": f"http://{host}:{port}",
                                                                        "region_name": "eu-west-1"}}
    fs = s3fs.S3FileSystem(**options)
    fs.mkdir(BUCKET)
    try:
        yield {"options": options, "fs": fs}
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as client:
        yield client


def test_a_dask_batch_into_s3_writes_every_object_of_a_local_run(s3: dict[str, Any], dask_client: Any,
                                                                  tmp_path: Path) -> None:
    """2 Dask worker processes write media, shard streams and manifests straight into S3;
    the parent merges from S3: every object equals the file of a local 1-process run,
    byte for byte (media, recordings.json, events.jsonl, Parquet, shard files)."""
    url = f"s3://{BUCKET}/run1"
    kw = {"formats": ("wav", "mp3"), "shard_calls": 2, "metadata": ("json", "parquet")}
    res = run_batch(_listed(4), url, dask_client=dask_client, storage_options=s3["options"], **kw)
    run_batch(_listed(4), tmp_path / "ref", **kw)
    remote, local = _remote_tree(s3["fs"], f"{BUCKET}/run1"), _local_tree(tmp_path / "ref")
    assert sorted(remote) == sorted(local)
    assert any(k.startswith("media/") and k.endswith(".wav") for k in remote)
    assert {"recordings.parquet", "events.parquet", "recordings.json", "recsim-run.json"} <= set(remote)
    assert _without_out_dir(remote) == _without_out_dir(local)
    assert res.shards_run == len([k for k in remote if k.startswith(".shards/") and k.endswith(".json")])
    assert json.loads(remote["summary.json"])["out_dir"] == url


def test_resume_on_s3_reruns_only_shards_whose_manifest_is_missing(s3: dict[str, Any], tmp_path: Path) -> None:
    """A shard is done when its manifest object exists and matches: deleting one
    manifest reruns that shard only; a deleted media object or a corrupt manifest is
    refused (naming the object); a changed scenario is refused; the end result equals
    an uninterrupted run's bytes."""
    fs, url, opts = s3["fs"], f"s3://{BUCKET}/run2", s3["options"]
    run_batch(_traffic(6, 5), url, shard_calls=2, storage_options=opts)
    first = _remote_tree(fs, f"{BUCKET}/run2")
    fs.rm(f"{BUCKET}/run2/.shards/00001.json")
    again = run_batch(_traffic(6, 5), url, shard_calls=2, storage_options=opts)
    assert (again.shards_run, again.shards_skipped) == (1, 4)  # 6 units: shards of 2, 1, 1, 1, 1
    resumed = _remote_tree(fs, f"{BUCKET}/run2")
    assert json.loads(resumed.pop("summary.json"))["shards_skipped"] == 4
    assert resumed == {k: v for k, v in first.items() if k != "summary.json"}
    victim = next(k for k in first if k.startswith("media/"))
    fs.rm(f"{BUCKET}/run2/{victim}")
    with pytest.raises(OutputError, match=f"{victim}: missing or changed.*--overwrite"):
        run_batch(_traffic(6, 5), url, shard_calls=2, storage_options=opts)
    fs.pipe_file(f"{BUCKET}/run2/{victim}", first[victim])
    fs.pipe_file(f"{BUCKET}/run2/.shards/00000.json", b"{not json")
    with pytest.raises(OutputError, match=r"00000\.json: corrupt shard file"):
        run_batch(_traffic(6, 5), url, shard_calls=2, storage_options=opts)
    with pytest.raises(OutputError, match=r"another run.*scenario"):
        run_batch(_traffic(6, 6), url, shard_calls=2, storage_options=opts)
    run_batch(_traffic(6, 5), url, shard_calls=2, storage_options=opts, overwrite=True)
    assert _remote_tree(fs, f"{BUCKET}/run2") == first


def test_object_storage_refuses_foreign_objects_and_overwrite_keeps_them() -> None:
    """memory:// (fsspec): objects recsim did not write are named and never removed,
    even with overwrite; --media none writes metadata and no media object."""
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe_file("/foreign/notes.txt", b"mine")
    with pytest.raises(OutputError, match=r"holds files recsim did not write \(notes\.txt\)"):
        run_batch(_traffic(4), "memory://foreign", shard_calls=2, overwrite=True)
    assert fs.cat_file("/foreign/notes.txt") == b"mine"
    res = run_batch(_traffic(4), "memory://nomedia", shard_calls=2, media=False)
    names = [p.split("/nomedia/", 1)[1] for p in fs.find("/nomedia")]
    assert not [n for n in names if n.startswith("media/")]
    assert res.recordings > 0 and "recordings.json" in names
    resources = json.loads(fs.cat_file("/nomedia/recordings.json"))
    assert hashlib.sha256(json.dumps(resources).encode()).hexdigest()  # parsed, whole
    assert len(resources) == res.recordings


def test_a_single_run_into_object_storage_writes_the_bytes_of_a_local_run(tmp_path: Path) -> None:
    """``run(out_dir="memory://...")``: staged under the prefix, moved into place, the
    staging objects gone; every object equals the local run's file."""
    import fsspec

    from recsim import run

    res = run(_listed(3), out_dir="memory://single", formats=("wav", "mp3"))
    run(_listed(3), out_dir=tmp_path / "ref", formats=("wav", "mp3"))
    fs = fsspec.filesystem("memory")
    remote = {p.split("/single/", 1)[1]: fs.cat_file(p) for p in fs.find("/single")}
    assert remote == _local_tree(tmp_path / "ref")
    assert not [k for k in remote if ".staging" in k or k.endswith(".part")]
    assert res.out_dir == "memory://single" and len(res.recordings) == 3


def test_the_command_line_writes_to_a_url_with_media_none_and_parquet(tmp_path: Path) -> None:
    """``recsim run SCENARIO --out memory://... --media none --metadata json,parquet``:
    exit 0, no media object, the JSON and Parquet run files and the manifest."""
    import fsspec
    import yaml

    from recsim.cli import main

    path = tmp_path / "traffic.yaml"
    path.write_text(yaml.safe_dump({"seed": 2, "traffic": {"calls": 3, "mix": [{"template": "voicemail"}],
                                                           "call_seconds": {"dist": "fixed", "value": 12}}}))
    assert main(["run", str(path), "--out", "memory://cli", "--media", "none", "--metadata", "json,parquet",
                 "--quiet"]) == 0
    names = {p.split("/cli/", 1)[1] for p in fsspec.filesystem("memory").find("/cli")}
    assert {"recordings.json", "events.jsonl", "recordings.parquet", "events.parquet", "recsim-run.json"} <= names
    assert not [n for n in names if n.startswith("media/")]


def test_a_failing_batch_into_a_bucket_root_removes_what_it_wrote_and_keeps_the_bucket(
        s3: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch into ``s3://bucket`` (no prefix) whose second media put fails: OutputError,
    every object it wrote removed, the bucket itself kept (and usable again)."""
    from recsim.outputs.remote import FsspecTarget

    fs, opts = s3["fs"], s3["options"]
    fs.mkdir("recsim-root")
    real = FsspecTarget.write
    puts = {"media": 0}

    def failing(self: FsspecTarget, name: str, data: bytes) -> None:
        if name.endswith(".wav"):
            puts["media"] += 1
            if puts["media"] == 2:
                raise OutputError(f"{self.url}/{name}: cannot write (the store refuses it)")
        real(self, name, data)

    monkeypatch.setattr(FsspecTarget, "write", failing)
    with pytest.raises(OutputError, match="the store refuses it"):
        run_batch(_listed(3), "s3://recsim-root", shard_calls=1, storage_options=opts)
    fs.invalidate_cache()
    assert fs.exists("recsim-root") and fs.find("recsim-root") == []
    monkeypatch.setattr(FsspecTarget, "write", real)
    assert run_batch(_listed(3), "s3://recsim-root", shard_calls=1, storage_options=opts).recordings == 3
