"""Live servers on free loopback ports for the emulator tests: recsim serve (uvicorn in
a thread) and a user's webhook app that answers TwiML and records every request."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class UvicornThread:
    """Run an ASGI app on 127.0.0.1:port in a background thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> UvicornThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Hit:
    method: str
    url: str
    path: str
    params: dict[str, str]
    signature: str | None


@dataclass
class WebhookApp:
    """The user's application: TwiML at /twiml (a long pause), 204 elsewhere."""

    twiml: str = "<Response><Pause length='600'/></Response>"
    hits: list[Hit] = field(default_factory=list)
    fail_paths: set[str] = field(default_factory=set)

    def start(self) -> WebhookApp:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = {k: v[0] for k, v in parse_qs(body if method == "POST" else parts.query).items()}
                url = f"http://127.0.0.1:{app.port}{self.path}"
                app.hits.append(Hit(method, url, parts.path, params, self.headers.get("X-Twilio-Signature")))
                if parts.path in app.fail_paths:
                    self.send_response(500)
                    self.end_headers()
                    return
                if parts.path == "/twiml":
                    data = app.twiml.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self.send_response(204)
                    self.end_headers()

            def do_POST(self) -> None:
                self._handle("POST")

            def do_GET(self) -> None:
                self._handle("GET")

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
