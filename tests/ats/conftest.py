"""Lever and Ashby API clients pointed at their fakes, with short timeouts and no backoff so failures are quick."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.ats.ashby_api import AshbyApi
from bot.ats.lever_api import LeverApi
from testkit import fakeashby
from testkit.fakeashby import FakeAshby
from testkit.fakelever import API_KEY, FakeLever


@pytest.fixture
def lever_api(fake_lever: FakeLever) -> Iterator[LeverApi]:
    with LeverApi(API_KEY, base_url=fake_lever.api_url, connect_timeout=1.0, read_timeout=0.5, backoff=0) as api:
        yield api


@pytest.fixture
def ashby_api(fake_ashby: FakeAshby) -> Iterator[AshbyApi]:
    with AshbyApi(
        fakeashby.API_KEY, base_url=fake_ashby.api_url, connect_timeout=1.0, read_timeout=0.5, backoff=0
    ) as api:
        yield api
