"""Shared by the reminder sweep tests and the sweep benchmark: the sweep, and what the database and Slack show."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from jobs.reminders import SweepReport, run_reminders
from models import STAGES, Checkin, ReminderSent
from testkit.data import REC, reject
from testkit.fakeslack import TEAM_ID, FakeSlack

TEAM = TEAM_ID
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


# Strong rejections of every kind, seven of them so that a day's worth of ten never lines up with one kind.
KINDS: tuple[tuple[str, int | None], ...] = (
    ("final", 5),
    ("interview", 4),
    ("final", None),
    ("screen", 5),
    ("final", 3),
    ("interview", 5),
    ("final", None),
)


@dataclass(frozen=True)
class Due:
    """One check-in of a backlog, with what decides its place in the queue."""

    checkin_id: int
    stage: str
    rating: int | None
    rejected_at: datetime


def backlog(
    sessions: sessionmaker[Session], count: int, *, due_by: datetime, user: str = REC, spacing: timedelta = 29 * HOUR
) -> list[Due]:
    """`count` strong rejections for `user`, every first check-in due by `due_by`: stages and ratings cycle through
    KINDS while rejection dates step back by `spacing`, so neither strength nor date alone gives the order. (With 40
    at 29 hours, the oldest is rejected 61 days before `due_by` less 14: its next step, at 90 days, is weeks away.)"""
    made = []
    for i in range(count):
        stage, rating = KINDS[i % len(KINDS)]
        at = due_by - 14 * DAY - i * spacing
        rejected = reject(sessions, name=f"{user} Candidate {i:02d}", stage=stage, rating=rating, user=user, at=at)
        assert rejected.checkin_id is not None
        made.append(Due(rejected.checkin_id, stage, rating, at))
    return made


def strongest_first(dues: Iterable[Due]) -> list[int]:
    """The order the daily cap promises: how far they got, then their rating (none lowest), then the most recent."""
    ranked = sorted(dues, key=lambda d: (STAGES.index(d.stage), d.rating or 0, d.rejected_at), reverse=True)
    return [d.checkin_id for d in ranked]


def slack_client(fake: FakeSlack, *, timeout: int = 30) -> WebClient:
    """What production's sweep uses (bot.app.make_client): one retry of a 429 after its Retry-After, nothing else."""
    return WebClient(
        token="xoxb-test",
        base_url=fake.api_url,
        timeout=timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def checkin_of(sessions: sessionmaker[Session], candidate_id: int) -> Checkin | None:
    with sessions.begin() as session:
        return session.scalars(select(Checkin).where(Checkin.candidate_id == candidate_id)).one_or_none()


def checkin_ids(sessions: sessionmaker[Session]) -> list[int]:
    with sessions.begin() as session:
        return list(session.scalars(select(Checkin.id).order_by(Checkin.id)))


def sent_rows(sessions: sessionmaker[Session]) -> list[tuple[int, int, str, str]]:
    """(checkin id, step, channel, ts) of every reminders_sent row."""
    with sessions.begin() as session:
        rows = session.execute(
            select(ReminderSent.checkin_id, ReminderSent.step, ReminderSent.channel, ReminderSent.ts).order_by(
                ReminderSent.checkin_id, ReminderSent.step
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def dm(user: str) -> str:
    """The fake's DM channel with a user: posting to U0REC lands in DU0REC."""
    return "D" + user


def checkins_in(message: dict[str, Any]) -> list[int]:
    """The check-in ids a reminder DM lists, from its actions blocks."""
    return [
        int(block["block_id"].split(":")[1])
        for block in message.get("blocks", [])
        if block.get("type") == "actions" and str(block.get("block_id", "")).startswith("checkin_actions:")
    ]


def delivered(fake: FakeSlack, users: Iterable[str]) -> Counter[int]:
    """How many times each check-in appears across the DMs of `users`: exactly once is the promise."""
    counts: Counter[int] = Counter()
    for user in users:
        for message in fake.messages(dm(user)):
            counts.update(checkins_in(message))
    return counts


def posts(fake: FakeSlack) -> int:
    return len(fake.calls_to("chat.postMessage"))


def tally(report: SweepReport) -> dict[str, int]:
    """The report's counters, to compare exactly with `expected(...)`."""
    return {name: value for name, value in dataclasses.asdict(report).items() if name != "lines"}


def expected(**counts: int) -> dict[str, int]:
    """Every counter zero except those given."""
    base = tally(SweepReport())
    unknown = counts.keys() - base.keys()
    assert not unknown, unknown
    return base | counts


@dataclass
class Sweeper:
    """run_reminders with the test's database, settings and client; only `now` varies."""

    sessions: sessionmaker[Session]
    settings: Settings
    client: WebClient

    def __call__(self, now: datetime, *, dry_run: bool = False, client: WebClient | None = None) -> SweepReport:
        return run_reminders(
            sessions=self.sessions, client=client or self.client, settings=self.settings, now=now, dry_run=dry_run
        )
