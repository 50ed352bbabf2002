"""Issue 11: README's ``recsim serve`` flow (one call, a dual recording, pause with skip,
resume with Twilio.CURRENT, stop, fetch, WAV download) in-process with
``recsim.mock_twilio`` versus the same flow against ``recsim serve`` on loopback, in the
same run. Goals: in-process at least 20x faster, and under 50 ms per flow. A third
benchmark answers the same client calls from canned responses: the floor that the
twilio client and requests/httpx set for any in-process mock.

Run: ``python -m pytest benchmarks/test_mock_bench.py --benchmark-enable
--benchmark-json=PATH`` (the ratio is in ``extra_info`` of the in-process benchmark).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.rest import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from servers import UvicornThread, WebhookApp

from recsim.server import build
from recsim.testing import mock_twilio

AC, TOKEN = "AC" + "b" * 32, "bench-token"
TWIML = "<Response><Pause length='600'/></Response>"
_times: dict[str, float] = {}


def flow(client: Client, advance: Callable[[float], Any], get: Callable[[str], bytes], voice_url: str) -> None:
    """README's flow; asserts its outcome so a broken platform cannot look fast."""
    call = client.calls.create(to="+15550001111", from_="+15559990000", url=voice_url)
    advance(2)
    rec = client.calls(call.sid).recordings.create(recording_channels="dual")
    advance(5)
    client.calls(call.sid).recordings(rec.sid).update(status="paused", pause_behavior="skip")
    advance(3)
    client.calls(call.sid).recordings("Twilio.CURRENT").update(status="in-progress")
    advance(4)
    client.calls(call.sid).recordings(rec.sid).update(status="stopped")
    advance(3)
    done = client.recordings(rec.sid).fetch()
    assert (done.status, done.duration, done.channels) == ("completed", "9", 2)
    assert len(get(done.uri[:-5] + ".wav")) == 44 + 9 * 8000 * 2 * 2


def _wsgi_twiml(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [TWIML.encode()]


def _in_process(http: httpx.Client) -> None:
    with mock_twilio(account_sid=AC, auth_token=TOKEN) as platform:
        platform.route("https://my-app.example", _wsgi_twiml)
        client = Client(AC, TOKEN)
        flow(client, platform.advance, lambda path: http.get("https://api.twilio.com" + path).content,
             "https://my-app.example/voice")


@pytest.mark.benchmark(group="mock")
def test_flow_against_recsim_serve_on_loopback(benchmark: Any, tmp_path: Path) -> None:
    """The baseline: a live uvicorn server on 127.0.0.1 and a webhook app on another port."""
    hook = WebhookApp(twiml=TWIML).start()
    app, _backend, sender = build(accounts={AC: TOKEN}, media_dir=tmp_path / "media")
    try:
        with UvicornThread(app) as server, httpx.Client(base_url=server.url, auth=(AC, TOKEN)) as http:
            client = Client(AC, TOKEN)
            client.api.base_url = server.url

            def once() -> None:
                http.post("/recsim/reset")
                flow(client, lambda s: http.post("/recsim/clock/advance", json={"seconds": s}),
                     lambda path: http.get(path).content, hook.url + "/twiml")

            benchmark.pedantic(once, rounds=10, iterations=1, warmup_rounds=1)
    finally:
        sender.close()
        hook.stop()
    _times["loopback"] = benchmark.stats.stats.median if benchmark.stats else 0.0


def _canned(http: httpx.Client) -> None:
    """The same calls answered by canned responses (``responses`` and ``respx``, no
    platform): what the twilio client, requests and httpx cost by themselves."""
    import responses
    import respx

    base = f"https://api.twilio.com/2010-04-01/Accounts/{AC}"
    ca, re_ = "CA" + "1" * 32, "RE" + "2" * 32
    done = {"sid": re_, "status": "completed", "duration": "9", "channels": 2,
            "uri": f"/2010-04-01/Accounts/{AC}/Recordings/{re_}.json"}
    wav = b"\0" * (44 + 9 * 8000 * 2 * 2)
    with responses.RequestsMock() as mock, respx.mock:
        mock.add("POST", f"{base}/Calls.json", json={"sid": ca}, status=201)
        mock.add("POST", f"{base}/Calls/{ca}/Recordings.json", json={"sid": re_}, status=201)
        mock.add("POST", f"{base}/Calls/{ca}/Recordings/{re_}.json", json={"sid": re_})
        mock.add("POST", f"{base}/Calls/{ca}/Recordings/Twilio.CURRENT.json", json={"sid": re_})
        mock.add("POST", f"{base}/Calls/{ca}/Recordings/{re_}.json", json={"sid": re_})
        mock.add("GET", f"{base}/Recordings/{re_}.json", json=done)
        respx.get(f"{base}/Recordings/{re_}.wav").mock(return_value=httpx.Response(200, content=wav))
        flow(Client(AC, TOKEN), lambda s: None, lambda path: http.get("https://api.twilio.com" + path).content,
             "https://my-app.example/voice")


@pytest.mark.benchmark(group="mock")
def test_flow_client_floor(benchmark: Any) -> None:
    """The floor of any in-process mock: the flow's client calls against canned answers."""
    with httpx.Client() as http:
        benchmark.pedantic(_canned, args=(http,), rounds=30, iterations=1, warmup_rounds=2)
    _times["floor"] = benchmark.stats.stats.median if benchmark.stats else 0.0


@pytest.mark.benchmark(group="mock")
def test_flow_in_process(benchmark: Any) -> None:
    """recsim.mock_twilio: platform created, flow run and platform closed, per round. The
    download client is made once, as the loopback baseline's is (an ``httpx.Client``
    loads the CA bundle when made: 29 ms, the user's cost in both cases)."""
    with httpx.Client() as http:
        benchmark.pedantic(_in_process, args=(http,), rounds=30, iterations=1, warmup_rounds=2)
    median = benchmark.stats.stats.median if benchmark.stats else 0.0
    benchmark.extra_info["median_ms"] = round(median * 1000, 2)
    if _times.get("loopback") and median:
        benchmark.extra_info["speedup_vs_loopback"] = round(_times["loopback"] / median, 1)
    if _times.get("floor") and median:
        benchmark.extra_info["times_client_floor"] = round(median / _times["floor"], 1)
