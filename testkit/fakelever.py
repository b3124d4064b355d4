"""A local fake of Lever's API: real HTTP on 127.0.0.1, so the real client (bot/ats/lever_api.py) runs end to end.

It serves what a test puts into it, shaped as Lever documents its objects (see bot/ats/lever_api.py for the sources):
opportunities with `contact`, `emails`, `links`, `stage`, `archived` {reason, archivedAt}, `owner` and
`applications`, expanded into objects when `expand` asks; postings with their `text`; archive reasons with `text` and
`type`; stages with `text`. Lists are paged for real, `{"data", "hasNext", "next"}` with `offset=<next>`, and
`page_size` can be made small so that a test crosses pages. Requests without the API key as the Basic user get 401.
Error bodies are `{"code", "message"}` as Lever's are; the codes are this fake's own.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

API_KEY = "lever-test-api-key"
MAX_LIMIT = 100  # Lever's largest page


@dataclass
class Call:
    """One request the client made, as Lever would have seen it; `path` is relative to /v1/."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class Reply:
    """A scripted answer, to make the fake misbehave the ways a real API does (errors, 429s, garbage, slowness)."""

    body: dict[str, Any] | str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def rate_limited(retry_after: int | str = 1) -> Reply:
    """HTTP 429 with Retry-After (seconds, or an HTTP date)."""
    return Reply({"code": "TooManyRequests", "message": "Rate limit exceeded"}, 429, {"Retry-After": str(retry_after)})


def server_error(status: int = 500) -> Reply:
    return Reply({"code": "InternalServerError", "message": "Something went wrong"}, status)


def _error(status: int, code: str, message: str) -> Reply:
    return Reply({"code": code, "message": message}, status)


