"""The WSGI application served in HTTP mode: Slack's requests, a health check and the ATS webhooks (bot.ats).

Every POST to /slack/events is checked here, in this order, before Bolt sees it: a UTF-8 body (else 400), a valid
signature inside Slack's five minutes (else 401), a body of Slack's shape (else 400, bot.slack_body), and a signature
not already taken (else 409, bot.replays). Slack's ssl_check alone is answered unsigned, as Bolt does.

Why here: Bolt 1.30 reads the timestamp with int() and parses the body before it checks the signature, so junk anyone
could send crashed it into a 500; and its parser takes any form body containing the word "payload" for interactivity.
Bolt is handed the body already parsed, as JSON, which it reads unambiguously; its own signature check is turned off
in bot.app, as its documentation allows when a layer in front has verified the request.

Every request is counted and timed (bot.metrics), labelled by its route: a Slack request by its kind and workspace
only once its signature holds, so nobody unsigned can add labels.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.ats.receiver import PATH_PREFIX as ATS_PREFIX
from bot.ats.receiver import AtsReceiver
from bot.metrics import METRICS_PATH, Metrics, slack_kind, slack_team, tag
from bot.replays import SeenSignatures
from bot.slack_body import BodyError, read_body
from bot.wsgi_io import WSGIApp, json_answer, raw_body
from models.db import database_reachable

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds; int() alone would also take "-1", " 1" and "1_0"
_RETRY_HEADER = "x-slack-retry-num"


def create_wsgi(
    app: App, engine: Engine, *, signing_secret: str, metrics: Metrics, ats: AtsReceiver | None = None
) -> WSGIApp:
    """`POST /slack/events` goes to Bolt once checked; `GET /healthz` says whether the database answers;
    `/ats/<name>` goes to the ATS receivers when any is switched on; `GET /metrics` to the metrics (bot.metrics); in
    multi-workspace mode, `GET /slack/install` and `GET /slack/oauth_redirect` go to Bolt's OAuth flow.

    Bolt's WSGI adapter answers 404 for any path it does not own, so it only ever sees its own paths."""
    slack = CheckedRequestHandler(app, signing_secret=signing_secret, path=EVENTS_PATH)
    flow = app.oauth_flow
    install_paths = () if flow is None else (flow.install_path, flow.redirect_uri_path)
    install = SlackRequestHandler(app, path=EVENTS_PATH)  # it serves the flow's two GETs; POSTs never reach it

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            tag(environ, "slack")  # until its signature and shape are checked
            return slack(environ, start_response)
        if path in install_paths and environ.get("REQUEST_METHOD") == "GET":
            return install(environ, start_response)
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            tag(environ, "health")
            healthy = database_reachable(engine)
            status = 200 if healthy else 503
            return json_answer(start_response, status, {"ok": healthy, "database": "ok" if healthy else "unreachable"})
        if path.startswith(ATS_PREFIX) and ats is not None:
            return ats(environ, start_response)
        if path == METRICS_PATH:
            return metrics.endpoint(environ, start_response)
        return json_answer(start_response, 404, {"ok": False, "error": "not_found"})

    return metrics.measured(wsgi)


class CheckedRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, with the request checked and parsed here before it is dispatched."""

    def __init__(self, app: App, *, signing_secret: str, path: str) -> None:
        super().__init__(app, path=path)
        self.verifier = SignatureVerifier(signing_secret)
        self.seen = SeenSignatures()

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        try:
            text = raw_body(request.environ).decode("utf-8")
        except UnicodeDecodeError:
            return _refusal(400, "the body is not UTF-8")
        if _is_ssl_check(text):
            return BoltResponse(status=200, body="")
        timestamp = str(headers.get("x-slack-request-timestamp", ""))
        signature = str(headers.get("x-slack-signature", ""))
        if not (_TIMESTAMP.fullmatch(timestamp) and signature.isascii()):
            return _refusal(401, "invalid request")
        if not self.verifier.is_valid(text, timestamp, signature):
            return _refusal(401, "invalid request")
        try:
            body = read_body(text, str(headers.get("content-type", "")))
        except BodyError as problem:
            return _refusal(400, str(problem))
        tag(request.environ, slack_kind(body), slack_team(body))
        if not self.seen.first_sight(signature, timestamp=int(timestamp), now=time.time()):
            return _repeat(is_retry=_RETRY_HEADER in headers)
        return self.app.dispatch(
            BoltRequest(
                body=json.dumps(body),
                query=request.query_string,
                headers={**headers, "content-type": "application/json"},
            )
        )


def _is_ssl_check(text: str) -> bool:
    """Slack's check of our certificate, which Bolt answers before any signature check: it does nothing but say 200."""
    return "ssl_check=1" in text and not text.startswith("{") and dict(parse_qsl(text)).get("ssl_check") == "1"


def _repeat(*, is_retry: bool) -> BoltResponse:
    """A signature seen before is never processed again.

    Slack never retries a slash command or a click, so a repeat of those is a replay and is refused. It does retry
    Events API deliveries (marking them X-Slack-Retry-Num) when our answer was slow or failed; a retry whose signature
    we have seen is one we already took, so it is acknowledged, which stops Slack retrying, and not run twice.
    """
    if is_retry:
        return BoltResponse(status=200, body="")
    return _refusal(409, "this request was already received")


def _refusal(status: int, error: str) -> BoltResponse:
    return BoltResponse(status=status, body={"error": error})
