"""What the fake ATS APIs share: real HTTP on an ephemeral 127.0.0.1 port, every call recorded, and scripted replies
that make a fake misbehave the ways a real API does (errors, 429s, garbage, slowness).

A fake subclasses `FakeApi`, keeps its account's data, and answers unscripted calls in `_default_reply`.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Call:
    """One request the client made; `path` is relative to the API's root (`prefix`)."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        """The request's JSON body, or None when it has none or it is not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


@dataclass
class Reply:
    """A scripted answer: a JSON body (or raw text), a status, headers, and a delay before it is sent."""

    body: dict[str, Any] | str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeApi:
    """Records every call and answers the scripted replies first, else the subclass's `_default_reply`."""

    prefix = "/"  # the API's root path, stripped from each call's path
    name = "fakeapi"

    def __init__(self, *, api_key: str) -> None:
        self.api_key = api_key
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._standing: dict[str, Reply] = {}
        self._latency: dict[str, float] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clear_data()

    def _clear_data(self) -> None:
        """Forget the account's data: subclasses set theirs up here."""

    def _default_reply(self, call: Call) -> Reply:
        raise NotImplementedError

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port so parallel test runs never collide."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
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
    def api_url(self) -> str:
        """What the client takes as its base URL."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    # --- inspection and scripting ----------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, path: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.path == path]

    def reset(self) -> None:
        """Start a new scenario: no calls, scripts, slowness or data."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()
            self._standing.clear()
            self._latency.clear()
            self._clear_data()

    def script(self, path: str, *replies: Reply) -> None:
        """Queue one-shot replies for `path`; then the default reply returns."""
        with self._lock:
            self._scripts[path].extend(replies)

    def answer_every(self, path: str, reply: Reply | None) -> None:
        """Answer every call to `path` with `reply` (an outage) until called with None or reset(); one-shot
        scripted replies still come first."""
        with self._lock:
            if reply is None:
                self._standing.pop(path, None)
            else:
                self._standing[path] = reply

    def slow_down(self, path: str, seconds: float) -> None:
        """Answer every unscripted call to `path` only after `seconds`, until reset(): a slow API."""
        with self._lock:
            self._latency[path] = seconds

    # --- request handling ------------------------------------------------------------------------------------

    def _record(self, call: Call) -> Reply:
        """Record first, then pick the reply, so even slow or failing replies are counted."""
        with self._lock:
            self._calls.append(call)
            queue = self._scripts.get(call.path)
            scripted = (queue.popleft() if queue else None) or self._standing.get(call.path)
            latency = self._latency.get(call.path, 0.0)
        if scripted is not None:
            return scripted
        reply = self._default_reply(call)
        reply.delay = latency
        return reply

    def _authorized(self, call: Call) -> bool:
        """Basic authentication with the API key as the user name and an empty password (Lever's and Ashby's)."""
        scheme, _, encoded = call.headers.get("Authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme == "Basic" and user == self.api_key and not password


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung test client must not keep pytest alive
    fake: FakeApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up before its answer (a read timeout under test) is expected, not worth a traceback."""
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
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        prefix = self.server.fake.prefix
        path = unquote(url.path.removeprefix(prefix)) if url.path.startswith(prefix) else url.path
        params = parse_qs(url.query, keep_blank_values=True)
        call = Call(self.command, path, params, dict(self.headers.items()), body)
        self._send(self.server.fake._record(call))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        data = payload.encode("utf-8")
        self.send_response(reply.status)
        for key, value in {"Content-Type": "application/json; charset=utf-8", **reply.headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
