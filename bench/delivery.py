"""Delivery throughput: the real clock process DMs 1,000 recruiters their due check-ins through Slack's rate limits.

    .venv/bin/python -m bench.delivery [--recruiters 1000] [--databases sqlite,postgresql] [--postgres-url URL]

Each database is a throwaway one. Rejections are recorded the way /rejected records them (validate_rejection, then
record_rejection), 20 days ago, so every first check-in is due. `python -m jobs` (the clock process, as deployed)
then runs with SWEEP_MINUTES=1 and working hours open all week, against the fake Slack (testkit/fakeslack.py) answering
429 with Retry-After beyond the limits in testkit.fakeslack.RateLimits. We time it until every check-in is in a DM,
compare with the least time those limits allow, and check from what Slack received that each check-in arrived in
exactly one DM, carrying its claim's token, and that the database recorded exactly that.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bench.databases import KINDS, POSTGRES_DEFAULT, scratch_database
from bench.machine import describe
from bench.options import databases, positive
from bench.process import cpu_seconds, peak_rss_mib
from bot.blocks.reminders import MAX_ITEMS
from bot.config import load_settings
from bot.ids import REMINDER_METADATA_TYPE
from bot.rejection_input import validate_rejection
from bot.timezones import refresh_timezone
from models import Checkin, Recruiter, ReminderSent
from models.base import utcnow
from models.db import make_engine, make_session_factory, normalize_database_url
from models.records import record_rejection
from testkit.fakeslack import METHOD_TIERS, TEAM_ID, FakeSlack, RateLimits
from testkit.sweeps import checkins_in

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "delivery.json"
DUE_EACH = 2  # check-ins due per recruiter
HEAVY_EVERY = 100  # every 100th recruiter has more than one DM's worth due: the rest go in the next sweep
HEAVY_DUE = MAX_ITEMS + 4
SCENARIOS = {
    "cold": "no time zone cached: each recruiter's users.info comes first, as on a recruiter's first DM of a day",
    "warm": "every time zone fetched within the day (by /rejected, say): only chat.postMessage",
}
REJECTED_AGO = timedelta(days=20)  # the 14-day check-in is due; the 90-day one is 70 days away
SWEEP_MINUTES = 1
POLL_SECONDS = 0.25
SWEEP_LINE = re.compile(r"reminder sweep: (\d+) messages, (\d+) check-ins")
HEADER = (
    f"{'database':<11}{'zones':<6}{'recruiters':>11}{'check-ins':>10}{'DMs':>6}{'told s':>8}{'bound':>7}{'ratio':>6}"
    f"{'all s':>8}{'bound':>7}{'ratio':>6}{'429s':>6}{'sweeps':>7}{'lost':>5}{'doubled':>8}{'RSS MiB':>8}{'CPU s':>6}"
)


@dataclass
class Result:
    """One database's run: how long delivery took, what bounds it, and what Slack and the database show after."""

    database: str
    scenario: str
    recruiters: int
    checkins: int
    dms_expected: int
    dms_received: int = 0
    seconds_to_first_slack_call: float = 0.0
    seconds_to_every_first_dm: float | None = None  # every recruiter told: a first DM names all that is due
    seconds_to_everything: float | None = None  # every check-in in a DM; None: not before the time limit
    first_dm_bound_seconds: float = 0.0
    lower_bound_seconds: float = 0.0
    bound_by: dict[str, float] = field(default_factory=dict)
    rate_limited: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    sweeps: int = 0
    lost: int = 0
    doubled: int = 0
    problems: list[str] = field(default_factory=list)
    clock_peak_rss_mib: float = 0.0
    clock_cpu_seconds: float = 0.0
    seed_seconds: float = 0.0

    def ratios(self) -> dict[str, float | None]:
        def ratio(seconds: float | None, bound: float) -> float | None:
            return None if seconds is None or not bound else seconds / bound

        return {
            "first_dms": ratio(self.seconds_to_every_first_dm, self.first_dm_bound_seconds),
            "everything": ratio(self.seconds_to_everything, self.lower_bound_seconds),
        }

    def line(self) -> str:
        def shown(value: float | None, digits: int) -> str:
            return "-" if value is None else f"{value:.{digits}f}"

        ratios = self.ratios()
        return (
            f"{self.database:<11}{self.scenario:<6}{self.recruiters:>11,}{self.checkins:>10,}{self.dms_received:>6,}"
            f"{shown(self.seconds_to_every_first_dm, 1):>8}{self.first_dm_bound_seconds:>7.1f}"
            f"{shown(ratios['first_dms'], 2):>6}{shown(self.seconds_to_everything, 1):>8}"
            f"{self.lower_bound_seconds:>7.1f}{shown(ratios['everything'], 2):>6}"
            f"{sum(self.rate_limited.values()):>6,}{self.sweeps:>7}{self.lost:>5}{self.doubled:>8}"
            f"{self.clock_peak_rss_mib:>8.1f}{self.clock_cpu_seconds:>6.1f}"
        )


