"""SIGKILL the sweep at random points, over and over: in the end every check-in reached Slack exactly once.

Each round starts a real `python -m jobs run reminders` against the fake Slack, whose chat.postMessage answers only
after a short wait (the message is posted first, as when Slack acts and the answer is lost), and kills it after a
random number of posts plus a random fraction of a post: before anything was claimed, between the claim and the post,
while Slack holds the answer, or between the answer and the record. The next round's `--now` is past the 10-minute
claim lease, as the next real sweep would be, so every claim a killed round left behind is settled from DM history.

The one-off sweep stands in for the clock process: both call the same `run_reminders`, and only the one-off takes an
instant, which lets the test step past the lease instead of waiting ten real minutes per round.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ids import REMINDER_METADATA_TYPE
from jobs.delivery import LEASE, carries
from models import Checkin
from testkit.data import MONDAY, reject
from testkit.env import REPO
from testkit.fakeslack import FakeSlack
from testkit.processes import cli_env, command
from testkit.sweeps import DAY, HOUR, MINUTE, checkin_ids, delivered, dm, posts, sent_rows

SEED = 20260105
RECRUITERS = 48
KILLED_ROUNDS = 30
POST_SECONDS = 0.08  # how long the fake Slack holds each chat.postMessage answer: the window a kill lands in
# Every check-in goes out on the day, up to 24 a recruiter: the daily cap is tested in tests/jobs/test_daily_cap.py.
ALWAYS_WORKING = {
    "WORK_DAYS": "mon-sun",
    "WORK_HOURS": "00:00-23:59",
    "DEFAULT_TIMEZONE": "UTC",
    "CHECKINS_PER_DAY": "500",
}
NOW = MONDAY + 14 * DAY + HOUR  # every MONDAY rejection's first check-in is due
SECOND = timedelta(seconds=1)
ROUND = LEASE + MINUTE  # each round's sweep runs this long after the last one: any claim left behind has expired


@dataclass
class Kills:
    """Where the kills landed, to prove the test exercised what it claims to."""

    killed: int = 0
    left_claims: int = 0  # killed between claiming and recording
    posted_unrecorded: int = 0  # ... after Slack had the message


def claims(sessions: sessionmaker[Session]) -> set[str]:
    with sessions.begin() as session:
        return set(session.scalars(select(Checkin.claim_token).where(Checkin.claim_token.is_not(None))))


def posted_under(fake: FakeSlack, users: list[str], token: str) -> bool:
    return any(carries(m, REMINDER_METADATA_TYPE, token) for user in users for m in fake.messages(dm(user)))


def run_until(process: subprocess.Popen[bytes], fake: FakeSlack, target: int, timeout: float = 60) -> None:
    """Wait until the fake has `target` posts in all, or the process ended by itself."""
    deadline = time.monotonic() + timeout
    while posts(fake) < target and process.poll() is None:
        assert time.monotonic() < deadline, f"the sweep neither posted {target} messages nor exited in {timeout}s"
        time.sleep(0.005)


def sweep_once(env: dict[str, str], now: datetime, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command(now), cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.long
def test_a_sweep_killed_at_random_points_delivers_every_checkin_exactly_once(
    database_url: str, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    users = [f"U0K{i:02d}" for i in range(RECRUITERS)]
    for n, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        # 2 to 24 each: a recruiter with more than one DM's worth (16) needs two sweeps.
        for k in range(rng.randint(2, 24)):
            reject(sessions, user=user, name=f"Candidate {n:02d}-{k:02d}", at=MONDAY + (n * 30 + k) * SECOND)
    ids = checkin_ids(sessions)
    assert len(ids) > 300
    fake_slack.slow_down("chat.postMessage", POST_SECONDS)
    fake_slack.slow_down("conversations.history", POST_SECONDS / 4)
    env = cli_env(settings.database_url, fake_slack) | ALWAYS_WORKING
    log = tmp_path / "sweeps.log"
    kills = Kills()

    now = NOW
    for _ in range(KILLED_ROUNDS):
        process = sweep_once(env, now, log)
        try:
            run_until(process, fake_slack, posts(fake_slack) + rng.randint(0, 3))
            time.sleep(rng.uniform(0, 1.5 * POST_SECONDS))  # where inside a post the kill lands: the random point
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        if process.returncode == -signal.SIGKILL:
            kills.killed += 1
            left = claims(sessions)
            kills.left_claims += bool(left)
            kills.posted_unrecorded += any(posted_under(fake_slack, users, token) for token in left)
        else:
            assert process.returncode == 0, log.read_text()
        now += ROUND

    # Then sweeps run undisturbed until one finds nothing left to do.
    for _ in range(10):
        result = subprocess.run(command(now), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        now += ROUND
        if result.stdout.splitlines()[-1].startswith("0 message(s), 0 check-in(s) sent, ") and not claims(sessions):
            break
    else:
        pytest.fail("sweeps still found work after 10 undisturbed rounds")

    print(f"{len(ids)} check-ins, {kills}, {posts(fake_slack)} posts")  # shown with -s
    assert kills.killed >= 10, kills  # at most 5 posts land per killed round, and 48+ are needed
    assert kills.left_claims >= 3 and kills.posted_unrecorded >= 1, kills
    assert delivered(fake_slack, users) == Counter(dict.fromkeys(ids, 1))
    assert sorted(checkin for checkin, _, _, _ in sent_rows(sessions)) == ids
    assert {step for _, step, _, _ in sent_rows(sessions)} == {0}
    with sessions.begin() as session:
        assert set(session.scalars(select(Checkin.step))) == {1}
