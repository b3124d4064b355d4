"""Two clock processes and one web process on one PostgreSQL database, for a sustained run: no duplicates, none lost.

Real processes: two `python -m jobs` clocks (SWEEP_MINUTES=1, the shortest setting) and one `python -m bot`, whose
own scheduler is left on (the default), so three sweepers contend for the same check-ins. chat.postMessage answers
slowly, so the sweeps that start together overlap for seconds. Meanwhile due check-ins keep appearing (recorded
through the real code, dated a month back), and a recruiter keeps using the web process: /rejected, the Home tab,
and Done / Snooze clicks in reminder DMs and on Home, including on check-ins a sweep may be claiming at that moment.

At the end every due check-in was posted exactly once, or acted on from Home before any sweep got to it; no check-in
was posted twice; every request was answered cleanly within Slack's three seconds; no process logged an error.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.refusals import CHECKIN_UNAVAILABLE
from bot.config import Settings
from bot.ids import CHECKIN_DONE, CHECKIN_SNOOZE_WEEK
from models import Checkin, CheckinStatus, ReminderSent, Touchpoint
from models.base import utcnow
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.processes import Bot, bot_process, clean_env, free_port
from testkit.sweeps import DAY, checkins_in, dm
from tests.faults.recruiter import (
    SLACK_SECONDS,
    Timed,
    click_in_dm,
    click_on_home,
    command,
    open_home,
    posted_checkins,
    record_checkin,
    wait,
)

SEED = 2026
USERS = [f"U0SUS{i:02d}" for i in range(16)]
FEED_SECONDS = 70.0  # the sweeps run at start-up and a minute later while check-ins keep arriving; a third mops up
FEED_EVERY = 0.25
# Every check-in goes out on the day, a score or so a recruiter: tests/jobs/test_daily_cap.py tests the daily cap.
ALWAYS_WORKING = {
    "WORK_DAYS": "mon-sun",
    "WORK_HOURS": "00:00-23:59",
    "DEFAULT_TIMEZONE": "UTC",
    "CHECKINS_PER_DAY": "500",
}
SWEEP_LINE = re.compile(r"reminder sweep: (\d+) messages")


class Feeder(threading.Thread):
    """Records a due check-in for a random recruiter every FEED_EVERY seconds until told to stop."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, rng: random.Random) -> None:
        super().__init__(name="feeder", daemon=True)
        self.sessions, self.settings, self.rng = sessions, settings, rng
        self.ids: list[int] = []
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(FEED_EVERY):
                user = self.rng.choice(USERS)
                name = f"Fed {len(self.ids):04d}"
                self.ids.append(record_checkin(self.sessions, self.settings, user, name, utcnow() - 30 * DAY))
        except BaseException as error:  # surfaced by the test thread
            self.error = error


def settled(sessions: sessionmaker[Session]) -> bool:
    """Nothing due is waiting at its first step, and no claim is open."""
    with sessions.begin() as session:
        waiting = session.scalar(
            select(Checkin.id)
            .where(Checkin.status == CheckinStatus.ACTIVE, Checkin.step == 0, Checkin.due_at <= utcnow())
            .limit(1)
        )
        claimed = session.scalar(select(Checkin.id).where(Checkin.claim_token.is_not(None)).limit(1))
    return waiting is None and claimed is None


class Recruiter:
    """One person using Slack throughout the run, each answer timed and checked."""

    def __init__(self, web: Bot, fake: FakeSlack, rng: random.Random) -> None:
        self.web, self.fake, self.rng = web, fake, rng
        self.slowest: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.clicks = 0

    def _timed(self, what: str, timed: Timed) -> Timed:
        assert timed.seconds < SLACK_SECONDS, f"{what} took {timed.seconds:.2f}s"
        self.slowest[what] = max(self.slowest.get(what, 0.0), timed.seconds)
        self.counts[what] = self.counts.get(what, 0) + 1
        return timed

    def record(self) -> None:
        n = self.counts.get("/rejected", 0)
        reply = self._timed("/rejected", command(self.web, f'"Typed {n:04d}" role=Backend stage=final', USERS[0]))
        assert "Recorded" in reply.text, reply.text

    def use_home(self) -> None:
        """Open Home and, when something is due there, click Done or Snooze on it: maybe just as a sweep claims it."""
        user = self.rng.choice(USERS)
        [home] = self._timed("home", open_home(self.web, self.fake, user)).calls
        view = home.params["view"]
        due = checkins_in(view)
        if due and self.rng.random() < 0.25:  # mostly look; clicking everything would leave the sweeps nothing
            action = self.rng.choice([CHECKIN_DONE, CHECKIN_SNOOZE_WEEK])
            self._timed("home click", click_on_home(self.web, self.fake, user, view, self.rng.choice(due), action))

    def use_dm(self) -> None:
        """Click Done or Snooze on a check-in of a reminder DM that still shows buttons."""
        user = self.rng.choice(USERS)
        messages = [m for m in self.fake.messages(dm(user)) if checkins_in(m)]
        if not messages:
            return
        message = self.rng.choice(messages)
        action = self.rng.choice([CHECKIN_DONE, CHECKIN_SNOOZE_WEEK])
        self.clicks += 1
        timed = click_in_dm(
            self.web, self.fake, user, message, self.rng.choice(checkins_in(message)), action, f"dm {self.clicks}"
        )
        [answer] = self._timed("dm click", timed).calls
        assert answer.method == "chat.update" or answer.params["text"] != CHECKIN_UNAVAILABLE, answer.params


