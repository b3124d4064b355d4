"""How long since a rejection, in the words every message uses: reminders, `/role` replies, digests, reopen DMs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks.common import ago

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (0, "today"),
        (1, "1 day ago"),
        (14, "14 days ago"),  # the first check-in says what the policy promised
        (15, "15 days ago"),
        (45, "45 days ago"),
        (59, "59 days ago"),
        (60, "2 months ago"),
        (120, "4 months ago"),
        (729, "24 months ago"),
        (730, "2 years ago"),
        (800, "2 years ago"),
    ],
)
def test_days_until_two_months_then_months_until_two_years(days: int, said: str) -> None:
    assert ago(NOW - timedelta(days=days), NOW) == said


def test_part_of_a_day_and_the_future_read_as_today() -> None:
    assert ago(NOW - timedelta(hours=23), NOW) == "today"
    assert ago(NOW + timedelta(days=3), NOW) == "today"
