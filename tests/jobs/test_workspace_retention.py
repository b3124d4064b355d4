"""Retention per workspace (multi-workspace mode): each workspace's admins set its periods in the Settings modal over
real HTTP, and the sweep erases and warns each workspace's candidates with that workspace's own periods, never
touching another workspace's warnings; a change applies from the next sweep, a bad value is refused in the modal."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import ConfigError, load_settings
from models import Candidate, RetentionWarning
from testkit.data import MONDAY, reject
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV, TEAMS, install_teams, sweep_workspaces
from testkit.processes import cli_env
from testkit.running import RunningApp
from tests.bot.test_workspace_settings import saved, submit

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
# Each workspace's own periods, in whole weeks so every date below is a Monday, 10:00 UTC (11:00 in Paris).
ONE = {"RETENTION_DAYS": "98", "RETENTION_WARNING_DAYS": "7"}
TWO = {"RETENTION_DAYS": "196", "RETENTION_WARNING_DAYS": "14"}


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


@pytest.fixture
def two(running: RunningApp, fake_slack: FakeSlack) -> dict[str, int]:
    """Both workspaces installed, each with its periods saved in the modal and one candidate rejected at MONDAY (a
    screen: no check-ins, so only retention writes to the recruiter); returns each workspace's candidate id."""
    install_teams(fake_slack, running)
    made = {}
    for (team, (admin, recruiter)), periods in zip(TEAMS.items(), (ONE, TWO), strict=True):
        assert submit(running, {"ADMIN_USER_IDS": admin, **periods}, admin, team) == {}
        assert saved(running, team)[1] == periods
        made[team] = reject(running.sessions, f"Candidate of {team}", stage="screen", team=team, user=recruiter)
    return {team: rejected.candidate_id for team, rejected in made.items()}


def erased(app: RunningApp) -> dict[str, bool]:
    with app.sessions() as session:
        return dict(session.execute(select(Candidate.team_id, Candidate.erased)).tuples().all())


def warnings(app: RunningApp) -> set[tuple[str, int, datetime, bool]]:
    """Each warning planned: its team, its candidate, the expiry it announces, and whether it went out."""
    with app.sessions() as session:
        rows = session.execute(
            select(
                RetentionWarning.team_id,
                RetentionWarning.candidate_id,
                RetentionWarning.expires_at,
                RetentionWarning.sent_at.is_not(None),
            )
        )
        return set(rows.tuples().all())


def test_each_workspace_erases_with_its_own_period(running: RunningApp, two: dict[str, int]) -> None:
    sweep_workspaces(running, MONDAY + 98 * DAY - HOUR)
    assert erased(running) == {"T0ONE": False, "T0TWO": False}
    sweep_workspaces(running, MONDAY + 98 * DAY)  # the same age in both: T0ONE's 98 days are up, T0TWO's 196 are not
    assert erased(running) == {"T0ONE": True, "T0TWO": False}
    sweep_workspaces(running, MONDAY + 196 * DAY)
    assert erased(running) == {"T0ONE": True, "T0TWO": True}


def test_each_workspace_warns_with_its_own_lead_time_and_keeps_the_others_warnings(
    running: RunningApp, two: dict[str, int], fake_slack: FakeSlack
) -> None:
    sweep_workspaces(running, MONDAY + 91 * DAY - HOUR)  # T0ONE's erasure is just over 7 days away: no warning yet
    assert warnings(running) == set()

    # 21:00 in Paris: planned, not sent before working hours; T0TWO's sweep, which runs after T0ONE's, keeps it.
    sweep_workspaces(running, MONDAY + 91 * DAY + 10 * HOUR)
    assert warnings(running) == {("T0ONE", two["T0ONE"], MONDAY + 98 * DAY, False)}

    sweep_workspaces(running, MONDAY + 92 * DAY)  # Tuesday, 11:00 in Paris: it goes out in T0ONE's recruiter's DM
    assert warnings(running) == {("T0ONE", two["T0ONE"], MONDAY + 98 * DAY, True)}
    assert "Candidate of T0ONE" in str(fake_slack.messages("DU0ONEREC"))
    assert fake_slack.messages("DU0TWOREC") == []

    sweep_workspaces(running, MONDAY + 182 * DAY - HOUR)
    assert {w[0] for w in warnings(running)} == {"T0ONE"}
    sweep_workspaces(running, MONDAY + 182 * DAY)  # T0TWO warns 14 days ahead of its 196
    assert ("T0TWO", two["T0TWO"], MONDAY + 196 * DAY, True) in warnings(running)
    assert "Candidate of T0TWO" in str(fake_slack.messages("DU0TWOREC"))


def test_a_period_changed_in_the_modal_applies_from_the_next_sweep(
    running: RunningApp, two: dict[str, int], fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    env = {**cli_env(database_url, fake_slack), **OAUTH_ENV}

    def clock_sweep(now: datetime) -> None:
        """The clock's own command, in a process of its own, as of `now`."""
        command = [sys.executable, "-m", "jobs", "run", "reminders", "--now", now.isoformat()]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr

    clock_sweep(MONDAY + 140 * DAY)
    assert erased(running) == {"T0ONE": True, "T0TWO": False}
    assert submit(running, {"ADMIN_USER_IDS": "U0TWOADM", **TWO, "RETENTION_DAYS": "126"}, "U0TWOADM", "T0TWO") == {}
    clock_sweep(MONDAY + 140 * DAY + HOUR)
    assert erased(running) == {"T0ONE": True, "T0TWO": True}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"RETENTION_DAYS": "forever"}, "RETENTION_DAYS"),
        ({"CONSENT_RETENTION_DAYS": "-1"}, "CONSENT_RETENTION_DAYS"),
        ({"RETENTION_DAYS": "98", "RETENTION_WARNING_DAYS": "98"}, "RETENTION_WARNING_DAYS"),
    ],
)
def test_a_bad_period_is_refused_in_the_modal_with_the_parsers_message(
    running: RunningApp, two: dict[str, int], fake_slack: FakeSlack, values: dict[str, str], field: str
) -> None:
    refused = submit(running, {"ADMIN_USER_IDS": "U0ONEADM", **values}, "U0ONEADM", "T0ONE")
    with pytest.raises(ConfigError) as env_says:
        load_settings(make_env(database_url="sqlite://", fake_slack=fake_slack, **values))
    assert refused == {"response_action": "errors", "errors": {field: str(env_says.value)}}
    assert saved(running, "T0ONE")[1] == ONE
