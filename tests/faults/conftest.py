"""Fixtures for the fault tests: settings as production loads them, for recording test data through the real code."""

from __future__ import annotations

import pytest

from bot.config import Settings, load_settings
from tests.conftest import make_env
from tests.fakeslack import FakeSlack


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)
