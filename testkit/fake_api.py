"""What the fake ATS APIs share: every call recorded, and scripted replies that make a fake misbehave the ways a real
API does (errors, 429s, garbage, slowness), served over real HTTP by `testkit.http_fake`.

A fake subclasses `FakeApi`, keeps its account's data, and answers unscripted calls in `_default_reply`.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from testkit.http_fake import HttpFake, Reply, Request


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


class FakeApi(HttpFake):
    """Records every call and answers the scripted replies first, else the subclass's `_default_reply`."""

    prefix = "/"  # the API's root path, stripped from each call's path
    name = "fakeapi"

    def __init__(self, *, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._standing: dict[str, Reply] = {}
        self._latency: dict[str, float] = {}
        self._clear_data()

    def _clear_data(self) -> None:
        """Forget the account's data: subclasses set theirs up here."""

    def _default_reply(self, call: Call) -> Reply:
        raise NotImplementedError

    @property
    def api_url(self) -> str:
        """What the client takes as its base URL."""
        return f"{self._origin}{self.prefix}"

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

    def _answer(self, request: Request) -> Reply:
        url = request.url
        path = unquote(url.path.removeprefix(self.prefix)) if url.path.startswith(self.prefix) else url.path
        params = parse_qs(url.query, keep_blank_values=True)
        return self._record(Call(request.method, path, params, dict(request.headers.items()), request.body))

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