def user_of(index: int) -> str:
    return f"U0BENCH{index:05d}"


def due_for(index: int) -> int:
    return HEAVY_DUE if index % HEAVY_EVERY == HEAVY_EVERY - 1 else DUE_EACH


def seed(url: str, recruiters: int) -> int:
    """Record every recruiter's rejections through /rejected's validation and record_rejection; returns how many."""
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-bench", "DATABASE_URL": url}, serving=False)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    at = utcnow() - REJECTED_AGO
    count = 0
    try:
        for index in range(recruiters):
            for n in range(due_for(index)):
                entry = validate_rejection(
                    {
                        "name": f"Candidate {index:05d}-{n:03d}",
                        "role": "Senior Backend Engineer",
                        "stage": "final",
                        "rating": "5",
                        "email": f"c{index:05d}.{n:03d}@example.com",
                    }
                )
                with sessions.begin() as session:
                    record_rejection(
                        session=session,
                        team_id=TEAM_ID,
                        user_id=user_of(index),
                        entry=entry,
                        policy=settings.policy,
                        now=at,
                    )
                count += 1
    finally:
        engine.dispose()
    return count


def lower_bound(limits: RateLimits, dms_per_recruiter: Sequence[int], *, cold: bool) -> dict[str, float]:
    """The least time each constraint allows for this work: one users.info per recruiter when no time zone is
    cached, every DM through the workspace's chat.postMessage limit, each recruiter's DMs through their channel's,
    and, by design, a recruiter's next DM only in the next sweep, SWEEP_MINUTES later."""
    users_info = limits.tiers[METHOD_TIERS["users.info"]]
    return {
        "users.info": users_info.least_seconds(len(dms_per_recruiter)) if cold else 0.0,
        "chat.postMessage per workspace": limits.post_per_workspace.least_seconds(sum(dms_per_recruiter)),
        "chat.postMessage per channel": max(limits.post_per_channel.least_seconds(k) for k in dms_per_recruiter),
        "one DM per recruiter per sweep": (max(dms_per_recruiter) - 1) * SWEEP_MINUTES * 60.0,
    }


def settings_env(url: str, api_url: str) -> dict[str, str]:
    """The clock's environment: every Keepwarm setting blank (so no .env leaks in) but the ones this run needs."""
    names = [m.group(1) for m in re.finditer(r"^([A-Z_]+)=", (REPO / ".env.example").read_text(), re.MULTILINE)]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"), "PYTHONPATH": str(REPO)}
    env.update(dict.fromkeys(names, ""))
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_API_URL=api_url,
        DATABASE_URL=url,
        SWEEP_MINUTES=str(SWEEP_MINUTES),
        WORK_HOURS="00:00-23:59:59",
        WORK_DAYS="mon-sun",
        DEFAULT_TIMEZONE="UTC",
        # Every heavy recruiter's check-ins go out in one day: the daily cap measures nothing here.
        CHECKINS_PER_DAY=str(HEAVY_DUE),
        LOG_LEVEL="INFO",
    )
    return env


