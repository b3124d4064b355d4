"""The clock process (`python -m jobs`) serves its own metrics on METRICS_PORT: a real process, its sweep and digest
run at start-up against the fake Slack, scraped over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from models import Ats, AtsDelivery
from models.ats_inbox import store_delivery
from models.base import utcnow
from models.db import make_engine, make_session_factory
from testkit.data import reject
from testkit.env import make_env
from testkit.fakeslack import TEAM_ID, FakeSlack, Reply
from testkit.metrics import TOKEN, Scrape, fetch, labels, wait_for_scrape
from testkit.processes import bot_process, clean_env, cli_env, free_port

# Whatever day and hour the test runs, it is working time, so the first sweep at start-up sends.
ALWAYS_WORKING = {"WORK_DAYS": "mon-sun", "WORK_HOURS": "00:00-23:59", "DEFAULT_TIMEZONE": "UTC"}
DEFERRED, FAILED, SENT = "U0DEFER", "U0FAIL", "U0SENT"


def ran(scrape: Scrape) -> bool:
    """The start-up sweep and the digest that was due have both finished."""
    return all(scrape.value("keepwarm_job_seconds_count", job=job) >= 1 for job in ("sweep", "digest"))


def waiting_in_inbox(database_url: str) -> dict[frozenset[tuple[str, str]], float]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(AtsDelivery.source, AtsDelivery.team_id, func.count())
            .where(AtsDelivery.processed_at.is_(None))
            .group_by(AtsDelivery.source, AtsDelivery.team_id)
        ).all()
    engine.dispose()
    return {labels(ats=source, team=team): float(count) for source, team, count in rows}


def test_the_clock_counts_a_sweep_that_delivers_defers_and_fails_and_its_digest(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    for user in (DEFERRED, FAILED, SENT):  # recruiters are served in this order
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, name=f"Candidate of {user}", user=user, at=utcnow() - timedelta(days=30))
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "some_new_error"}))  # the first: try again
    fake_slack.set_channel("D" + FAILED, exists=False)  # Slack will never take this DM: channel_not_found
    with sessions.begin() as session:  # a Lever delivery, which cannot be read without LEVER_API_KEY: it waits
        store_delivery(
            session=session, team_id=TEAM_ID, source=Ats.LEVER, delivery_key="k1", event="x", body="{}", now=utcnow()
        )
    engine.dispose()
    due = utcnow() - timedelta(minutes=10)  # a digest missed ten minutes ago runs at start-up, then not for a day
    port = free_port()
    env = clean_env(
        **make_env(
            database_url=database_url,
            fake_slack=fake_slack,
            METRICS_PORT=str(port),
            METRICS_TOKEN=TOKEN,
            DIGEST_CHANNEL="C0DIGEST",
            DIGEST_CRON=f"{due.minute} {due.hour} * * *",
            DIGEST_TZ="UTC",
            **ALWAYS_WORKING,
        )
    )
    url = f"http://127.0.0.1:{port}"
    with bot_process(env, tmp_path, module="jobs") as clock:
        found = wait_for_scrape(url, ran)
        refusals = [
            fetch(url + "/metrics").status,
            fetch(url + "/metrics", "Bearer not-the-token").status,
            fetch(url + "/elsewhere", f"Bearer {TOKEN}").status,
        ]
        assert clock.process.poll() is None, clock.output()

    assert refusals == [401, 401, 404]
    assert Counter({k: v for k, v in found.series("keepwarm_messages_total").items() if v}) == Counter(
        {
            labels(kind="checkin", outcome="delivered", team=""): 1,
            labels(kind="checkin", outcome="deferred", team=""): 1,
            labels(kind="checkin", outcome="failed", team=""): 1,
        }
    )
    assert [len(fake_slack.messages("D" + user)) for user in (DEFERRED, FAILED, SENT)] == [0, 0, 1]
    assert found.value("keepwarm_job_seconds_count", job="sweep") == 1
    assert found.value("keepwarm_job_seconds_count", job="digest") == 1  # no new role: it ran and posted nothing
    assert set(found.series("keepwarm_job_failures_total").values()) == {0.0}
    assert found.series("keepwarm_ats_inbox_waiting") == waiting_in_inbox(database_url)
    assert found.series("keepwarm_ats_inbox_waiting") == {labels(ats="lever", team=TEAM_ID): 1.0}
    # The clock serves nothing but its metrics: the only requests it counts are scrapes (and the refusals above
    # come after this scrape).
    assert {dict(k)["kind"] for k in found.series("keepwarm_requests_total")} <= {"metrics"}


def test_a_metrics_port_without_a_token_is_refused_at_start_up(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = {**cli_env(f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack), "METRICS_PORT": str(free_port())}
    done = subprocess.run([sys.executable, "-m", "jobs"], env=env, capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "keepwarm: METRICS_PORT is set but METRICS_TOKEN is not: set the token scrapers will send, "
        "or unset METRICS_PORT\n"
    )


def test_a_metrics_port_already_taken_stops_the_clock(fake_slack: FakeSlack, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **cli_env(f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack),
            "METRICS_PORT": str(port),
            "METRICS_TOKEN": TOKEN,
        }
        done = subprocess.run([sys.executable, "-m", "jobs"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    last = done.stderr.splitlines()[-1]  # after the migration's log lines
    assert last == f"keepwarm: cannot serve metrics on METRICS_PORT {port}: Address already in use", done.stderr


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"METRICS_TOKEN": "too-short"},
            "METRICS_TOKEN must be at least 32 letters, digits or - . _ ~ + / = (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or empty to switch /metrics off",
        ),
        (
            {"METRICS_TOKEN": TOKEN + " with spaces"},
            "METRICS_TOKEN must be at least 32 letters, digits or - . _ ~ + / = (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or empty to switch /metrics off",
        ),
        (
            {"METRICS_TOKEN": TOKEN, "METRICS_PORT": "99999"},
            "METRICS_PORT must be a number from 1 to 65535, not '99999'",
        ),
        (
            {"METRICS_TOKEN": TOKEN, "METRICS_PORT": "3000"},
            "METRICS_PORT must differ from PORT (3000), the port python -m bot serves HTTP on",
        ),
    ],
    ids=["short token", "token with spaces", "port out of range", "port of the web server"],
)
def test_bad_metrics_settings_are_refused_with_the_reason(
    settings: dict[str, str], message: str, fake_slack: FakeSlack
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(make_env(database_url="sqlite://", fake_slack=fake_slack, **settings))
    assert str(refused.value) == message
