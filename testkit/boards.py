"""A local stand-in for the Greenhouse and Lever job-board APIs, served over real HTTP."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class BoardServer:
    """A local stand-in for boards-api.greenhouse.io and api.lever.co: routes by path, Lever pages by skip/limit."""

    url: str = ""
    routes: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)

    def answer(self, target: str) -> tuple[int, bytes]:
        self.requests.append(target)
        time.sleep(self.delay)
        parts = urlsplit(target)
        status, body = self.routes.get(parts.path, (404, b'{"status": 404, "error": "Not found"}'))
        query = parse_qs(parts.query)
        if status == 200 and "limit" in query:
            skip, limit = int(query.get("skip", ["0"])[0]), int(query["limit"][0])
            body = json.dumps(json.loads(body)[skip : skip + limit]).encode()
        return status, body


@contextmanager
def serve_boards() -> Iterator[BoardServer]:
    """A BoardServer on a free local port for the length of the block."""
    state = BoardServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = state.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