def swept(log: str) -> int:
    """How many DMs a process's sweeps say they sent."""
    return sum(int(n) for n in SWEEP_LINE.findall(log))


def clean(log: str) -> bool:
    return "Traceback" not in log and " ERROR " not in log


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_clocks_and_a_web_process_for_a_sustained_run(
    database_url: str, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    for user in USERS:
        fake_slack.set_user(user, tz="UTC")
    seeded = [
        record_checkin(sessions, settings, u, f"Seeded {u} {k}", utcnow() - 30 * DAY) for u in USERS for k in (1, 2)
    ]
    fake_slack.slow_down("chat.postMessage", 0.15)  # a sweep over every recruiter takes seconds: the sweeps overlap

    common = make_env(database_url=database_url, fake_slack=fake_slack, LOG_LEVEL="INFO", **ALWAYS_WORKING)
    for name in ("web", "clock1", "clock2"):
        (tmp_path / name).mkdir()
    with (
        bot_process(clean_env(**common, PORT=str(free_port())), tmp_path / "web") as web,
        bot_process(clean_env(**common, SWEEP_MINUTES="1"), tmp_path / "clock1", "jobs") as clock1,
        bot_process(clean_env(**common, SWEEP_MINUTES="1"), tmp_path / "clock2", "jobs") as clock2,
    ):
        processes = [web, clock1, clock2]
        assert web.wait_until_serving().status == 200
        feeder = Feeder(sessions, settings, random.Random(SEED + 1))
        feeder.start()
        recruiter = Recruiter(web, fake_slack, rng)
        actions: list[Callable[[], None]] = [recruiter.record, recruiter.use_home, recruiter.use_dm, recruiter.use_dm]
        try:
            ends = time.monotonic() + FEED_SECONDS
            while time.monotonic() < ends:
                rng.choice(actions)()
                time.sleep(rng.uniform(0.05, 0.3))  # pacing: one person's clicks, not a flood
                for process in processes:
                    assert process.process.poll() is None, process.output()
                assert feeder.error is None and feeder.is_alive()
        finally:
            feeder.done.set()
            feeder.join(timeout=30)
        assert feeder.error is None, feeder.error
        # The next sweeps (a minute after the first) take what is left.
        wait(lambda: settled(sessions), "every due check-in to be settled", 150, alive=processes)
        # A sweep logs its summary once past its last recruiter, a little after the data is settled.
        posts = len(fake_slack.calls_to("chat.postMessage"))
        wait(
            lambda: sum(swept(bot.output()) for bot in processes) >= posts, "the sweeps' summaries", 60, alive=processes
        )
        logs = {bot.log.parent.name: bot.output() for bot in processes}

    due = seeded + feeder.ids
    posted = posted_checkins(fake_slack)
    with sessions.begin() as session:
        acted = set(session.scalars(select(Touchpoint.checkin_id)))
        recorded = list(session.scalars(select(ReminderSent.checkin_id).where(ReminderSent.step == 0)))
    swept_by = {name: swept(log) for name, log in logs.items()}
    print(  # shown with -s
        f"{len(due)} due check-ins, {sum(posted.values())} posted in {len(fake_slack.calls_to('chat.postMessage'))}"
        f" DMs, messages per process {swept_by}, requests {recruiter.counts}, slowest {recruiter.slowest}"
    )
    assert [checkin for checkin, times in posted.items() if times > 1] == []  # none posted twice
    assert [checkin for checkin in due if checkin not in posted and checkin not in acted] == []  # none lost
    assert sorted(recorded) == sorted(posted)  # every post is on record, once
    assert sum(swept_by.values()) == len(fake_slack.calls_to("chat.postMessage"))  # each DM sent by exactly one sweep
    assert sum(posted.values()) > len(due) // 2, "Home clicks left the sweeps too little to contend for"
    assert all(recruiter.counts.get(what, 0) > 3 for what in ("/rejected", "home", "dm click")), recruiter.counts
    assert {name: clean(log) for name, log in logs.items()} == dict.fromkeys(logs, True), logs
