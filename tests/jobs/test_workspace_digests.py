"""Each workspace's digest on its own schedule (multi-workspace mode): DIGEST_CRON and DIGEST_TZ set by its admins in
the Settings modal over real HTTP, the clock's per-minute check posting each digest at its own times, once, with a
missed time still posted within DIGEST_GRACE; a schedule changed in the modal applies at once, a bad one is refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from bot.config import ConfigError, load_settings
from bot.metrics import Metrics
from jobs.schedule import DIGEST_GRACE, add_digest
from jobs.workspace_digests import run_due_digests
from models import Workspace
from testkit.digests import DAY, HOUR, MINUTE, NOW, open_role, texts
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV, TEAMS, install_teams
from testkit.processes import cli_env
from testkit.running import RunningApp
from testkit.sweeps import slack_client
from tests.bot.test_workspace_settings import submit
from tests.models.test_migration_0004 import migrate

# NOW is a Monday, 09:00 UTC. T0ONE: Mondays 09:00 UTC; T0TWO: every day 23:30 in Tokyo, 14:30 UTC.
SCHEDULES = {
    "T0ONE": {"DIGEST_CHANNEL": "C0ONE", "DIGEST_CRON": "0 9 * * mon", "DIGEST_TZ": "UTC"},
    "T0TWO": {"DIGEST_CHANNEL": "C0TWO", "DIGEST_CRON": "30 23 * * *", "DIGEST_TZ": "Asia/Tokyo"},
}


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


@pytest.fixture
def two(running: RunningApp, fake_slack: FakeSlack) -> RunningApp:
    """Both workspaces installed, each with its schedule saved in the modal and a role opened two days ago."""
    install_teams(fake_slack, running)
    for team, (admin, _) in TEAMS.items():
        assert submit(running, {"ADMIN_USER_IDS": admin, **SCHEDULES[team]}, admin, team) == {}
        open_role(running.sessions, f"First role of {team}", team=team)
    return running


def digests_at(app: RunningApp, now: datetime) -> list[str]:
    """What the clock's per-minute check does as of `now`; returns the workspaces whose digest ran."""
    return [str(team) for team, _ in run_due_digests(settings=app.settings, sessions=app.sessions, now=now)]


