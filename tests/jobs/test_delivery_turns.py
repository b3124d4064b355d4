"""jobs.delivery.to_each_recruiter, the turn reminders and reopen alerts take through their recruiters: a failure
skips only that recruiter, and a rate limit leaves the rest for the next sweep (pure logic; the sweeps' own tests
drive it through Slack)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from jobs.delivery import to_each_recruiter


@dataclass
class Counts:
    failed: int = 0
    deferred: int = 0


def test_a_recruiter_whose_delivery_raises_is_counted_failed_and_the_others_are_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    served: list[int] = []

    def deliver(recruiter_id: int) -> bool:
        if recruiter_id == 2:
            raise RuntimeError("boom")
        served.append(recruiter_id)
        return False

    counts = Counts()
    to_each_recruiter([1, 2, 3], deliver, what="reminders", report=counts)
    assert (served, counts) == ([1, 3], Counts(failed=1))
    [logged] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert logged.getMessage() == "reminders to recruiter 2 failed" and logged.exc_info is not None


def test_a_rate_limit_defers_every_recruiter_not_yet_served() -> None:
    asked: list[int] = []

    def deliver(recruiter_id: int) -> bool:
        asked.append(recruiter_id)
        return recruiter_id == 2

    counts = Counts()
    to_each_recruiter([1, 2, 3, 4], deliver, what="reopen alerts", report=counts)
    assert (asked, counts) == ([1, 2], Counts(deferred=2))


def test_a_rate_limit_on_the_last_recruiter_defers_no_one_else() -> None:
    counts = Counts()
    to_each_recruiter([1, 2], lambda recruiter_id: recruiter_id == 2, what="reminders", report=counts)
    assert counts == Counts()
