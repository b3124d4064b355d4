"""The clock in multi-workspace mode: every installed workspace's work done with that workspace's own token, one
workspace's failure never stopping another's, rotating tokens refreshed by the clock itself (and by Bolt on a
request), and abandoned OAuth states deleted."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from bot.metrics import Metrics
from jobs.schedule import add_jobs
from models import Candidate
from models.base import utcnow
from models.workspace import INSTALLATIONS, OAUTH_STATES
from testkit.data import MONDAY, reject
from testkit.fakeslack import Call, FakeSlack
from testkit.installs import OAUTH_ENV, TEAMS, begin_install, install_teams, register, sweep_workspaces
from testkit.processes import cli_env
from testkit.running import RunningApp, run
from testkit.sweeps import DAY, slack_client

DUE = MONDAY + timedelta(days=14)  # a Monday, 10:00 UTC: 11:00 in Paris


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


def install_both(fake: FakeSlack, app: RunningApp, *, rotation: bool = False, expires_in: int = 43200) -> None:
    install_teams(fake, app, rotation=rotation, expires_in=expires_in)
    for team, (_, recruiter) in TEAMS.items():
        reject(app.sessions, f"Candidate of {team}", team=team, user=recruiter)


def tokens(app: RunningApp) -> dict[str, str]:
    with app.sessions() as session:
        rows = session.execute(select(INSTALLATIONS.c.team_id, INSTALLATIONS.c.bot_token).order_by(INSTALLATIONS.c.id))
        return dict(rows.tuples().all())  # the latest installation of each workspace wins


def bearer(call: Call) -> str:
    return call.headers["Authorization"].removeprefix("Bearer ")


def test_each_workspaces_reminders_go_with_its_own_token(running: RunningApp, fake_slack: FakeSlack) -> None:
    install_both(fake_slack, running)
    sweep_workspaces(running, DUE)
    posts = fake_slack.calls_to("chat.postMessage")
    assert sorted((c.params["channel"], c.team, bearer(c)) for c in posts) == [
        ("U0ONEREC", "T0ONE", tokens(running)["T0ONE"]),
        ("U0TWOREC", "T0TWO", tokens(running)["T0TWO"]),
    ]
    assert "Candidate of T0ONE" in str(fake_slack.messages("DU0ONEREC"))
    assert "Candidate of T0TWO" not in str(fake_slack.messages("DU0ONEREC"))


def test_a_workspace_whose_token_fails_does_not_stop_the_others(running: RunningApp, fake_slack: FakeSlack) -> None:
    install_both(fake_slack, running)
    fake_slack.oauth.revoke_team("T0ONE")
    sweep_workspaces(running, DUE)
    assert fake_slack.messages("DU0ONEREC") == []
    assert len(fake_slack.messages("DU0TWOREC")) == 1


def test_the_clock_refreshes_an_expiring_token_before_using_it(running: RunningApp, fake_slack: FakeSlack) -> None:
    install_both(fake_slack, running, rotation=True, expires_in=3600)  # inside the clock's two hours: refresh
    before = tokens(running)
    assert all(token.startswith("xoxe.xoxb-") for token in before.values())
    fake_slack.oauth.expire("T0ONE", in_seconds=0)  # the old token no longer works at all

    sweep_workspaces(running, DUE)

    refreshes = [c for c in fake_slack.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 2
    after = tokens(running)
    assert after["T0ONE"] != before["T0ONE"] and after["T0TWO"] != before["T0TWO"]
    posts = {c.team: bearer(c) for c in fake_slack.calls_to("chat.postMessage")}
    assert posts == after
    assert len(fake_slack.messages("DU0ONEREC")) == 1


def test_bolt_refreshes_an_expiring_token_on_a_request(running: RunningApp, fake_slack: FakeSlack) -> None:
    install_both(fake_slack, running, rotation=True, expires_in=3600)
    old = tokens(running)["T0ONE"]
    fake_slack.oauth.expire("T0ONE", in_seconds=0)
    run(running, 'Jane Doe role="Engineer" stage=final', team_id="T0ONE", user_id="U0ONEREC")
    [lookup] = [c for c in fake_slack.wait_for("users.info") if c.team == "T0ONE"]
    assert bearer(lookup) != old and bearer(lookup) == tokens(running)["T0ONE"]
    assert [c.params.get("grant_type") for c in fake_slack.calls_to("oauth.v2.access")][-1] == "refresh_token"


def test_the_sweep_deletes_abandoned_oauth_states(
    running: RunningApp, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    register(fake_slack, running)
    begin_install(running)  # an install started and never finished: its state stays behind
    env = {**cli_env(database_url, fake_slack), **OAUTH_ENV}

    def sweep_at(now: datetime) -> int:
        done = subprocess.run(
            [sys.executable, "-m", "jobs", "run", "reminders", "--now", now.isoformat()],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        with running.sessions() as session:
            return session.scalar(select(func.count()).select_from(OAUTH_STATES)) or 0

    assert sweep_at(utcnow()) == 1  # an install in progress keeps its state
    assert sweep_at(utcnow() + timedelta(minutes=11)) == 0  # past its ten minutes, it is abandoned


def test_an_import_names_its_installed_workspace_and_uses_its_token(
    running: RunningApp, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    install_both(fake_slack, running)
    fake_slack.set_user("U0ONEREC", team="T0ONE", email="ana@acme.example")
    env = {**cli_env(database_url, fake_slack), **OAUTH_ENV}
    csv = Path(__file__).parents[1] / "data" / "imports" / "silver_medalists.csv"

    def import_with(*team: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "jobs", "import-candidates", str(csv), "--skip-invalid", *team]
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)

    unnamed = import_with()
    assert (unnamed.returncode, unnamed.stderr.splitlines()[-1]) == (
        1,
        "keepwarm: in multi-workspace mode, pass --team T… to name the installed workspace",
    )
    stranger = import_with("--team", "T0NONE")
    assert stranger.returncode == 1 and "T0NONE has not installed Keepwarm" in stranger.stderr
    done = import_with("--team", "T0ONE")
    assert done.returncode == 0, done.stderr
    lookups = fake_slack.calls_to("users.lookupByEmail")
    assert lookups and {(c.team, bearer(c)) for c in lookups} == {("T0ONE", tokens(running)["T0ONE"])}
    with running.sessions() as session:
        teams = session.execute(select(Candidate.team_id, func.count()).group_by(Candidate.team_id)).tuples().all()
    assert dict(teams)["T0ONE"] > 1 and dict(teams)["T0TWO"] == 1


class TestMetricsPerWorkspace:
    @pytest.fixture
    def app_env(self, app_env: dict[str, str]) -> dict[str, str]:
        """Whatever day and hour the test runs, it is working time, so the clock's sweep sends."""
        return {**app_env, "WORK_DAYS": "mon-sun", "WORK_HOURS": "00:00-23:59"}

    def test_the_clocks_messages_are_counted_under_each_workspace(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        install_teams(fake_slack, running, tz="UTC")
        for name in ("Ann", "Bea"):
            reject(running.sessions, f"{name} of T0ONE", team="T0ONE", user="U0ONEREC", at=utcnow() - 30 * DAY)
        reject(running.sessions, "Cai of T0TWO", team="T0TWO", user="U0TWOREC", at=utcnow() - 30 * DAY)
        fake_slack.set_channel("DU0TWOREC", exists=False)  # T0TWO's recruiter's DM is refused for good
        metrics = Metrics(token=None)
        scheduler = BackgroundScheduler(timezone=UTC)
        add_jobs(
            scheduler,
            settings=running.settings,
            sessions=running.sessions,
            client=slack_client(fake_slack),
            metrics=metrics,
        )
        scheduler.start(paused=True)
        try:
            scheduler.get_job("reminders").func()
        finally:
            scheduler.shutdown(wait=False)

        def sent(team: str, outcome: str) -> float | None:
            labels = {"kind": "checkin", "outcome": outcome, "team": team}
            return metrics.registry.get_sample_value("keepwarm_messages_total", labels)

        assert [sent("T0ONE", "delivered"), sent("T0ONE", "failed")] == [1.0, 0.0]  # one DM, both check-ins
        assert [sent("T0TWO", "delivered"), sent("T0TWO", "failed")] == [0.0, 1.0]
        assert sent("", "delivered") == 0.0
