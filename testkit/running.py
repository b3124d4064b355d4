"""The production app served over real HTTP inside the test process, and the requests and reads tests make of it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import waitress
from slack_sdk import WebClient
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from waitress import wasyncore

from bot.app import create_app
from bot.ats.receiver import receiver_for
from bot.config import Settings
from bot.metrics import Metrics
from bot.oauth import make_oauth_flow
from bot.web import create_wsgi
from jobs.import_candidates import import_candidates
from jobs.role_alerts import deliver_role_alerts
from models import Candidate, Recruiter, Rejection
from models.base import utcnow
from models.db import make_session_factory
from testkit.slack_http import event_body, interactive_body, post_signed, slash_command_body


@dataclass
class RunningApp:
    """The app behind a real HTTP server, and what a test needs to talk to it and check its effects."""

    url: str
    settings: Settings
    sessions: sessionmaker[Session]
    engine: Engine

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"


def serve(settings: Settings, engine: Engine) -> Iterator[RunningApp]:
    """Serve the production WSGI app with waitress on a free port for the length of a test."""
    sessions = make_session_factory(engine)
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    metrics = Metrics(token=settings.metrics_token, sessions=sessions)
    app = create_app(
        settings,
        sessions=sessions,
        deliver_reopen_alerts=metrics.counting("role_alert", deliver_role_alerts),
        import_candidates=import_candidates,
        client=client,
        oauth_flow=make_oauth_flow(settings, engine=engine, client=client) if settings.multi_workspace else None,
    )
    # A short loop timeout lets close() return at once instead of after up to a second.
    server = waitress.create_server(
        create_wsgi(
            app,
            engine,
            signing_secret=settings.slack_signing_secret,
            metrics=metrics,
            ats=receiver_for(settings, sessions=sessions, client=client),
        ),
        host="127.0.0.1",
        port=0,
        asyncore_loop_timeout=0.05,
        asyncore_use_poll=True,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield RunningApp(f"http://127.0.0.1:{server.effective_port}", settings, sessions, engine)
    finally:
        # A lone server's close() leaves its four worker threads running, and with them this app, its engine and
        # their caches: kept for the whole run, they made full garbage collections take seconds late in the suite.
        server.close()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # keep-alive connections still open


def run(
    app: RunningApp, text: str, *, user_id: str = "U0REC", team_id: str = "T0TEST", **fields: Any
) -> dict[str, Any]:
    """Send `/rejected <text>` as Slack would and return the ephemeral reply, checking Slack would accept it."""
    body = slash_command_body(text=text, user_id=user_id, team_id=team_id, **fields)
    reply = post_signed(app.events_url, body)
    assert reply.status == 200, reply.body
    payload = reply.json() if reply.body else {}
    if payload:
        assert payload["response_type"] == "ephemeral"
        assert payload["text"]
    return payload


def submit_view(app: RunningApp, payload: dict[str, Any]) -> dict[str, Any]:
    """Post a view_submission payload as Slack would; the acknowledgement's JSON (errors, a new view), or {}."""
    reply = post_signed(app.events_url, interactive_body(payload))
    assert reply.status == 200, reply.body
    return reply.json() if reply.body else {}


def open_home(app: RunningApp, user_id: str = "U0REC", tab: str = "home", team_id: str = "T0TEST") -> None:
    event = {"type": "app_home_opened", "user": user_id, "channel": "D0DM", "tab": tab, "event_ts": "1700000000.1"}
    reply = post_signed(app.events_url, event_body(event, team_id=team_id), content_type="application/json")
    assert reply.status == 200


def rejections(app: RunningApp) -> list[Rejection]:
    with app.sessions() as session:
        query = select(Rejection).join(Rejection.candidate).order_by(Rejection.id)
        return list(session.scalars(query.execution_options(populate_existing=True)).unique())


def candidates(app: RunningApp) -> list[Candidate]:
    with app.sessions() as session:
        query = select(Candidate).options(selectinload(Candidate.rejections)).order_by(Candidate.id)
        return list(session.scalars(query))


def fresh_recruiter(app: RunningApp, user_id: str = "U0REC") -> None:
    """A recruiter whose time zone was fetched just now, so no handler has reason to fetch it again."""
    with app.sessions.begin() as session:
        session.add(Recruiter(team_id="T0TEST", user_id=user_id, tz="Europe/Berlin", tz_checked_at=utcnow()))


@contextmanager
def transactions_begun(app: RunningApp) -> Iterator[list[Connection]]:
    """Every transaction the app begins in the block, and in the half second after it: work done after the reply
    is done at once."""
    begun: list[Connection] = []

    def count(connection: Connection) -> None:
        begun.append(connection)

    event.listen(app.engine, "begin", count)
    try:
        yield begun
        time.sleep(0.5)
    finally:
        event.remove(app.engine, "begin", count)
