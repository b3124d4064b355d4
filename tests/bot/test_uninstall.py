"""Uninstall in multi-workspace mode: `app_uninstalled` (or the bot token revoked) stops all work for that workspace
at once and removes its installation; its data is erased after UNINSTALL_GRACE_DAYS (`python -m jobs run uninstalls
--now`), unless it reinstalls in time; other workspaces are untouched."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import NOT_INSTALLED
from models import AtsDelivery, Base, Candidate, Workspace
from models.base import utcnow
from models.workspace import BOTS, INSTALLATIONS
from testkit.ats import SECRETS_ENV, fixture, greenhouse_headers
from testkit.data import MONDAY, reject
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV, TEAMS, install, install_teams, sweep_workspaces
from testkit.processes import cli_env
from testkit.running import RunningApp
from testkit.slack_http import event_body, post, post_signed, slash_command_body

DUE = MONDAY + timedelta(days=14)


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


@pytest.fixture
def two(running: RunningApp, fake_slack: FakeSlack) -> RunningApp:
    install_teams(fake_slack, running)
    for team, (_, recruiter) in TEAMS.items():
        reject(running.sessions, f"Candidate of {team}", team=team, user=recruiter, email=f"c@{team.lower()}.io")
    return running


def send_event(app: RunningApp, event: dict[str, object], team_id: str) -> None:
    reply = post_signed(app.events_url, event_body(event, team_id=team_id), content_type="application/json")
    assert reply.status == 200, reply.body


def uninstall(app: RunningApp, fake: FakeSlack, team_id: str) -> None:
    fake.oauth.revoke_team(team_id)  # Slack revokes the tokens, then tells the app
    send_event(app, {"type": "app_uninstalled", "event_ts": "1700000000.000001"}, team_id)
    wait_until_stopped(app, team_id)


def wait_until_stopped(app: RunningApp, team_id: str) -> None:
    """Bolt acknowledges an event before its listener runs: wait for the listener's last write."""
    deadline = time.monotonic() + 5
    while True:
        with app.sessions() as session:
            if session.get_one(Workspace, team_id, populate_existing=True).uninstalled_at is not None:
                return
        assert time.monotonic() < deadline, f"{team_id} was never marked uninstalled"
        time.sleep(0.05)


def rows_of(app: RunningApp, team_id: str) -> dict[str, int]:
    """Every table's rows of the workspace, the tables with none left out."""
    counts: dict[str, int] = {}
    with app.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if "team_id" in table.c:
                count = session.scalar(select(func.count()).select_from(table).where(table.c.team_id == team_id))
                if count:
                    counts[table.name] = count
    return counts