@contextmanager
def clock_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m jobs` as deployed (Procfile's clock), logging to `log`; killed on the way out, whatever happens."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jobs"], cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def token_of(message: dict[str, Any]) -> str | None:
    found = message.get("metadata") or {}
    if found.get("event_type") != REMINDER_METADATA_TYPE:
        return None
    return (found.get("event_payload") or {}).get("token")


def received(fake: FakeSlack, users: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    return {user: fake.messages("D" + user) for user in users}


def run(database: str, scenario: str, recruiters: int, postgres_url: str, timeout_factor: float) -> Result:
    limits = RateLimits()
    users = [user_of(i) for i in range(recruiters)]
    dms = [math.ceil(due_for(i) / MAX_ITEMS) for i in range(recruiters)]
    cold = scenario == "cold"
    bounds = lower_bound(limits, dms, cold=cold)
    result = Result(database, scenario, recruiters, sum(due_for(i) for i in range(recruiters)), sum(dms))
    result.bound_by, result.lower_bound_seconds = bounds, max(bounds.values())
    result.first_dm_bound_seconds = max(lower_bound(limits, [1] * recruiters, cold=cold).values())
    with scratch_database(database, postgres_url) as url, FakeSlack() as fake:
        started = time.perf_counter()
        seed(url, recruiters)
        result.seed_seconds = time.perf_counter() - started
        for user in users:
            fake.set_user(user, tz="UTC")
        engine = make_engine(url)
        try:
            sessions = make_session_factory(engine)
            if not cold:
                client = WebClient(token="xoxb-bench", base_url=fake.api_url)
                for user in users:  # what /rejected does first, here before the limits are on
                    refresh_timezone(sessions=sessions, client=client, team_id=TEAM_ID, user_id=user)
                fake.reset()
            with sessions.begin() as session:
                expected = dict(
                    session.execute(select(Checkin.id, Recruiter.user_id).join(Checkin.recruiter)).tuples().all()
                )
            fake.enforce_rate_limits(limits)
            with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as directory:
                log = Path(directory) / "clock.log"
                env = settings_env(url, fake.api_url)
                _deliver(fake, env, log, users, expected, result, timeout_factor)
                result.sweeps = len(SWEEP_LINE.findall(log.read_text(errors="replace")))
                _sweep_once_more(env, result)
            _check(fake, sessions, users, expected, result)
        finally:
            engine.dispose()
    return result


def _deliver(
    fake: FakeSlack,
    env: dict[str, str],
    log: Path,
    users: Sequence[str],
    expected: dict[int, str],
    result: Result,
    timeout_factor: float,
) -> None:
    """Run the clock until every check-in is in a DM (or the time limit passes), timing it as Slack sees it."""
    limit = result.lower_bound_seconds * timeout_factor + 300
    first_dm: dict[str, float] = {}
    with clock_process(env, log) as clock:
        started = time.perf_counter()
        while True:
            time.sleep(POLL_SECONDS)
            elapsed = time.perf_counter() - started
            if not result.seconds_to_first_slack_call and fake.calls:
                result.seconds_to_first_slack_call = elapsed
            seen: set[int] = set()
            for user, messages in received(fake, users).items():
                if messages and user not in first_dm:
                    first_dm[user] = elapsed
                seen.update(i for m in messages for i in checkins_in(m))
            if len(first_dm) == len(users) and result.seconds_to_every_first_dm is None:
                result.seconds_to_every_first_dm = elapsed
            if seen >= expected.keys():
                result.seconds_to_everything = elapsed
                break
            if clock.poll() is not None:
                result.problems.append(f"the clock process exited with {clock.returncode}; see its log")
                break
            if elapsed > limit:
                result.problems.append(f"not everything was delivered within {limit:.0f} s")
                break
        if clock.poll() is None:
            result.clock_peak_rss_mib, result.clock_cpu_seconds = peak_rss_mib(clock.pid), cpu_seconds(clock.pid)


def _sweep_once_more(env: dict[str, str], result: Result) -> None:
    """A one-off sweep after the clock stopped must find nothing left to send: nothing is sent twice later."""
    done = subprocess.run(
        [sys.executable, "-m", "jobs", "run", "reminders"], cwd=REPO, env=env, capture_output=True, text=True
    )
    summary = done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()]
    if done.returncode != 0 or not summary[0].startswith("0 message(s), 0 check-in(s) sent"):
        result.problems.append(f"the sweep after delivery did more: {summary[0]}")


def _check(
    fake: FakeSlack, sessions: sessionmaker[Session], users: Sequence[str], expected: dict[int, str], result: Result
) -> None:
    """Each check-in in exactly one DM, to its owner, under a claim token no other DM carries, and the database's
    record of it pointing at that very message; nothing left claimed or due."""
    counts: Counter[int] = Counter()
    where: dict[int, tuple[str, str]] = {}
    tokens: Counter[str | None] = Counter()
    for user, messages in received(fake, users).items():
        for message in messages:
            tokens[token_of(message)] += 1
            for checkin_id in checkins_in(message):
                counts[checkin_id] += 1
                where[checkin_id] = ("D" + user, message["ts"])
                if expected.get(checkin_id) != user:
                    result.problems.append(f"check-in {checkin_id} went to {user}, not its owner")
    result.dms_received = sum(tokens.values())
    result.lost = sum(1 for checkin_id in expected if counts[checkin_id] == 0)
    result.doubled = sum(1 for n in counts.values() if n > 1)
    if None in tokens:
        result.problems.append(f"{tokens[None]} DM(s) without a claim token")
    if any(n > 1 for token, n in tokens.items() if token is not None):
        result.problems.append("two DMs carry the same claim token")
    if unknown := counts.keys() - expected.keys():
        result.problems.append(f"DMs list {len(unknown)} check-in(s) that do not exist")
    with sessions.begin() as session:
        sent = session.execute(select(ReminderSent.checkin_id, ReminderSent.channel, ReminderSent.ts)).all()
        left = session.scalar(select(func.count()).where((Checkin.claim_token.is_not(None)) | (Checkin.step != 1)))
    recorded = {checkin_id: (channel, ts) for checkin_id, channel, ts in sent}
    if len(sent) != len(expected) or recorded != where:
        result.problems.append("reminders_sent does not match the DMs Slack received")
    if left:
        result.problems.append(f"{left} check-in(s) still claimed or not moved to their next step")
    result.rate_limited = dict(fake.rate_limited())
    result.calls = dict(Counter(call.method for call in fake.calls))


def _scenarios(text: str) -> list[str]:
    chosen = list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    unknown = [item for item in chosen if item not in SCENARIOS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown scenario {', '.join(unknown) or '(none)'}; use cold,warm")
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Exit 1 when a database is unreachable, 2 when anything was lost, doubled or late, else 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__.splitlines()[0])
    parser.add_argument("--recruiters", type=positive, default=1000, help="recruiters with due check-ins")
    parser.add_argument("--databases", type=databases, default=list(KINDS), help="sqlite, postgresql or both")
    parser.add_argument(
        "--scenarios", type=_scenarios, default=list(SCENARIOS), help="cold (no time zones cached), warm or both"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON results go")
    parser.add_argument(
        "--timeout-factor", type=float, default=4.0, help="give up after this many lower bounds plus 5 minutes"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))  # so `finally` drops the scratch schema
    postgres_url = normalize_database_url(args.postgres_url)
    limits = RateLimits()
    try:
        machine = describe(postgres_url if "postgresql" in args.databases else None)
        for line in machine:
            print(line)
        print(
            f"Work: {args.recruiters:,} recruiters, {DUE_EACH} check-ins due each, every {HEAVY_EVERY}th {HEAVY_DUE} "
            f"(more than one DM of {MAX_ITEMS}); clock process with SWEEP_MINUTES={SWEEP_MINUTES}"
        )
        print(f"Limits (testkit.fakeslack.RateLimits): {limits}")
        for name in args.scenarios:
            print(f"Zones {name}: {SCENARIOS[name]}")
        print()
        print(HEADER, flush=True)
        results = []
        for database in args.databases:
            for scenario in args.scenarios:
                result = run(database, scenario, args.recruiters, postgres_url, args.timeout_factor)
                results.append(result)
                print(result.line(), flush=True)
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    print()
    for result in results:
        bound = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.bound_by.items())
        name = f"{result.database} {result.scenario}"
        print(f"{name}: bounds: {bound}; 429s {result.rate_limited or 'none'}; calls {result.calls}")
        print(
            f"{name}: seeded in {result.seed_seconds:.1f} s; "
            f"first Slack call {result.seconds_to_first_slack_call:.1f} s after the clock started"
        )
        for problem in result.problems:
            print(f"{name}: PROBLEM: {problem}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine,
        "limits": asdict(limits),
        "work": {"due_each": DUE_EACH, "heavy_every": HEAVY_EVERY, "heavy_due": HEAVY_DUE, "max_items": MAX_ITEMS},
        "sweep_minutes": SWEEP_MINUTES,
        "scenarios": {name: SCENARIOS[name] for name in args.scenarios},
        "results": [asdict(result) | {"ratios": result.ratios()} for result in results],
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
    bad = any(r.problems or r.lost or r.doubled or r.seconds_to_everything is None for r in results)
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
