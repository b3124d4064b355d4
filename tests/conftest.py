"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, against a fake Slack (and, for the ATS
processing, a fake Lever API) over real HTTP."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.config import load_settings
from models import Base
from models.db import database_reachable, make_engine, make_session_factory, normalize_database_url
from models.migrate import upgrade
from testkit.env import make_env
from testkit.fakeashby import FakeAshby
from testkit.fakelever import FakeLever
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, serve

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack(slack_server: FakeSlack) -> Iterator[FakeSlack]:
    """The fake Slack Web API, with no calls recorded and no replies scripted; the users and groups a test declares
    or changes are put back afterwards, so no time zone or departure leaks into a later file."""
    slack_server.reset()
    with slack_server.directory_kept():
        yield slack_server


@pytest.fixture(scope="session")
def lever_server() -> Iterator[FakeLever]:
    with FakeLever() as fake:
        yield fake


@pytest.fixture
def fake_lever(lever_server: FakeLever) -> FakeLever:
    """The fake Lever API, with no data, no calls recorded and no replies scripted."""
    lever_server.reset()
    return lever_server


@pytest.fixture(scope="session")
def ashby_server() -> Iterator[FakeAshby]:
    with FakeAshby() as fake:
        yield fake


@pytest.fixture
def fake_ashby(ashby_server: FakeAshby) -> FakeAshby:
    """The fake Ashby API, with no histories, no calls recorded and no replies scripted."""
    ashby_server.reset()
    return ashby_server


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


@pytest.fixture
def app_env() -> dict[str, str]:
    """Extra settings for the app under test; a test overrides this fixture or updates the dict before `running`."""
    return {}


@pytest.fixture
def running(database_url: str, fake_slack: FakeSlack, engine: Engine, app_env: dict[str, str]) -> Iterator[RunningApp]:
    settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack, **app_env))
    yield from serve(settings, engine)
