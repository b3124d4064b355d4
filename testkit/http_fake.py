"""What every fake API the tests start shares: real HTTP on an ephemeral 127.0.0.1 port, served by a thread of its
own, so the app's real HTTP clients (slack_sdk's, the ATS clients') are exercised end to end.

A fake subclasses `HttpFake` and says in `_answer` what each request gets; the fake Slack, Lever and Ashby do.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import SplitResult, urlsplit


@dataclass
class Reply:
    """An answer: a JSON body (or raw text or bytes), a status, headers, and a delay before it is sent."""

    body: dict[str, Any] | str | bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """One request as it reached the fake: its method, its URL split, its headers and its body."""

    method: str
    url: SplitResult
    headers: Message
    body: bytes


class HttpFake:
    """Serves `_answer` over HTTP from `start()` to `stop()` (or as a context manager)."""

    name = "fake"  # the serving thread's name, seen in thread dumps

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def _answer(self, request: Request) -> Reply:
        raise NotImplementedError

    def start(self) -> Self:
        """Bind an ephemeral port so parallel test runs never collide."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll: keep per-test teardown fast
            name=self.name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _origin(self) -> str:
        """http://127.0.0.1:<port>, once started."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung test client must not keep pytest alive
    fake: HttpFake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away before its answer (a read timeout, a process the test killed) is expected, not
        worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: per-request lines would drown pytest's output."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._send(self.server.fake._answer(Request(self.command, urlsplit(self.path), self.headers, body)))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if isinstance(reply.body, bytes):
            data = reply.body
        else:
            data = (reply.body if isinstance(reply.body, str) else json.dumps(reply.body)).encode("utf-8")
        self.send_response(reply.status)
        for key, value in {"Content-Type": "application/json; charset=utf-8", **reply.headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
