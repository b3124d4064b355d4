"""The database goes away and comes back while the real web process and clock process run against it.

PostgreSQL: a server of the test's own, killed with `pg_ctl stop -m immediate` (as in a crash) and started again.
SQLite: another connection holds an exclusive lock, as a long write (a backup, a migration) would, then lets go.

During the outage every request is answered with a clear message inside Slack's three seconds (measured per request:
that is Slack's limit, not a benchmark), /healthz says down, and the clock's sweep fails without the process exiting.
Afterwards /healthz says up, the first requests succeed, and the next sweep delivers the check-ins that fell due before
and during the outage, each exactly once; a rejection the recruiter was told failed is not there, one told saved is.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.blocks.refusals import CHECKIN_UNAVAILABLE
from bot.config import load_settings
from bot.ids import CHECKIN_DONE
from models import Candidate, ReminderSent
from models.base import utcnow
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.postgres import PrivatePostgres
from testkit.processes import bot_process, clean_env, free_port
from testkit.slack_http import get
from testkit.sweeps import DAY, checkins_in, dm
from tests.faults.recruiter import (
    SLACK_SECONDS,
    Timed,
    click_in_dm,
    click_on_home,
    command,
    home_text,
    open_home,
    posted_checkins,
    record_checkin,
    wait,
)

ALWAYS_WORKING = {"WORK_DAYS": "mon-sun", "WORK_HOURS": "00:00-23:59", "DEFAULT_TIMEZONE": "UTC"}
USERS = [f"U0OUT{i}" for i in range(4)]
SWEEP_FAILED = "reminder sweep could not run"


@dataclass
class Database:
    """A database the test can take away and give back."""

    url: str
    down: Callable[[], None]
    up: Callable[[], None]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        server: PrivatePostgres = request.getfixturevalue("private_postgres")
        url = server.url
        down, up = server.stop, server.start
    else:
        url = f"sqlite:///{tmp_path / 'keepwarm.db'}"
        holder: list[sqlite3.Connection] = []

        def down() -> None:
            connection = sqlite3.connect(make_url(url).database or "", timeout=30, isolation_level=None)
            connection.execute("BEGIN EXCLUSIVE")
            holder.append(connection)

        def up() -> None:
            connection = holder.pop()
            connection.execute("ROLLBACK")
            connection.close()

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield Database(url, down, up)


def reminders_sent(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(ReminderSent)).scalar_one()
    finally:
        engine.dispose()


def candidates_named(url: str, names: list[str]) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(Candidate.name).where(Candidate.name.in_(names))))
    finally:
        engine.dispose()


@pytest.mark.long
def test_the_database_going_away_and_coming_back(database: Database, fake_slack: FakeSlack, tmp_path: Path) -> None:
    url = database.url
    settings = load_settings(make_env(database_url=url, fake_slack=fake_slack), serving=False)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    for user in USERS:
        fake_slack.set_user(user, tz="UTC")
    now = utcnow()
    # Due already (the first sweep sends them), and due 40 s from now: during the outage.
    soon = now - 14 * DAY + timedelta(seconds=40)
    before = [record_checkin(sessions, settings, u, f"Early {u} {k}", now - 30 * DAY) for u in USERS for k in (1, 2)]
    during = [record_checkin(sessions, settings, u, f"Late {u}", soon) for u in USERS]
    engine.dispose()

    common = make_env(database_url=url, fake_slack=fake_slack, **ALWAYS_WORKING)
    web_env = clean_env(**common, PORT=str(free_port()), RUN_SCHEDULER="false")
    clock_env = clean_env(**common, SWEEP_MINUTES="1")
    (tmp_path / "web").mkdir()
    (tmp_path / "clock").mkdir()
    with bot_process(web_env, tmp_path / "web") as web, bot_process(clock_env, tmp_path / "clock", "jobs") as clock:
        alive = [web, clock]
        assert web.wait_until_serving().status == 200
        wait(lambda: reminders_sent(url) == len(before), "the first sweep", 30, alive=alive)
        assert posted_checkins(fake_slack) == Counter(dict.fromkeys(before, 1))
        [first_dm] = fake_slack.messages(dm(USERS[0]))
        [home_before] = open_home(web, fake_slack, USERS[1]).calls
        late = during[1]  # USERS[1]'s, not due yet: on Home under "Coming up", with its buttons
        assert f"checkin_actions:{late}" in home_text(home_before)
        saved = command(web, "Saved Before role=Backend stage=final", USERS[0])
        assert "Recorded" in saved.text, saved.text

        database.down()
        told_failed: list[str] = []
        slowest: dict[str, float] = {}
        try:
            rounds = 0
            while rounds < 3 or SWEEP_FAILED not in clock.output():
                rounds += 1
                assert clock.process.poll() is None, clock.output()
                started = time.monotonic()
                reply = get(web.url + "/healthz")
                health = Timed(time.monotonic() - started)
                assert (reply.status, reply.json()) == (503, {"ok": False, "database": "unreachable"})

                name = f"Lost {rounds}"
                failed = command(web, f'"{name}" role=Backend stage=final', USERS[rounds % len(USERS)])
                assert "Could not save the rejection just now" in failed.text, failed.text
                assert "try again" in failed.text
                told_failed.append(name)

                home = open_home(web, fake_slack, USERS[1])
                [view] = home.calls
                assert "database is not answering" in home_text(view), home_text(view)

                first = checkins_in(first_dm)[0]
                click = click_in_dm(web, fake_slack, USERS[0], first_dm, first, CHECKIN_DONE, f"outage {rounds}")
                [said] = click.calls
                assert (said.method, said.params["text"]) == ("response_url", CHECKIN_UNAVAILABLE)

                home_click = click_on_home(web, fake_slack, USERS[1], home_before.params["view"], late, CHECKIN_DONE)
                [redrawn] = home_click.calls
                assert "database is not answering" in home_text(redrawn), home_text(redrawn)

                timings = {
                    "healthz": health,
                    "/rejected": failed,
                    "home": home,
                    "click": click,
                    "home click": home_click,
                }
                for what, timed in timings.items():
                    slowest[what] = max(slowest.get(what, 0.0), timed.seconds)
                assert max(slowest.values()) < SLACK_SECONDS, slowest
                assert rounds < 200, "the clock never tried to sweep during the outage"
                time.sleep(0.5)  # pacing: a recruiter retrying now and then, not a flood
        finally:
            database.up()
        print(f"outage: {rounds} rounds of requests, slowest answers {slowest}")  # shown with -s

        # Back: health says so, and the very first requests work (no stale pooled connection in the way).
        wait(lambda: get(web.url + "/healthz").status == 200, "/healthz to recover", 30, alive=alive)
        after = command(web, '"Saved After" role=Backend stage=final', USERS[2])
        assert "Recorded" in after.text, after.text
        [home_after] = open_home(web, fake_slack, USERS[1]).calls
        assert f"Late {USERS[1]}" in home_text(home_after), home_text(home_after)
        done = click_in_dm(web, fake_slack, USERS[0], first_dm, checkins_in(first_dm)[0], CHECKIN_DONE, "after")
        assert [call.method for call in done.calls] == ["chat.update"]
        assert done.seconds < SLACK_SECONDS

        # The clock's next sweep delivers what fell due during the outage; nothing was sent twice.
        wait(lambda: reminders_sent(url) == len(before) + len(during), "the sweep after the outage", 150, alive=alive)
        assert clock.process.poll() is None
    assert posted_checkins(fake_slack) == Counter(dict.fromkeys(before + during, 1))
    assert candidates_named(url, told_failed) == []
    assert sorted(candidates_named(url, ["Saved Before", "Saved After"])) == ["Saved After", "Saved Before"]


def test_the_first_requests_after_a_postgres_restart_succeed(
    private_postgres: PrivatePostgres, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """No request meets the outage, so the web process's pool still holds connections the restart killed: the first
    request after it must not be the one that finds out."""
    engine = make_engine(private_postgres.url)
    upgrade(engine)
    engine.dispose()
    env = clean_env(**make_env(database_url=private_postgres.url, fake_slack=fake_slack, PORT=str(free_port())))
    with bot_process({**env, "RUN_SCHEDULER": "false"}, tmp_path) as web:
        assert web.wait_until_serving().status == 200
        for n in range(4):  # several pooled connections, as a busy server has
            assert "Recorded" in command(web, f'"Before {n}" role=Backend stage=final', "U0REC").text

        private_postgres.stop()
        private_postgres.start()

        assert get(web.url + "/healthz").status == 200
        for n in range(4):
            reply = command(web, f'"After {n}" role=Backend stage=final', "U0REC")
            assert "Recorded" in reply.text, reply.text
        assert open_home(web, fake_slack, "U0REC").calls
        assert "database is not answering" not in home_text(fake_slack.calls_to("views.publish")[-1])
