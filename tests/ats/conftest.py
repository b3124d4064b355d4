"""A Lever API client pointed at the fake Lever, with short timeouts and no backoff so failures are quick."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.ats.lever_api import LeverApi
from testkit.fakelever import API_KEY, FakeLever


@pytest.fixture
def lever_api(fake_lever: FakeLever) -> Iterator[LeverApi]:
    with LeverApi(API_KEY, base_url=fake_lever.api_url, connect_timeout=1.0, read_timeout=0.5, backoff=0) as api:
        yield api
