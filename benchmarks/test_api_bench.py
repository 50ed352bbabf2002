"""REST emulator benchmarks (group api): requests per second for fetch and list on a store
of 10,000 recordings, and media download throughput; in-process (Starlette TestClient),
so they measure the app, the store and the codecs, not the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from recsim.audio import speech_like
from recsim.server import build

AC = "AC" + "4" * 32
TOKEN = "bench"
N = 10_000


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("api")
    app, backend, sender = build(accounts={AC: TOKEN}, db=tmp / "db.sqlite", media_dir=tmp / "media")
    t0 = backend.sim(AC).epoch.timestamp()
    for i in range(N):
        sid = f"RE{i:032x}"
        backend.store.save({"sid": sid, "account_sid": AC, "call_sid": f"CA{i // 2:032x}", "conference_sid": None,
                            "status": "completed", "duration": "60", "channels": 2, "source": "OutboundAPI",
                            "uri": f"/2010-04-01/Accounts/{AC}/Recordings/{sid}.json"}, t0 + i)
    x = speech_like(60.0, seed=1)
    backend.store.save_media(f"RE{0:032x}", np.stack([x, x[::-1]], axis=1), None)
    yield TestClient(app), Path(tmp)
    sender.close()


@pytest.mark.benchmark(group="api")
def test_fetch_rps(benchmark: Any, api: Any) -> None:
    client, _ = api
    r = benchmark(lambda: client.get(f"/2010-04-01/Accounts/{AC}/Recordings/RE{5000:032x}.json", auth=(AC, TOKEN)))
    assert r.status_code == 200


@pytest.mark.benchmark(group="api")
def test_list_page_rps(benchmark: Any, api: Any) -> None:
    client, _ = api
    r = benchmark(lambda: client.get(f"/2010-04-01/Accounts/{AC}/Recordings.json",
                                     params={"PageSize": 50, "Page": 20}, auth=(AC, TOKEN)))
    assert len(r.json()["recordings"]) == 50


@pytest.mark.benchmark(group="api")
def test_list_filtered_by_call_rps(benchmark: Any, api: Any) -> None:
    client, _ = api
    r = benchmark(lambda: client.get(f"/2010-04-01/Accounts/{AC}/Recordings.json",
                                     params={"CallSid": f"CA{1234:032x}"}, auth=(AC, TOKEN)))
    assert len(r.json()["recordings"]) == 2


@pytest.mark.benchmark(group="api")
def test_download_wav_60s_dual(benchmark: Any, api: Any) -> None:
    client, _ = api
    r = benchmark(lambda: client.get(f"/2010-04-01/Accounts/{AC}/Recordings/RE{0:032x}.wav", auth=(AC, TOKEN)))
    assert len(r.content) == 44 + 60 * 8000 * 4


@pytest.mark.benchmark(group="api")
def test_download_mp3_60s_dual(benchmark: Any, api: Any) -> None:
    client, _ = api
    r = benchmark.pedantic(lambda: client.get(f"/2010-04-01/Accounts/{AC}/Recordings/RE{0:032x}.mp3",
                                              auth=(AC, TOKEN)), rounds=5, iterations=1)
    assert r.headers["content-type"] == "audio/mpeg"


@pytest.mark.benchmark(group="api")
def test_baseline_trivial_route(benchmark: Any, api: Any) -> None:
    """The floor: a route that reads one number (TestClient + FastAPI overhead)."""
    client, _ = api
    assert benchmark(lambda: client.get("/recsim/clock")).status_code == 200
