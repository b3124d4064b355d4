"""The CPU one recorded rejection costs on its own, as the history grows: the floor under every `/rejected` answer.

    .venv/bin/python -m bench.recording_cost [--recordings 8000] [--step 1000] [--databases sqlite,postgresql]
                                             [--postgres-url URL]

The handler records before it acknowledges, so this work is in every acknowledgement (bench/ack_latency.py). Here
it runs alone, on one thread, with no HTTP, Bolt or other requests around it: `bot.recording.save_rejection`, the
production unit of work (double-submit look-up, recording, confirmation, one transaction each), for a new candidate
each time, from 20 recruiters in turn, as the benchmark of acknowledgements sends them. After every `--step`
recordings it prints the mean CPU and wall time of that step, and the CPU of the double-submit look-up alone
(`models.records.find_repeat`, for the next step's entries, which repeat nothing), in a transaction of its own.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bench.ack_latency import CONCURRENCY, TEAM_ID, rejected_text, sender_ids
from bench.databases import KINDS, POSTGRES_DEFAULT, scratch_database
from bench.machine import describe
from bench.options import databases, positive
from bot.access import Access
from bot.config import load_settings
from bot.recording import REPEAT_WINDOW, save_rejection
from bot.rejection_input import parse_rejection_command
from bot.services import Services
from jobs.import_candidates import import_candidates
from jobs.role_alerts import deliver_role_alerts
from models.audit import Source
from models.base import utcnow
from models.db import make_engine, make_session_factory, normalize_database_url
from models.records import find_repeat
from models.rejection import RejectionInput

LOOKUPS = 200  # look-ups timed per step
HEADER = f"{'database':<11}{'recorded':>9}{'CPU ms/rec':>12}{'wall ms/rec':>13}{'look-up CPU ms':>16}"


@dataclass(frozen=True)
class Step:
    """One step of recordings on one database: how much each cost, and the look-up alone at that history."""

    database: str
    recorded: int
    cpu_ms: float
    wall_ms: float
    lookup_cpu_ms: float

    def line(self) -> str:
        return (
            f"{self.database:<11}{self.recorded:>9,}{self.cpu_ms:>12.2f}{self.wall_ms:>13.2f}"
            f"{self.lookup_cpu_ms:>16.2f}"
        )


def services(url: str, engine: Engine) -> Services:
    """Production's Services on `engine`, with the defaults of a fresh deployment; nothing here calls Slack."""
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-bench", "DATABASE_URL": url}, serving=False)
    client = WebClient(token=settings.slack_bot_token, base_url="http://127.0.0.1:9/")  # never contacted
    return Services(
        settings=settings,
        sessions=make_session_factory(engine),
        access=Access(settings, client),
        deliver_reopen_alerts=deliver_role_alerts,
        import_candidates=import_candidates,
    )


@dataclass(frozen=True)
class Entry:
    """One request of bench/ack_latency.py, parsed as the handler parses it, and what it must be confirmed with."""

    user_id: str
    rejection: RejectionInput
    confirmation: str


def entries(start: int, count: int) -> list[Entry]:
    """Requests `start`.. from its senders in turn, as bench/ack_latency.py sends them by default."""
    senders = sender_ids(CONCURRENCY)
    typed = [rejected_text(n) for n in range(start, start + count)]
    return [
        Entry(senders[n % CONCURRENCY], parse_rejection_command(text), confirmation)
        for n, (text, confirmation, _email) in enumerate(typed, start)
    ]


def lookup_cpu_ms(sessions: sessionmaker[Session], batch: list[Entry]) -> float:
    """Mean CPU of the double-submit look-up for entries not yet recorded, each in a transaction of its own."""
    started = time.thread_time()
    for entry in batch:
        with sessions.begin() as session:
            since = utcnow() - REPEAT_WINDOW
            found = find_repeat(
                session=session, team_id=TEAM_ID, user_id=entry.user_id, entry=entry.rejection, since=since
            )
        if found is not None:
            raise RuntimeError(f"{entry.confirmation!r} would repeat rejection #{found.id}; every entry must be new")
    return 1000 * (time.thread_time() - started) / len(batch)


def run(database: str, url: str, recordings: int, step: int) -> list[Step]:
    """Record `recordings` rejections one after another in the empty database at `url`, figures every `step`."""
    engine = make_engine(url)
    try:
        return _record(database, services(url, engine), recordings, step)
    finally:
        engine.dispose()


def _record(database: str, svc: Services, recordings: int, step: int) -> list[Step]:
    steps: list[Step] = []
    for start in range(0, recordings, step):
        batch = entries(start, min(step, recordings - start))
        cpu, wall = time.thread_time(), time.perf_counter()
        replies = [
            save_rejection(
                svc=svc, team_id=TEAM_ID, user_id=entry.user_id, entry=entry.rejection, source=Source.COMMAND
            ).reply["text"]
            for entry in batch
        ]
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        wrong = [
            (entry.confirmation, reply)
            for entry, reply in zip(batch, replies, strict=True)
            if reply != entry.confirmation
        ]
        if wrong:  # a repeat or a refusal costs less than a recording, and would flatter the figures
            raise RuntimeError(f"expected {wrong[0][0]!r}, production answered {wrong[0][1]!r}")
        upcoming = entries(start + len(batch), LOOKUPS)
        steps.append(
            Step(
                database,
                start + len(batch),
                1000 * cpu / len(batch),
                1000 * wall / len(batch),
                lookup_cpu_ms(svc.sessions, upcoming),
            )
        )
        print(steps[-1].line(), flush=True)
    return steps


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recording_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=positive, default=8000, help="rejections recorded per database")
    parser.add_argument("--step", type=positive, default=1000, help="recordings per printed row")
    parser.add_argument("--databases", type=databases, default=list(KINDS), help="sqlite, postgresql or both")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))  # so `finally` drops the scratch schema
    postgres_url = normalize_database_url(args.postgres_url)
    for line in describe(postgres_url if "postgresql" in args.databases else None):
        print(line)
    print(f"Each recording alone on one thread: {args.recordings:,} per database, a row every {args.step:,}")
    print()
    print(HEADER, flush=True)
    try:
        for database in args.databases:
            with scratch_database(database, postgres_url) as url:
                run(database, url, args.recordings, args.step)
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
