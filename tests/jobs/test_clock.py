"""The schedules really run the sweep: the clock process, the web process by default, and not when told not to."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import load_settings
from bot.rejection_input import validate_rejection
from models import ReminderSent
from models.base import utcnow
from models.db import make_engine, make_session_factory
from models.records import record_rejection
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.processes import bot_process, clean_env, free_port

# Whatever day and hour the test runs, it is working time, so the first sweep at start-up sends.
ALWAYS_WORKING = {"WORK_DAYS": "mon-sun", "WORK_HOURS": "00:00-23:59", "DEFAULT_TIMEZONE": "UTC"}


@pytest.fixture
def due(database_url: str, fake_slack: FakeSlack) -> str:
    """A finalist turned down 30 days ago by U0REC, whose first check-in is overdue."""
    fake_slack.set_user("U0REC", tz="UTC")
    settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)
    engine = make_engine(database_url)
    entry = validate_rejection({"name": "Jane Doe", "role": "Backend Engineer", "stage": "final"})
    with make_session_factory(engine).begin() as session:
        record_rejection(
            session=session,
            team_id="T0TEST",
            user_id="U0REC",
            entry=entry,
            policy=settings.policy,
            now=utcnow() - timedelta(days=30),
        )
    engine.dispose()
    return database_url


def reminders_sent(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(ReminderSent)).scalar_one()
    engine.dispose()
    return count


@pytest.mark.parametrize("module", ["jobs", "bot"], ids=["clock process", "web process"])
def test_the_sweep_runs_on_schedule_from_start_up(due: str, fake_slack: FakeSlack, tmp_path: Path, module: str) -> None:
    env = clean_env(**make_env(database_url=due, fake_slack=fake_slack, PORT=str(free_port()), **ALWAYS_WORKING))
    with bot_process(env, tmp_path, module=module) as process:
        [post] = process.wait_for_call(fake_slack, "chat.postMessage")
        assert post.params["channel"] == "U0REC"
        assert "Jane Doe" in post.params["text"]
        deadline = time.monotonic() + 5
        while reminders_sent(due) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert reminders_sent(due) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_run_scheduler_false_leaves_the_sweep_to_the_clock_process(
    due: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = clean_env(
        **make_env(
            database_url=due, fake_slack=fake_slack, PORT=str(free_port()), RUN_SCHEDULER="false", **ALWAYS_WORKING
        )
    )
    with bot_process(env, tmp_path) as bot:
        assert bot.wait_until_serving().status == 200
        time.sleep(1.5)  # the in-process sweep would have run at start-up by now
        assert fake_slack.calls_to("chat.postMessage") == []
    assert reminders_sent(due) == 0