def posted(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """Each digest posted: its channel, the workspace whose token posted it, and its text."""
    return [(c.params["channel"], c.team or "", texts(c.params)) for c in fake.calls_to("chat.postMessage")]


def test_each_workspace_gets_its_digest_at_its_own_times_once(two: RunningApp, fake_slack: FakeSlack) -> None:
    assert digests_at(two, NOW - MINUTE) == []
    assert digests_at(two, NOW) == ["T0ONE"]
    assert digests_at(two, NOW + MINUTE) == []  # that time is done: not twice
    [(channel, team, text)] = posted(fake_slack)
    assert (channel, team) == ("C0ONE", "T0ONE") and "First role of T0ONE" in text and "T0TWO" not in text

    open_role(two.sessions, "Second role of T0ONE", team="T0ONE", at=NOW + 2 * MINUTE)
    assert digests_at(two, NOW + 5 * HOUR + 29 * MINUTE) == []
    assert digests_at(two, NOW + 5 * HOUR + 30 * MINUTE) == ["T0TWO"]  # 23:30 in Tokyo
    assert digests_at(two, NOW + 5 * HOUR + 31 * MINUTE) == []
    assert [(c, t) for c, t, _ in posted(fake_slack)] == [("C0ONE", "T0ONE"), ("C0TWO", "T0TWO")]
    assert "First role of T0TWO" in posted(fake_slack)[1][2]

    assert digests_at(two, NOW + DAY + 5 * HOUR + 30 * MINUTE) == ["T0TWO"]  # daily: it runs (nothing new to post)
    assert digests_at(two, NOW + 7 * DAY) == ["T0ONE"]  # weekly: the role opened after the first digest
    assert "Second role of T0ONE" in posted(fake_slack)[-1][2]
    assert len(posted(fake_slack)) == 3


def test_a_missed_time_still_posts_within_the_grace_period(two: RunningApp, fake_slack: FakeSlack) -> None:
    assert digests_at(two, NOW + DIGEST_GRACE - MINUTE) == ["T0ONE"]  # the clock was down at 09:00
    assert digests_at(two, NOW + 5 * HOUR + 30 * MINUTE + DIGEST_GRACE + MINUTE) == []  # T0TWO's: too late
    assert [c for c, _, _ in posted(fake_slack)] == ["C0ONE"]
    assert digests_at(two, NOW + DAY + 5 * HOUR + 30 * MINUTE) == ["T0TWO"]  # its roles go out the next day
    assert "First role of T0TWO" in posted(fake_slack)[-1][2]


def test_a_schedule_changed_in_the_modal_applies_from_the_next_minute(two: RunningApp, fake_slack: FakeSlack) -> None:
    assert digests_at(two, NOW) == ["T0ONE"]
    open_role(two.sessions, "Second role of T0ONE", team="T0ONE", at=NOW + MINUTE)
    assert (
        submit(
            two, {"ADMIN_USER_IDS": "U0ONEADM", **SCHEDULES["T0ONE"], "DIGEST_CRON": "0 12 * * *"}, "U0ONEADM", "T0ONE"
        )
        == {}
    )
    assert digests_at(two, NOW + 3 * HOUR - MINUTE) == []
    assert digests_at(two, NOW + 3 * HOUR) == ["T0ONE"]  # noon, no longer next Monday
    assert "Second role of T0ONE" in posted(fake_slack)[-1][2]


@pytest.mark.parametrize("cron", ["0 9 * * 1", "every monday", "0 25 * * mon"])
def test_a_bad_schedule_is_refused_in_the_modal_with_the_parsers_message(
    two: RunningApp, fake_slack: FakeSlack, cron: str
) -> None:
    refused = submit(two, {"ADMIN_USER_IDS": "U0ONEADM", "DIGEST_CRON": cron}, "U0ONEADM", "T0ONE")
    with pytest.raises(ConfigError) as env_says:
        load_settings(make_env(database_url="sqlite://", fake_slack=fake_slack, DIGEST_CRON=cron))
    assert refused == {"response_action": "errors", "errors": {"DIGEST_CRON": str(env_says.value)}}
    assert digests_at(two, NOW) == ["T0ONE"]  # still Mondays 09:00


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def test_the_clock_checks_every_minute_and_posts_a_digest_whose_time_came(
    two: RunningApp, fake_slack: FakeSlack, scheduler: BackgroundScheduler
) -> None:
    every_minute = {**SCHEDULES["T0TWO"], "DIGEST_CRON": "* * * * *"}
    assert submit(two, {"ADMIN_USER_IDS": "U0TWOADM", **every_minute}, "U0TWOADM", "T0TWO") == {}
    client = slack_client(fake_slack)
    add_digest(
        scheduler, settings=two.settings, sessions=two.sessions, client=client, metrics=Metrics(token=None), now=NOW
    )

    job = scheduler.get_job("digest")
    assert isinstance(job.trigger, CronTrigger) and str(job.trigger.fields[6]) == "*"  # every minute
    job.func()  # as of the real time: T0TWO's minute has always come
    assert ("C0TWO", "T0TWO") in [(c, t) for c, t, _ in posted(fake_slack)]
    with two.sessions() as session:
        assert session.get_one(Workspace, "T0TWO").digest_at is not None


def test_the_one_off_digest_runs_for_the_workspace_named_with_team_or_for_every_one(
    two: RunningApp, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    def one_off(*options: str, oauth: bool = True, job: str = "digest") -> subprocess.CompletedProcess[str]:
        env = {**cli_env(database_url, fake_slack), **(OAUTH_ENV if oauth else {})}
        argv = [sys.executable, "-m", "jobs", "run", job, "--now", NOW.isoformat(), *options]
        return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)

    one = one_off("--team", "T0TWO")
    assert one.returncode == 0, one.stderr
    assert [(channel, team) for channel, team, _ in posted(fake_slack)] == [("C0TWO", "T0TWO")]
    assert one.stdout.splitlines()[-1].startswith("T0TWO: ")

    stranger = one_off("--team", "T0NONE")
    assert (stranger.returncode, stranger.stderr.splitlines()[-1]) == (
        1,
        "keepwarm: workspace T0NONE has not installed Keepwarm, or its token could not be had",
    )
    single = one_off("--team", "T0ONE", oauth=False)
    assert single.returncode == 2 and "--team is for multi-workspace installs" in single.stderr
    uninstalls = one_off("--team", "T0ONE", job="uninstalls")  # erasing after uninstalls serves no one workspace
    assert uninstalls.returncode == 2 and "run uninstalls has no --team" in uninstalls.stderr
    assert len(posted(fake_slack)) == 1

    every = one_off()
    assert every.returncode == 0, every.stderr
    assert [(channel, team) for channel, team, _ in posted(fake_slack)[1:]] == [("C0ONE", "T0ONE")]
    summaries = sorted(line.split(":")[0] for line in every.stdout.splitlines() if line.startswith("T0"))
    assert summaries == ["T0ONE", "T0TWO"]  # T0TWO's digest ran too, with no new role since the one above


def test_0013_adds_and_removes_the_last_digest_instant(engine: Engine) -> None:
    migrate(engine, "0012", down=True)
    assert "digest_at" not in {c["name"] for c in inspect(engine).get_columns("workspaces")}
    migrate(engine, "head")
    assert "digest_at" in {c["name"] for c in inspect(engine).get_columns("workspaces")}
    with engine.connect() as connection:
        assert connection.execute(select(Workspace.digest_at)).all() == []
