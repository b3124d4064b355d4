"""Fixtures for the bot tests: the app pointed at a database that cannot be reached."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import load_settings
from models.db import make_engine
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, serve


@pytest.fixture(params=["sqlite", "postgresql"])
def down(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fake_slack: FakeSlack,
    app_env: dict[str, str],
) -> Iterator[RunningApp]:
    """The app pointed at a database that cannot be reached: a SQLite file in a missing folder, or a closed port;
    with the test's `app_env` settings, as `running` has."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('gone')}/missing/folder/keepwarm.db"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:1/test"
    engine = make_engine(url)
    if request.param == "sqlite":
        # make_engine prepares the folder; take it away again so every connection fails.
        shutil.rmtree(Path(make_url(url).database or "").parent)
    settings = load_settings(make_env(database_url=url, fake_slack=fake_slack, **app_env))
    yield from serve(settings, engine)
    engine.dispose()
