"""Fixtures for the reminder sweep tests: settings as production loads them, and a sweep to call."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.sweeps import Sweeper, slack_client


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)


@pytest.fixture
def sweep(sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack) -> Sweeper:
    return Sweeper(sessions, settings, slack_client(fake_slack))
