"""Fixtures for the fault tests: settings as production loads them, and a PostgreSQL server a test may stop."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.config import Settings, load_settings
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.postgres import PrivatePostgres, postgres_bindir
from testkit.processes import free_port


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """Skips where PostgreSQL's server programs are not installed (and fails under CI)."""
    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = PrivatePostgres(bindir, free_port())
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        server.remove()