class FakeLever:
    """Records every call and answers from the data a test put in, page by page."""

    def __init__(self, *, api_key: str = API_KEY) -> None:
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
        self.page_size = MAX_LIMIT
        self._opportunities: dict[str, dict[str, Any]] = {}
        self._applications: dict[str, dict[str, Any]] = {}
        self._postings: dict[str, dict[str, Any]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._stages: list[dict[str, Any]] = []
        self._archive_reasons: list[dict[str, Any]] = []

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port so parallel test runs never collide."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakelever", daemon=True
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
        """What the client takes as its base URL, like https://api.lever.co/v1/."""
        if self._server is None:
            raise RuntimeError("FakeLever is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1/"

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
        """Queue one-shot replies for `path` (e.g. "stages", "opportunities/<id>"); then the default reply returns."""
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
        """Answer every unscripted call to `path` only after `seconds`, until reset(): a slow Lever."""
        with self._lock:
            self._latency[path] = seconds

    # --- the account's data ----------------------------------------------------------------------------------

    def add_stage(self, stage_id: str, text: str) -> None:
        with self._lock:
            self._stages.append({"id": stage_id, "text": text})

    def add_archive_reason(self, reason_id: str, text: str, reason_type: str = "non-hired") -> None:
        """`reason_type` is "hired" or "non-hired", as Lever's `type`."""
        with self._lock:
            self._archive_reasons.append({"id": reason_id, "text": text, "status": "active", "type": reason_type})

    def add_user(self, user_id: str, name: str, email: str) -> None:
        with self._lock:
            username = email.partition("@")[0]
            self._users[user_id] = {"id": user_id, "name": name, "username": username, "email": email}

    def add_posting(self, posting_id: str, text: str) -> None:
        with self._lock:
            self._postings[posting_id] = {"id": posting_id, "text": text, "state": "published"}

    def add_opportunity(
        self,
        opportunity_id: str,
        *,
        contact: str,
        name: str,
        emails: tuple[str, ...] = (),
        links: tuple[str, ...] = (),
        stage: str | None = None,
        owner: str | None = None,
        posting: str | None = None,
        archived: tuple[str, int] | None = None,
    ) -> None:
        """An opportunity and, when `posting` is given, its one application; `archived` is (reason id, ms)."""
        archive = None if archived is None else {"reason": archived[0], "archivedAt": archived[1]}
        application_ids = []
        with self._lock:
            if posting is not None:
                application_id = f"app-{opportunity_id}"
                application_ids.append(application_id)
                self._applications[application_id] = {
                    "id": application_id,
                    "opportunityId": opportunity_id,
                    "candidateId": opportunity_id,
                    "type": "posting",
                    "posting": posting,
                    "archived": archive,
                }
            self._opportunities[opportunity_id] = {
                "id": opportunity_id,
                "name": name,
                "headline": "",
                "contact": contact,
                "stage": stage,
                "confidentiality": "non-confidential",
                "location": "",
                "phones": [],
                "emails": list(emails),
                "links": list(links),
                "archived": archive,
                "tags": [],
                "sources": [],
                "origin": "applied",
                "owner": owner,
                "followers": [],
                "applications": application_ids,
                "createdAt": 1764000000000,
                "isAnonymized": False,
            }

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

    def _default_reply(self, call: Call) -> Reply:
        if not self._authorized(call.headers.get("Authorization", "")):
            return _error(401, "UnauthorizedError", "Invalid API key")
        if call.method != "GET":
            return _error(405, "MethodNotAllowed", f"{call.method} is not served by this fake")
        kind, _, item_id = call.path.partition("/")
        expand = set(call.params.get("expand", []))
        with self._lock:
            if call.path == "stages":
                return self._page(call, self._stages)
            if call.path == "archive_reasons":
                return self._page(call, self._archive_reasons)
            if kind == "opportunities" and item_id in self._opportunities:
                return Reply({"data": self._expanded(self._opportunities[item_id], expand)})
            if kind == "postings" and item_id in self._postings:
                return Reply({"data": dict(self._postings[item_id])})
        return _error(404, "ResourceNotFound", f"{call.path} was not found")

    def _authorized(self, authorization: str) -> bool:
        """Lever's Basic authentication: the API key is the user name, the password is empty."""
        scheme, _, encoded = authorization.partition(" ")
        try:
            user, _, _password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme == "Basic" and user == self.api_key

    def _page(self, call: Call, items: list[dict[str, Any]]) -> Reply:
        """One page of `items` from `offset` (a token from an earlier page's `next`), at most `limit` long."""
        try:
            limit = int(call.params.get("limit", [str(MAX_LIMIT)])[0])
            start = int(call.params["offset"][0].partition(".")[0]) if "offset" in call.params else 0
        except ValueError:
            return _error(400, "BadRequestError", "limit and offset must be what Lever gave")
        if not 1 <= limit <= MAX_LIMIT or not 0 <= start <= len(items):
            return _error(400, "BadRequestError", f"limit must be 1 to {MAX_LIMIT}, offset a token from next")
        end = start + min(limit, self.page_size)
        page: dict[str, Any] = {"data": [dict(item) for item in items[start:end]], "hasNext": end < len(items)}
        if page["hasNext"]:
            page["next"] = f"{end}.{secrets.token_hex(8)}"  # opaque to the client, as Lever's tokens are
        return Reply(page)

    def _expanded(self, opportunity: dict[str, Any], expand: set[str]) -> dict[str, Any]:
        """The opportunity with owner, stage and applications as objects in place of ids, where `expand` asks."""
        shown = dict(opportunity)
        if "owner" in expand and shown["owner"] is not None:
            shown["owner"] = dict(self._users[shown["owner"]])
        if "stage" in expand and shown["stage"] is not None:
            shown["stage"] = next(dict(stage) for stage in self._stages if stage["id"] == shown["stage"])
        if "applications" in expand:
            shown["applications"] = [dict(self._applications[item]) for item in shown["applications"]]
        return shown


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung test client must not keep pytest alive
    fake: FakeLever

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
        if length:
            self.rfile.read(length)
        path = unquote(url.path.removeprefix("/v1/")) if url.path.startswith("/v1/") else url.path
        call = Call(self.command, path, parse_qs(url.query, keep_blank_values=True), dict(self.headers.items()))
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
