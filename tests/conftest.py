"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, against a fake Slack over real HTTP."""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import waitress
from slack_sdk import WebClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from waitress import wasyncore

from bot.app import create_app
from bot.ats.receiver import receiver_for
from bot.config import Settings, load_settings, normalize_database_url
from bot.web import create_wsgi
from models import Base
from models.db import database_reachable, make_engine, make_session_factory
from models.migrate import upgrade
from tests.fakeslack import FakeSlack
from tests.slack_http import SIGNING_SECRET

REPO = Path(__file__).resolve().parents[1]
# Every setting Keepwarm reads, as documented in .env.example, so a child process can be given exactly the ones a
# test means and no stray .env can add others.
SETTINGS = tuple(
    line.split("=", 1)[0] for line in (REPO / ".env.example").read_text().splitlines() if re.match(r"^[A-Z_]+=", line)
)
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
BOT_TOKEN = "xoxb-test-token"


@pytest.fixture(scope="session")
def slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack(slack_server: FakeSlack) -> FakeSlack:
    """The fake Slack Web API, with no calls recorded and no replies scripted."""
    slack_server.reset()
    return slack_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A schema of its own in the PostgreSQL test database, migrated from scratch, so runs never collide.

    CI fails rather than skips when the server is down.
    """
    base = normalize_database_url(os.environ.get("TEST_DATABASE_URL") or POSTGRES_DEFAULT)
    admin = make_engine(base)
    if not database_reachable(admin):
        message = f"PostgreSQL is not reachable at {base}: start it, or set TEST_DATABASE_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = f"keepwarm_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'keepwarm.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def make_env(*, database_url: str, fake_slack: FakeSlack, **extra: str) -> dict[str, str]:
    """The environment a test deployment of Keepwarm runs with."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": database_url,
        **extra,
    }


def child_env(**settings: str) -> dict[str, str]:
    """For a `python -m …` child: PATH, HOME, the repo on PYTHONPATH, every setting blank but `settings`.

    python-dotenv never overrides a variable that exists, and empty means unset, so no .env leaks in.
    """
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "PYTHONPATH": str(REPO)}
    env.update(dict.fromkeys(SETTINGS, ""))
    env.update(settings)
    return env


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
    app = create_app(settings, sessions=sessions, client=client)
    # A short loop timeout lets close() return at once instead of after up to a second.
    server = waitress.create_server(
        create_wsgi(
            app,
            engine,
            signing_secret=settings.slack_signing_secret,
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


@pytest.fixture
def app_env() -> dict[str, str]:
    """Extra settings for the app under test; a test overrides this fixture or updates the dict before `running`."""
    return {}


@pytest.fixture
def running(database_url: str, fake_slack: FakeSlack, engine: Engine, app_env: dict[str, str]) -> Iterator[RunningApp]:
    settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack, **app_env))
    yield from serve(settings, engine)


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds: the simplest proof that nothing was written."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in inspect(connection).get_table_names()
            if table != "alembic_version"
        }
