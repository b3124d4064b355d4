"""`python -m jobs run digest` as real processes: two at once, a dry run, exit codes, and the clock posting on time.

Each child gets its whole environment from the test; settings it should not have are passed empty, so no `.env` leaks.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from testkit.database import snapshot
from testkit.digests import ADMIN, CHANNEL, DAY, NOW, open_role, pending, reject, role_rows, roles_in
from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import FakeSlack
from testkit.processes import bot_process, clean_env, free_port


def cli_env(database_url: str, fake_slack: FakeSlack, **settings: str) -> dict[str, str]:
    env = child_env()
    wanted = {"DIGEST_CHANNEL": CHANNEL, "ADMIN_USER_IDS": ADMIN, "LOG_LEVEL": "INFO", **settings}
    env.update(make_env(database_url=database_url, fake_slack=fake_slack, **wanted))
    return env


def command(now: datetime | str, *options: str) -> list[str]:
    stamp = now if isinstance(now, str) else now.isoformat()
    return [sys.executable, "-m", "jobs", "run", "digest", "--now", stamp, *options]


def run_jobs(env: dict[str, str], now: datetime | str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(now, *options), cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_one_run_posts_the_new_roles_and_prints_what_it_did(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    roles = [open_role(sessions, "Backend Engineer"), open_role(sessions, "Data Engineer", at=NOW - DAY)]

    result = run_jobs(cli_env(database_url, fake_slack), NOW)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"posted the digest to <#{CHANNEL}>: 2 role(s)",
        "1 digest message(s), 2 role(s) posted, 0 deferred, 0 failed, 0 found already posted",
    ]
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == roles
    assert pending(sessions) == []

    again = run_jobs(cli_env(database_url, fake_slack), NOW + DAY)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == "no new roles since the last digest: nothing to post"
    assert len(fake_slack.messages(CHANNEL)) == 1


def test_two_digest_processes_started_together_post_each_role_once(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    roles = [
        open_role(sessions, f"Role {chr(65 + i)} Engineer", at=NOW - DAY + i * timedelta(minutes=1)) for i in range(10)
    ]
    env = cli_env(database_url, fake_slack)

    processes = [
        subprocess.Popen(command(NOW), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    summaries = sorted(stdout.splitlines()[-1] for stdout, _ in outputs)
    assert summaries[0].startswith("0 digest message(s)")
    assert summaries[1].startswith("1 digest message(s), 10 role(s) posted")
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == roles
    assert {row[2] for row in role_rows(sessions).values()} == {message["ts"]}


def test_a_dry_run_prints_what_would_be_posted_and_changes_nothing(
    database_url: str, engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    reject(sessions, "Ada Lovelace", "Backend Engineer", tags="python")
    role = open_role(sessions, "Backend Engineer", tags=("python",))
    fake_slack.set_channel(CHANNEL, private=True)
    before = snapshot(engine)

    result = run_jobs(cli_env(database_url, fake_slack), NOW, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"would post to <#{CHANNEL}> (names shown): 1 new role(s)",
        f"Backend Engineer (#{role}): 1 match(es): Ada Lovelace (<@U0ALICE>)",
        "dry run: 0 digest message(s), 0 role(s) posted, 0 deferred, 0 failed, 0 found already posted",
    ]
    assert [call.method for call in fake_slack.calls] == ["auth.test", "conversations.info"]
    assert snapshot(engine) == before


def test_without_digest_channel_it_says_so_and_exits_0(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    open_role(sessions, "Backend Engineer")

    result = run_jobs(cli_env(database_url, fake_slack, DIGEST_CHANNEL=""), NOW)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "DIGEST_CHANNEL is not set: there is no channel to post the digest to"
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_channel_problem_is_reported_not_crashed_on(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    role = open_role(sessions, "Backend Engineer")
    fake_slack.set_channel(CHANNEL, archived=True)

    result = run_jobs(cli_env(database_url, fake_slack), NOW)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"digest not posted to {CHANNEL}: is_archived; 1 role(s) stay pending for the next digest" in result.stderr
    assert result.stdout.splitlines() == [
        f"not posted to <#{CHANNEL}>: is_archived; 1 role(s) stay pending",
        "0 digest message(s), 0 role(s) posted, 0 deferred, 1 failed, 0 found already posted",
    ]
    assert pending(sessions) == [role]
    assert len(fake_slack.messages("D" + ADMIN)) == 1


def test_a_bad_now_is_exit_2_and_touches_nothing(fake_slack: FakeSlack, tmp_path: Path) -> None:
    database = tmp_path / "keepwarm.db"
    result = run_jobs(cli_env(f"sqlite:///{database}", fake_slack), "monday morning")

    assert result.returncode == 2
    assert "not an ISO-8601 date and time: 'monday morning'" in result.stderr
    assert result.stdout == ""
    assert not database.exists()
    assert fake_slack.calls == []


def test_an_unreachable_database_is_exit_1_with_one_clear_line(fake_slack: FakeSlack) -> None:
    result = run_jobs(cli_env("postgresql://postgres@127.0.0.1:1/keepwarm", fake_slack), NOW)

    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("keepwarm: cannot use the database in DATABASE_URL: ")
    assert result.stdout == ""
    assert fake_slack.calls == []


def test_the_clock_restarted_minutes_after_digest_time_still_posts_it(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """DIGEST_CRON set to five minutes ago, as for a clock process restarted at 09:05 on a Monday."""
    started = datetime.now(UTC)
    due = started - timedelta(minutes=5)
    role = open_role(sessions, "Backend Engineer", at=due - DAY)
    env = clean_env(
        **make_env(
            database_url=database_url,
            fake_slack=fake_slack,
            PORT=str(free_port()),
            DIGEST_CHANNEL=CHANNEL,
            DIGEST_CRON=f"{due.minute} {due.hour} * * {due.strftime('%a').lower()}",
            DIGEST_TZ="UTC",
        )
    )

    with bot_process(env, tmp_path, module="jobs") as clock:
        posted = clock.wait_for_call(fake_slack, "chat.postMessage")
        deadline = time.monotonic() + 5
        while pending_or_claimed(sessions) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"the one due at {due:%Y-%m-%d %H:%M} UTC runs now" in clock.output()

    assert [call.params["channel"] for call in posted] == [CHANNEL]
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == [role]
    assert role_rows(sessions)[role][:3] == (role_rows(sessions)[role][0], CHANNEL, message["ts"])
    assert not pending_or_claimed(sessions)


def pending_or_claimed(sessions: sessionmaker[Session]) -> bool:
    return any(digested_at is None for digested_at, *_ in role_rows(sessions).values())