def erase_at(app: RunningApp, fake: FakeSlack, database_url: str, cwd: Path, days: int) -> str:
    env = {**cli_env(database_url, fake), **OAUTH_ENV}
    at = (utcnow() + timedelta(days=days)).isoformat()
    done = subprocess.run(
        [sys.executable, "-m", "jobs", "run", "uninstalls", "--now", at],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_an_uninstall_stops_all_work_for_that_workspace_at_once(two: RunningApp, fake_slack: FakeSlack) -> None:
    uninstall(two, fake_slack, "T0ONE")
    seen = len(fake_slack.calls)

    with two.sessions() as session:
        assert session.execute(select(INSTALLATIONS.c.team_id)).scalars().all() == ["T0TWO"]
        assert session.execute(select(BOTS.c.team_id)).scalars().all() == ["T0TWO"]
        assert session.get_one(Workspace, "T0ONE").uninstalled_at is not None
        assert session.get_one(Workspace, "T0TWO").uninstalled_at is None
    sweep_workspaces(two, DUE)
    assert fake_slack.messages("DU0ONEREC") == []  # no reminder after the event
    assert len(fake_slack.messages("DU0TWOREC")) == 1
    assert [c for c in fake_slack.calls[seen:] if c.team == "T0ONE"] == []
    body = slash_command_body(
        text="list", team_id="T0ONE", user_id="U0ONEREC", response_url=fake_slack.response_url("gone")
    )
    assert post_signed(two.events_url, body).status == 200
    [said] = fake_slack.wait_for("response_url")
    assert said.params["text"] == NOT_INSTALLED
    assert rows_of(two, "T0ONE")["candidates"] == 1  # kept through the grace period


def test_a_revoked_bot_token_stops_the_workspace_too(two: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.oauth.revoke_team("T0ONE")
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOTONE"]}, "event_ts": "1700000000.1"}
    send_event(two, event, "T0ONE")
    wait_until_stopped(two, "T0ONE")
    with two.sessions() as session:
        assert session.execute(select(INSTALLATIONS.c.team_id)).scalars().all() == ["T0TWO"]
        assert session.get_one(Workspace, "T0ONE").uninstalled_at is not None
    sweep_workspaces(two, DUE)
    assert fake_slack.messages("DU0ONEREC") == []
    assert len(fake_slack.messages("DU0TWOREC")) == 1


def test_the_data_is_erased_after_the_grace_period_only(
    two: RunningApp, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    uninstall(two, fake_slack, "T0ONE")
    before_one, before_two = rows_of(two, "T0ONE"), rows_of(two, "T0TWO")
    assert {"candidates", "rejections", "checkins", "recruiters", "workspaces"} <= set(before_one)

    assert "0 uninstalled workspace(s) erased" in erase_at(two, fake_slack, database_url, tmp_path, days=29)
    assert rows_of(two, "T0ONE") == before_one

    output = erase_at(two, fake_slack, database_url, tmp_path, days=31)
    assert "erased workspace T0ONE" in output and "1 uninstalled workspace(s) erased" in output
    assert "Candidate of" not in output and "c@t0one.io" not in output  # logged without personal data
    assert rows_of(two, "T0ONE") == {}
    assert rows_of(two, "T0TWO") == before_two


def test_a_reinstall_within_the_grace_period_keeps_the_data(
    two: RunningApp, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    uninstall(two, fake_slack, "T0ONE")
    assert install(fake_slack, two, "T0ONE", "U0SOMEONE").status == 200
    with two.sessions() as session:
        workspace = session.get_one(Workspace, "T0ONE")
        assert (workspace.uninstalled_at, workspace.admins) == (None, {"U0ONEADM"})
    erase_at(two, fake_slack, database_url, tmp_path, days=31)
    with two.sessions() as session:
        names = session.scalars(select(Candidate.name).where(Candidate.team_id == "T0ONE")).all()
    assert names == ["Candidate of T0ONE"]
    sweep_workspaces(two, DUE)
    assert len(fake_slack.messages("DU0ONEREC")) == 1  # its work goes on with the new token


@pytest.fixture
def with_greenhouse(app_env: dict[str, str]) -> None:
    app_env.update(SECRETS_ENV)


@pytest.mark.usefixtures("with_greenhouse")
def test_ats_webhooks_name_their_workspace_and_stop_at_its_uninstall(two: RunningApp, fake_slack: FakeSlack) -> None:
    body = fixture("greenhouse", "reject_candidate")
    assert post(two.url + "/ats/greenhouse", body, greenhouse_headers(body, event_id="gh-0")).status == 404
    assert post(two.url + "/ats/greenhouse/T0NONE", body, greenhouse_headers(body, event_id="gh-1")).status == 404
    kept = post(two.url + "/ats/greenhouse/T0ONE", body, greenhouse_headers(body, event_id="gh-2"))
    assert (kept.status, kept.json()["kept"]) == (200, True)
    with two.sessions() as session:
        assert session.scalars(select(AtsDelivery.team_id)).all() == ["T0ONE"]

    uninstall(two, fake_slack, "T0ONE")
    after = post(two.url + "/ats/greenhouse/T0ONE", body, greenhouse_headers(body, event_id="gh-3"))
    assert after.status == 404  # no import after the event
    assert post(two.url + "/ats/greenhouse/T0TWO", body, greenhouse_headers(body, event_id="gh-4")).status == 200
