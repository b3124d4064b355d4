"""`python -m jobs run reminders` as real processes: two at once, a dry run, bad input, no database, and a SIGKILL.

Each child gets its whole environment from the test. Every setting is passed, as an empty string when it should be
unset: python-dotenv never overrides a variable that exists, so a stray `.env` cannot leak into a run.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.timezones import refresh_timezone
from jobs.delivery import LEASE
from testkit.data import MONDAY, REC, reject
from testkit.database import snapshot
from testkit.env import REPO
from testkit.fakeslack import FakeSlack, Reply
from testkit.processes import cli_env, command
from testkit.sweeps import (
    DAY,
    HOUR,
    MINUTE,
    TEAM,
    Sweeper,
    backlog,
    checkin_ids,
    checkin_of,
    checkins_in,
    delivered,
    dm,
    expected,
    posts,
    sent_rows,
    strongest_first,
    tally,
)

NOW = MONDAY + 14 * DAY + HOUR  # Monday 19 January 2026, 11:00 UTC: every MONDAY rejection's first check-in is due
SUMMARY = re.compile(r"^(dry run: )?(\d+) message\(s\), (\d+) check-in\(s\) sent, ")


def run_jobs(env: dict[str, str], now: datetime | str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(now, *options), cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def messages_sent(stdout: str) -> int:
    """The message count in the summary line the CLI prints last."""
    match = SUMMARY.match(stdout.splitlines()[-1])
    assert match, stdout
    return int(match.group(2))


# --- 6b. Two real processes at once -----------------------------------------------------------------------------------


def test_two_sweep_processes_started_together_post_every_checkin_exactly_once(
    database_url: str, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    users = [f"U0P{i:02d}" for i in range(30)]
    for i, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, user=user, name=f"Candidate {i:02d}", at=MONDAY + i * MINUTE)
    ids = checkin_ids(sessions)
    env = cli_env(database_url, fake_slack)

    processes = [
        subprocess.Popen(command(NOW), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    assert sum(messages_sent(stdout) for stdout, _ in outputs) == len(users), outputs
    assert posts(fake_slack) == len(users)
    assert [len(fake_slack.messages(dm(user))) for user in users] == [1] * len(users)
    assert delivered(fake_slack, users) == Counter(dict.fromkeys(ids, 1))
    rows = sent_rows(sessions)
    assert sorted(checkin for checkin, _, _, _ in rows) == ids
    assert {(step, channel[1:] in users) for _, step, channel, _ in rows} == {(0, True)}


# --- The CLI's own promises -------------------------------------------------------------------------------------------


def test_dry_run_prints_what_would_be_sent_and_changes_nothing(
    database_url: str,
    engine: Engine,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
    sweep: Sweeper,
) -> None:
    tokyo = "U0TOKYO"
    fake_slack.set_user(REC, tz="UTC")
    fake_slack.set_user(tokyo, tz="Asia/Tokyo")  # 20:00 in Tokyo at NOW
    reject(sessions, name="Ann Lee", role="Data Analyst")
    reject(sessions, name="Bob Stone", role="Designer", at=MONDAY + MINUTE)
    reject(sessions, user=tokyo, name="Cy Young", role="SRE", at=MONDAY + 2 * MINUTE)
    for user in (REC, tokyo):
        refresh_timezone(sessions=sessions, client=sweep.client, team_id=TEAM, user_id=user, now=NOW - HOUR)
    fake_slack.reset()
    before = snapshot(engine)

    result = run_jobs(cli_env(database_url, fake_slack), NOW, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"<@{REC}>: would DM 2 check-in(s): Bob Stone (Designer), Ann Lee (Data Analyst)",
        f"<@{tokyo}>: waiting for working hours (Asia/Tokyo)",
        "dry run: 0 message(s), 0 check-in(s) sent, 1 waiting for working hours, 0 at the daily cap, 0 deferred, "
        "0 failed, 0 found already delivered, 0 erased at the end of their retention period, 0 erasure warning(s)",
    ]
    assert fake_slack.calls == []
    assert snapshot(engine) == before
    # The same sweep for real does send: the dry run had something to hold back.
    assert tally(sweep(NOW)) == expected(messages=1, checkins=2, waiting_for_working_hours=1)


def test_a_bad_now_is_exit_2_and_touches_nothing(fake_slack: FakeSlack, tmp_path: Path) -> None:
    """No database fixture: the argument is refused before any database is opened."""
    database = tmp_path / "keepwarm.db"
    result = run_jobs(cli_env(f"sqlite:///{database}", fake_slack), "next tuesday")

    assert result.returncode == 2
    assert "not an ISO-8601 date and time: 'next tuesday'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not database.exists()
    assert fake_slack.calls == []


def test_an_unreachable_database_is_exit_1_with_one_clear_line(fake_slack: FakeSlack) -> None:
    """No database fixture: PostgreSQL on port 1, where nothing listens."""
    result = run_jobs(cli_env("postgresql://postgres@127.0.0.1:1/keepwarm", fake_slack), NOW)

    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("keepwarm: cannot use the database in DATABASE_URL: "), lines
    assert "port 1" in lines[0]
    assert result.stdout == ""
    assert fake_slack.calls == []


# --- The daily cap over several simulated days -----------------------------------------------------------------------


def test_forty_overdue_checkins_reach_the_recruiter_ten_a_working_day_strongest_and_most_recent_first(
    database_url: str, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """What an import of past rejections (or a bot down for weeks) leaves: 40 check-ins overdue at once. The clock
    runs `python -m jobs run reminders --now` through a week: ten a working day (CHECKINS_PER_DAY's default), none
    at the weekend, none twice, all of them by Tuesday."""
    fake_slack.set_user(REC, tz="Europe/Paris")
    thursday = datetime(2026, 1, 15, 10, tzinfo=UTC)  # 11:00 in Paris
    order = strongest_first(backlog(sessions, 40, due_by=thursday))
    env = cli_env(database_url, fake_slack)

    def run(when: datetime) -> tuple[int, list[str]]:
        result = run_jobs(env, when)
        assert result.returncode == 0, result.stderr
        return messages_sent(result.stdout), result.stdout.splitlines()

    days: list[list[int]] = []
    for when, sends in [
        (thursday, 1),
        (thursday + 5 * HOUR, 0),  # 16:00 in Paris: the day's ten are out
        (thursday + DAY, 1),  # Friday
        (thursday + 2 * DAY, 0),  # Saturday
        (thursday + 3 * DAY, 0),  # Sunday
        (thursday + 4 * DAY, 1),  # Monday
        (thursday + 5 * DAY, 1),  # Tuesday: the last ten
        (thursday + 6 * DAY, 0),  # Wednesday: nothing left
    ]:
        before = len(fake_slack.messages(dm(REC)))
        sent, lines = run(when)
        assert sent == sends, (when, lines)
        days.extend(checkins_in(message) for message in fake_slack.messages(dm(REC))[before:])
        if when == thursday + 5 * HOUR:
            assert lines[0] == f"<@{REC}>: daily cap reached (10 a day): the rest wait for the next working day"
            assert ", 1 at the daily cap, " in lines[-1]
        if when.weekday() >= 5:
            assert lines[0] == f"<@{REC}>: waiting for working hours (Europe/Paris)"

    assert days == [order[0:10], order[10:20], order[20:30], order[30:40]]
    thursdays, _, _, tuesdays = fake_slack.messages(dm(REC))
    assert thursdays["blocks"][0]["text"]["text"] == "Time to reconnect with 10 candidates"
    assert thursdays["blocks"][-1]["elements"][0]["text"] == (
        "30 more due from the next working day on, at most 10 a day, strongest and most recent first: "
        "open Keepwarm's *Home* tab to see them all."
    )
    assert tuesdays["blocks"][-1]["type"] == "actions"  # nothing more due: no last line
    assert delivered(fake_slack, [REC]) == Counter(dict.fromkeys(order, 1))
    assert sorted(checkin for checkin, _, _, _ in sent_rows(sessions)) == sorted(order)


# --- 7. A sweep killed with SIGKILL while it waits for Slack ----------------------------------------------------------


@pytest.mark.parametrize("applied", [False, True], ids=["never-posted", "posted-unanswered"])
def test_a_sweep_killed_mid_post_is_finished_by_the_next_one_after_the_lease(
    applied: bool,
    database_url: str,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
    sweep: Sweeper,
    tmp_path: Path,
) -> None:
    first, second = "U0KILLED", "U0WAITED"
    for user in (first, second):
        fake_slack.set_user(user, tz="UTC")
    killed = reject(sessions, user=first, name="Ann Killed").candidate_id
    waited = reject(sessions, user=second, name="Bob Waited", at=MONDAY + MINUTE).candidate_id
    ids = checkin_ids(sessions)
    fake_slack.script(
        "chat.postMessage", Reply({"ok": True, "channel": dm(first), "ts": "1.0"}, delay=10, applied=applied)
    )
    env = cli_env(database_url, fake_slack)

    with (tmp_path / "sweep.log").open("w+") as log:
        process = subprocess.Popen(command(NOW), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            fake_slack.wait_for("chat.postMessage", timeout=20)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    # The killed sweep left its claim on the first recruiter's check-in and never reached the second's.
    claimed, untouched = checkin_of(sessions, killed), checkin_of(sessions, waited)
    assert claimed is not None and untouched is not None
    assert claimed.claim_token is not None
    # The lease runs from the sweep's instant plus the real time it took to get to this claim.
    assert claimed.claim_expires_at is not None and NOW + LEASE <= claimed.claim_expires_at < NOW + LEASE + MINUTE
    assert claimed.step == 0
    assert (untouched.claim_token, untouched.step) == (None, 0)
    assert len(fake_slack.messages(dm(first))) == (1 if applied else 0)

    # Within the lease the claim is left alone; the other recruiter is served.
    assert tally(sweep(NOW + 5 * MINUTE)) == expected(messages=1, checkins=1)
    assert posts(fake_slack) == 2
    assert fake_slack.calls_to("conversations.history") == []

    # Past the lease, the next sweep settles it from history: sent once, whichever way the killed post went.
    result = run_jobs(env, NOW + LEASE + MINUTE)
    assert result.returncode == 0, result.stderr
    assert messages_sent(result.stdout) == (0 if applied else 1)
    assert posts(fake_slack) == (2 if applied else 3)
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert delivered(fake_slack, [first, second]) == Counter(dict.fromkeys(ids, 1))
    assert sorted(checkin for checkin, _, _, _ in sent_rows(sessions)) == ids
