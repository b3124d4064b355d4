"""The WSGI application served in HTTP mode: Slack's requests and a health check."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from models.db import database_reachable

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def create_wsgi(app: App, engine: Engine) -> WSGIApp:
    """`POST /slack/events` goes to Bolt (which checks signatures); `GET /healthz` says whether the database answers."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = database_reachable(engine)
            status = "200 OK" if healthy else "503 Service Unavailable"
            return _json(start_response, status, {"ok": healthy, "database": "ok" if healthy else "unreachable"})
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})

    return wsgi


def _json(start_response: Callable[..., Any], status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
