"""How many ATS webhook deliveries a web process accepts a second, and how long each waits for its answer, on SQLite
and PostgreSQL.

    .venv/bin/python -m bench.ats_intake [--deliveries N] [--rate 200] [--concurrency 20]
                                         [--databases sqlite,postgresql] [--postgres-url URL]

`python -m bot` runs in HTTP mode as its own process on a scratch database, with the Greenhouse receiver switched on.
Senders post signed Greenhouse `reject_candidate` deliveries (the documented payload, tests/data/ats/) at `--rate` a
second in all, every tenth one a retry of an earlier delivery, as Greenhouse sends when an answer was slow. Each must
be answered 200 (kept, or a duplicate for a retry); anything else, or an answer slower than Greenhouse's patience, is
an error. At the end the inbox must hold exactly one row per distinct delivery. Issue 12's target: 200 deliveries a
second accepted with p99 under 500 ms. Turning kept deliveries into prompts is not built yet, so only intake is timed.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.ack_latency import Result, Sample, pace, serving
from bench.databases import POSTGRES_DEFAULT, scratch_database
from bench.machine import describe
from bench.matching import _databases, _positive
from bench.process import cpu_seconds, peak_rss_mib
from models import AtsDelivery
from models.db import make_engine, make_session_factory, normalize_database_url
from testkit.ats import GREENHOUSE_SECRET, fixture, send_greenhouse
from testkit.env import BOT_TOKEN, child_env
from testkit.fakeslack import FakeSlack
from testkit.slack_http import SIGNING_SECRET

DELIVERIES = 4000
RATE = 200
CONCURRENCY = 20
RETRY_EVERY = 10  # every tenth delivery re-sends an earlier one
ANSWER_LIMIT_SECONDS = 10.0  # no ATS documents its timeout; well under any webhook client's
RESULTS = Path(__file__).resolve().parent / "results" / "ats_intake.json"
HEADER = (
    f"{'database':<12}{'deliveries':>11}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    f"{'CPU ms/req':>12}{'peak RSS':>11}{'kept':>8}"
)


@dataclass(frozen=True)
class Intake:
    """One database: the answers' latency, the rate actually reached, and what the inbox holds afterwards."""

    result: Result
    per_second: float
    distinct_sent: int
    kept: int

    @property
    def exact(self) -> bool:
        return self.kept == self.distinct_sent and self.result.errors == 0

    def line(self) -> str:
        r = self.result
        return (
            f"{r.database:<12}{r.requests:>11,}{self.per_second:>8.1f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.max_ms:>9.1f}{r.errors:>8}{r.cpu_ms_per_request:>12.2f}{r.peak_rss_mib:>7.1f} MiB"
            f"{self.kept:>8,}"
        )


def event_id(index: int) -> str:
    """The delivery's Greenhouse-Event-ID; a retry carries the id of the delivery it repeats."""
    original = index - RETRY_EVERY + 1 if index % RETRY_EVERY == RETRY_EVERY - 1 else index
    return f"bench-{original}"


def deliver(url: str, body: bytes, delivery_id: str) -> Sample:
    """One signed delivery; it must be answered 200 and kept (as new, or found already kept for a retry)."""
    started = time.perf_counter()
    try:
        reply = send_greenhouse(url, body, event_id=delivery_id)
    except OSError as error:
        return Sample(time.perf_counter() - started, type(error).__name__)
    seconds = time.perf_counter() - started
    if reply.status != 200 or not reply.json().get("kept"):
        return Sample(seconds, f"{reply.status} {reply.body[:60]}")
    return Sample(seconds, "over the answer limit" if seconds > ANSWER_LIMIT_SECONDS else None)


def run(database: str, deliveries: int, rate: int, concurrency: int, postgres_url: str, fake: FakeSlack) -> Intake:
    """One web process on a scratch database of `database`: warm up, then `deliveries` paced at `rate` a second."""
    body = fixture("greenhouse", "reject_candidate")
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "GREENHOUSE_WEBHOOK_SECRET": GREENHOUSE_SECRET,
        "RUN_SCHEDULER": "false",
        "LOG_LEVEL": "WARNING",
    }
    with scratch_database(database, postgres_url) as url, tempfile.TemporaryDirectory(prefix="keepwarm-ats-") as tmp:
        with serving("production", "bot", child_env(**settings, DATABASE_URL=url), Path(tmp)) as server:
            base = f"http://127.0.0.1:{server.port}"
            warmup = [deliver(base, body, f"warm-up-{n}") for n in range(concurrency)]
            if any(sample.error for sample in warmup):
                raise SystemExit(f"warm-up failed: {[s.error for s in warmup if s.error][:3]}")
            cpu_before, started = cpu_seconds(server.process.pid), time.perf_counter()
            samples = pace(deliveries, concurrency, rate, lambda index: deliver(base, body, event_id(index)))
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(server.process.pid) - cpu_before
            peak = peak_rss_mib(server.process.pid)
        distinct = len({event_id(index) for index in range(deliveries)}) + concurrency
        engine = make_engine(url)
        try:
            with make_session_factory(engine)() as session:
                kept = session.scalar(select(func.count()).select_from(AtsDelivery)) or 0
        finally:
            engine.dispose()
    return Intake(Result.of(database, "production", samples, cpu, peak), round(deliveries / elapsed, 1), distinct, kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ats_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=_positive, default=DELIVERIES, help="timed deliveries per database")
    parser.add_argument("--rate", type=_positive, default=RATE, help="deliveries a second from all senders together")
    parser.add_argument("--concurrency", type=_positive, default=CONCURRENCY, help="concurrent senders at the most")
    parser.add_argument("--databases", type=_databases, default=["sqlite", "postgresql"], help="sqlite, postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the results go as JSON")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))  # so `finally` stops the server
    postgres_url = normalize_database_url(args.postgres_url)
    machine = describe(postgres_url if "postgresql" in args.databases else None)
    for line in machine:
        print(line)
    print(
        f"Senders: at most {args.concurrency} at once, {args.deliveries:,} signed Greenhouse deliveries per database "
        f"at {args.rate} a second in all, every {RETRY_EVERY}th a retry, after {args.concurrency} untimed ones"
    )
    print()
    intakes: list[Intake] = []
    try:
        with FakeSlack() as fake:
            for database in args.databases:
                intakes.append(run(database, args.deliveries, args.rate, args.concurrency, postgres_url, fake))
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    print(HEADER)
    for intake in intakes:
        print(intake.line())
    print()
    for intake in intakes:
        verdict = "exactly one per delivery" if intake.exact else "NOT exactly one per delivery, or errors"
        print(
            f"{intake.result.database}: {intake.kept:,} kept of {intake.distinct_sent:,} distinct deliveries "
            f"({verdict}); {intake.per_second:.1f} a second with p99 {intake.result.p99_ms:.1f} ms "
            f"(target: {RATE} a second, p99 under 500 ms)"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "ats_intake",
        "machine": machine,
        "deliveries": args.deliveries,
        "rate_per_second": args.rate,
        "concurrency": args.concurrency,
        "results": [
            {**asdict(intake.result), "per_second": intake.per_second, "kept": intake.kept} for intake in intakes
        ],
    }
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {args.output}")
    return 0 if all(intake.exact for intake in intakes) else 1


if __name__ == "__main__":
    sys.exit(main())
