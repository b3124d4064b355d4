"""How many ATS webhook deliveries a web process accepts a second and how long each waits for its answer, how fast the
clock's sweep then processes them, and what that processing does to the answers, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.ats_intake [--deliveries N] [--rate 200] [--concurrency 20]
                                         [--databases sqlite,postgresql] [--postgres-url URL]

`python -m bot` runs in HTTP mode as its own process on a scratch database, with the Greenhouse receiver switched on.
Senders post signed Greenhouse `reject_candidate` deliveries (the documented payload, tests/data/ats/) at `--rate` a
second in all, every tenth one a retry of an earlier delivery, as Greenhouse sends when an answer was slow. Each
delivery names a candidate and an application of its own, at a stage the default rules ask the recruiter about, and
a recruiter: one of 20 Slack users for nine in ten, one of 3 addresses Slack does not know for the rest. Each must be
answered 200 (kept, or a duplicate for a retry); anything else, or an answer slower than Greenhouse's patience, is an
error, and the delivery is sent again after the last phase, as the ATS retries it. The sweep's processing
(jobs/ats_inbox.py, in a process of its own as the clock is: bench/ats_sweeps.py) looks the recruiters up in the
fake Slack over HTTP.

Four phases per database, `--deliveries` each:
1. intake alone: deliveries paced at the rate, nothing processing them;
2. drain alone: one sweep processes what phase 1 left, timed: deliveries processed a second;
3. intake alone again, leaving the next sweep a backlog;
4. intake with the sweep: deliveries paced at the rate while sweeps run back to back, from phase 3's backlog on,
   until the senders are done and the inbox is drained: the answers' latency while processing competes for the
   cores and the database, and the processing rate while intake goes on.

From the two rates it reckons what `--rate` for one sweep interval (SWEEP_MINUTES, 5 by default) leaves, 60,000 at
200 a second: how long a sweep takes to process them, alone and with intake going on, and whether that fits in one
interval; arithmetic on rates measured over a few thousand, not a run of 60,000. After the re-sent deliveries and one
more sweep, the inbox must hold exactly one row per distinct delivery, none of them waiting, and there must be
exactly one notice per distinct delivery, for the recruiter its delivery named (none for an unknown one): otherwise
the run exits 1. Issue 12's targets, 200 deliveries a second accepted with p99 under 500 ms and the inbox drained by
the next sweep, are verdicts in the printout, not the exit status.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.ack_latency import FIRST_NAMES, LAST_NAMES, ROLES, Result, Sample, Server, pace, serving
from bench.ats_sweeps import Sweeps, sweeper
from bench.databases import POSTGRES_DEFAULT, scratch_database
from bench.machine import prepare
from bench.options import databases, positive
from bench.process import cpu_seconds, peak_rss_mib
from models import AtsDelivery, AtsNotice, Recruiter
from models.db import make_engine, make_session_factory
from testkit.ats import GREENHOUSE_SECRET, fixture_body, send_greenhouse
from testkit.env import BOT_TOKEN, child_env
from testkit.fakeslack import FakeSlack
from testkit.slack_http import SIGNING_SECRET

DELIVERIES = 4000
RATE = 200
TARGET_RATE, TARGET_P99_MS = 200, 500  # issue 12's
CONCURRENCY = 20
RETRY_EVERY = 10  # every tenth delivery re-sends an earlier one
ANSWER_LIMIT_SECONDS = 10.0  # no ATS documents its timeout; well under any webhook client's
RESEND_ATTEMPTS = 3
SWEEP_SECONDS = 5 * 60  # SWEEP_MINUTES' default
RECRUITERS = 20  # Slack users the deliveries name
UNKNOWN_RECRUITERS = 3  # addresses Slack does not know (left the company, never joined Slack)
UNKNOWN_EVERY = 10  # one distinct delivery in ten names one of those
# Stage names the default rules (models/ats_rules.py) count as interview or final: each rejection asks its recruiter.
STAGES = ("Offer", "Onsite", "Technical Interview", "Final Round")
APPLICATION_IDS, CANDIDATE_IDS = 40_000_000, 50_000_000  # far from the fixture's own ids
RESULTS = Path(__file__).resolve().parent / "results" / "ats_intake.json"
INTAKE_HEADER = (
    f"{'database':<12}{'intake':<14}{'deliveries':>11}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    f"{'errors':>8}{'CPU ms/req':>12}{'peak RSS':>11}"
)
SWEEP_HEADER = (
    f"{'database':<12}{'processing':<14}{'processed':>11}{'seconds':>9}{'per s':>8}{'CPU ms/each':>13}"
    f"{'failed':>8}{'peak RSS':>11}"
)


def original(index: int) -> int:
    """The delivery a retry repeats: every tenth one repeats the one nine before it; the others are their own."""
    return index - RETRY_EVERY + 1 if index % RETRY_EVERY == RETRY_EVERY - 1 else index


def event_id(index: int) -> str:
    """The delivery's Greenhouse-Event-ID; a retry carries the id of the delivery it repeats."""
    return f"bench-{original(index)}"


def recruiter_number(serial: int) -> int | None:
    """Which of the Slack users delivery `serial` names as the candidate's recruiter, each in turn; None for one in
    ten, which name an address Slack does not know."""
    unknown_before = (serial + UNKNOWN_EVERY - 1 - UNKNOWN_EVERY // 2) // UNKNOWN_EVERY
    return None if serial % UNKNOWN_EVERY == UNKNOWN_EVERY // 2 else (serial - unknown_before) % RECRUITERS


def recruiter_user(number: int) -> str:
    return f"U0RECR{number:03d}"


def recruiter_email(number: int) -> str:
    return f"recruiter.{number}@company.example"


def named_recruiter(serial: int) -> dict[str, Any]:
    """The Greenhouse user delivery `serial` gives as its candidate's recruiter: id, name and `email`, as the parser's
    tests give one (tests/ats/test_greenhouse_events.py)."""
    number = recruiter_number(serial)
    if number is None:
        departed = serial // UNKNOWN_EVERY % UNKNOWN_RECRUITERS
        return {"id": 2000 + departed, "name": f"Departed {departed}", "email": f"departed.{departed}@company.example"}
    return {"id": 1000 + number, "name": f"Recruiter {number}", "email": recruiter_email(number)}


def recruiter_of(serial: int) -> str | None:
    """The Slack user delivery `serial`'s notice must be for; None: the admins' queue."""
    number = recruiter_number(serial)
    return None if number is None else recruiter_user(number)


def delivery_body(serial: int) -> bytes:
    """The documented rejection with a candidate, an application, a role, a stage and a recruiter of its own."""
    body = fixture_body("greenhouse", "reject_candidate")
    application = body["payload"]["application"]
    candidate = application["candidate"]
    application["id"] = APPLICATION_IDS + serial
    candidate["id"] = CANDIDATE_IDS + serial
    candidate["first_name"] = FIRST_NAMES[serial % len(FIRST_NAMES)]
    candidate["last_name"] = LAST_NAMES[serial // len(FIRST_NAMES) % len(LAST_NAMES)]
    candidate["email_addresses"] = [{"value": f"candidate.{serial}@candidates.example", "type": "personal"}]
    candidate["recruiter"] = named_recruiter(serial)
    application["jobs"][0]["name"] = ROLES[serial % len(ROLES)][0]
    application["current_stage"]["name"] = STAGES[serial % len(STAGES)]
    return json.dumps(body).encode()  # escaped as Greenhouse sends it, and signed as these bytes


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


@dataclass(frozen=True)
class Sent:
    """One paced phase of intake: every answer, in the order of `indexes`, and the web process's CPU and the wall
    time it took."""

    indexes: range
    samples: list[Sample]
    cpu_seconds: float
    started: float  # time.monotonic, comparable with the sweeps'
    ended: float

    @property
    def per_second(self) -> float:
        return round(len(self.samples) / (self.ended - self.started), 1)

    @property
    def answered(self) -> set[int]:
        """The deliveries (by serial) answered 200 and kept, in time, at least once."""
        return {original(index) for index, sample in zip(self.indexes, self.samples, strict=True) if not sample.error}


def send(server: Server, indexes: range, rate: int, concurrency: int) -> Sent:
    """Deliveries `indexes`, paced at `rate` a second from `concurrency` senders; bodies are made before the clock
    starts, so the senders only send."""
    base = f"http://127.0.0.1:{server.port}"
    bodies = {serial: delivery_body(serial) for serial in {original(index) for index in indexes}}
    cpu_before, started = cpu_seconds(server.process.pid), time.monotonic()
    samples = pace(
        len(indexes),
        concurrency,
        rate,
        lambda n: deliver(base, bodies[original(indexes[n])], event_id(indexes[n])),
    )
    return Sent(indexes, samples, cpu_seconds(server.process.pid) - cpu_before, started, time.monotonic())


def resend(server: Server, serials: set[int]) -> int:
    """What Greenhouse does with a delivery not answered 200 in time: send it again, here once the run is over and
    one at a time, until it is kept. How many were new to the inbox (the others had been kept all the same)."""
    base, new = f"http://127.0.0.1:{server.port}", 0
    for serial in sorted(serials):
        for attempt in range(RESEND_ATTEMPTS):
            reply = send_greenhouse(base, delivery_body(serial), event_id=f"bench-{serial}")
            if reply.status == 200 and reply.json().get("kept"):
                new += not reply.json().get("duplicate")
                break
            time.sleep(attempt + 1)
        else:
            raise SystemExit(f"delivery bench-{serial} was refused {RESEND_ATTEMPTS} times with nothing else running")
    return new


@dataclass(frozen=True)
class Processing:
    """The sweeps of one phase: deliveries processed, over the seconds the sweeps that processed any took."""

    processed: int
    seconds: float
    cpu_ms_each: float  # the sweeping process's own CPU per delivery: what load elsewhere does not change
    failed: int
    peak_rss_mib: float

    @classmethod
    def of(cls, sweeps: Sweeps) -> Processing:
        return cls(
            processed=sweeps.processed,
            seconds=round(sweeps.busy_seconds, 2),
            cpu_ms_each=round(sweeps.cpu_seconds * 1000 / max(sweeps.processed, 1), 2),
            failed=sweeps.failed,
            peak_rss_mib=round(sweeps.peak_rss_mib, 1),
        )

    @property
    def per_second(self) -> float:
        return round(self.processed / self.seconds, 1) if self.seconds else 0.0

    def line(self, database: str, phase: str) -> str:
        return (
            f"{database:<12}{phase:<14}{self.processed:>11,}{self.seconds:>9.1f}{self.per_second:>8.1f}"
            f"{self.cpu_ms_each:>13.2f}{self.failed:>8}{self.peak_rss_mib:>7.1f} MiB"
        )


@dataclass(frozen=True)
class Overlap:
    """How much of phase 4's sending the sweeps were busy for, and how long after it the inbox was drained."""

    busy_share: float  # of the sending window, the part some sweep that processed deliveries was running
    drained_after_seconds: float  # from the last answer to the end of the last sweep that processed any

    @classmethod
    def of(cls, sent: Sent, sweeps: Sweeps) -> Overlap:
        window = sent.ended - sent.started
        busy = sum(max(0.0, min(r.ended, sent.ended) - max(r.started, sent.started)) for r in sweeps.busy)
        return cls(round(busy / window, 3), round(max(0.0, sweeps.drained_at - sent.ended), 2))


@dataclass(frozen=True)
class Resent:
    """The deliveries not answered 200 in time in any phase, sent again afterwards as the ATS would, and the next
    sweep, which processes those new to the inbox (and any an earlier sweep failed on)."""

    unanswered: int
    new: int
    processed: int
    failed: int

    def line(self, database: str) -> str:
        return (
            f"{database}: {self.unanswered} deliveries not answered 200 in time, re-sent afterwards as the ATS "
            f"retries them: {self.new} of them new to the inbox, {self.processed} processed by the next sweep, "
            f"{self.failed} failed"
        )


@dataclass(frozen=True)
class Stored:
    """What the database holds at the end, against what was sent."""

    distinct_sent: int
    kept: int  # inbox rows
    waiting: int  # inbox rows not processed
    notices: int
    applications: int  # distinct applications among the notices
    with_recruiter: int
    wrong_recruiter: int  # notices whose recruiter is not the one their delivery named (or named none wrongly)

    @property
    def exact(self) -> bool:
        return (
            self.kept == self.distinct_sent
            and self.waiting == 0
            and self.notices == self.applications == self.distinct_sent
            and self.wrong_recruiter == 0
        )

    def line(self, database: str) -> str:
        verdict = "exactly one each" if self.exact else "NOT exactly one each, or for the wrong recruiter"
        return (
            f"{database}: {self.distinct_sent:,} distinct deliveries, {self.kept:,} in the inbox, "
            f"{self.waiting} waiting; {self.notices:,} notices for {self.applications:,} applications ({verdict}), "
            f"{self.with_recruiter:,} for the recruiter named, {self.notices - self.with_recruiter:,} for the admins' "
            f"queue, {self.wrong_recruiter} for the wrong one"
        )


def stored(url: str, serials: set[int]) -> Stored:
    """Count the inbox and the notices; `serials` are the distinct deliveries sent, warm-up and re-sent included."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            kept = session.scalar(select(func.count()).select_from(AtsDelivery)) or 0
            waiting = (
                session.scalar(select(func.count()).select_from(AtsDelivery).where(AtsDelivery.processed_at.is_(None)))
                or 0
            )
            rows = session.execute(
                select(AtsNotice.application_id, Recruiter.user_id).outerjoin(
                    Recruiter, Recruiter.id == AtsNotice.recruiter_id
                )
            ).all()
    finally:
        engine.dispose()
    found = {application: user for application, user in rows}
    return Stored(
        distinct_sent=len(serials),
        kept=kept,
        waiting=waiting,
        notices=len(rows),
        applications=len(found),
        with_recruiter=sum(1 for _, user in rows if user is not None),
        wrong_recruiter=sum(
            1
            for application, user in found.items()
            if not application.isdigit()
            or int(application) - APPLICATION_IDS not in serials
            or user != recruiter_of(int(application) - APPLICATION_IDS)
        ),
    )


@dataclass(frozen=True)
class Outcome:
    """One database: intake alone and with the sweep, processing alone and with intake, and what was stored."""

    database: str
    alone: Result
    alone_per_second: float
    during: Result
    during_per_second: float
    drain: Processing
    concurrent: Processing
    overlap: Overlap
    resent: Resent
    stored: Stored
    rate: int

    @property
    def exact(self) -> bool:
        """Nothing lost, doubled or misdirected, whatever the answers' latency and errors (which are figures)."""
        return self.stored.exact and self.resent.failed == 0

    @property
    def backlog(self) -> Backlog:
        return Backlog.of(
            alone=self.drain.per_second,
            during=self.concurrent.per_second,
            rate=self.rate,
            intake=self.during_per_second,
        )

    def intake_lines(self) -> list[str]:
        return [
            _intake_line(self.database, "alone", self.alone, self.alone_per_second),
            _intake_line(self.database, "with sweep", self.during, self.during_per_second),
        ]

    def sweep_lines(self) -> list[str]:
        return [self.drain.line(self.database, "alone"), self.concurrent.line(self.database, "with intake")]


def _intake_line(database: str, phase: str, result: Result, per_second: float) -> str:
    return (
        f"{database:<12}{phase:<14}{result.requests:>11,}{per_second:>8.1f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
        f"{result.max_ms:>9.1f}{result.errors:>8}{result.cpu_ms_per_request:>12.2f}{result.peak_rss_mib:>7.1f} MiB"
    )


@dataclass(frozen=True)
class Backlog:
    """What one sweep interval at `rate` leaves, and how long a sweep takes over it at the rates measured."""

    rate: int
    intake_per_second: float  # what intake actually reached while the sweep processed
    deliveries: int
    alone_seconds: float
    with_intake_seconds: float  # the ones waiting at its start, processed while intake goes on at `rate`
    catch_up_seconds: float  # until it has also processed what arrived meanwhile (inf: it never does)

    @classmethod
    def of(cls, *, alone: float, during: float, rate: int, intake: float) -> Backlog:
        """From the processing rates alone and `during` intake paced at `rate` (which reached `intake`), in
        deliveries a second."""
        deliveries = rate * SWEEP_SECONDS
        return cls(
            rate=rate,
            intake_per_second=intake,
            deliveries=deliveries,
            alone_seconds=round(deliveries / alone, 1) if alone else math.inf,
            with_intake_seconds=round(deliveries / during, 1) if during else math.inf,
            catch_up_seconds=round(deliveries / (during - rate), 1) if during > rate else math.inf,
        )

    @property
    def fits(self) -> bool:
        return self.with_intake_seconds <= SWEEP_SECONDS

    def line(self, database: str) -> str:
        verdict = "within" if self.fits else "NOT within"
        if self.catch_up_seconds == math.inf:
            after = f"it never catches up with what keeps arriving at {self.rate} a second"
        else:
            after = f"it catches up with what arrives meanwhile after {self.catch_up_seconds:,.0f} s"
        return (
            f"{database}: the {self.deliveries:,} one {SWEEP_SECONDS} s interval leaves take a sweep "
            f"{self.with_intake_seconds:,.0f} s with intake going on (at {self.intake_per_second:.0f} a second; "
            f"{self.alone_seconds:,.0f} s alone), {verdict} "
            f"the interval; {after}"
        )


def run(database: str, deliveries: int, rate: int, concurrency: int, postgres_url: str, fake: FakeSlack) -> Outcome:
    """One web process on a scratch database of `database`: warm up, then the four phases."""
    for number in range(RECRUITERS):
        fake.set_user(recruiter_user(number), email=recruiter_email(number))
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "GREENHOUSE_WEBHOOK_SECRET": GREENHOUSE_SECRET,
        "RUN_SCHEDULER": "false",
        "LOG_LEVEL": "WARNING",
    }
    phases = [range(concurrency + n * deliveries, concurrency + (n + 1) * deliveries) for n in range(3)]
    with scratch_database(database, postgres_url) as url, tempfile.TemporaryDirectory(prefix="keepwarm-ats-") as tmp:
        env = child_env(**settings, DATABASE_URL=url)
        with serving("production", "bot", env, Path(tmp)) as server:
            warmup = [
                deliver(f"http://127.0.0.1:{server.port}", delivery_body(original(n)), event_id(n))
                for n in range(concurrency)
            ]
            if any(sample.error for sample in warmup):
                raise SystemExit(f"warm-up failed: {[s.error for s in warmup if s.error][:3]}")
            first = send(server, phases[0], rate, concurrency)
            with sweeper(env) as sweeping:
                sweeping.go()
                drain = sweeping.finish()
            second = send(server, phases[1], rate, concurrency)
            with sweeper(env) as sweeping:
                sweeping.go()
                during = send(server, phases[2], rate, concurrency)
                concurrent = sweeping.finish()
            serials = {original(index) for index in range(concurrency + 3 * deliveries)}
            unanswered = (
                serials
                - {original(n) for n in range(concurrency)}
                - set().union(*(sent.answered for sent in (first, second, during)))
            )
            resent = resend(server, unanswered)
            with sweeper(env) as sweeping:  # the next sweep, for what was kept only when re-sent
                sweeping.go()
                late = sweeping.finish()
            peak = peak_rss_mib(server.process.pid)
        alone = first.samples + second.samples
        return Outcome(
            database=database,
            alone=Result.of(database, "production", alone, first.cpu_seconds + second.cpu_seconds, peak),
            alone_per_second=round(len(alone) / (first.ended - first.started + second.ended - second.started), 1),
            during=Result.of(database, "production", during.samples, during.cpu_seconds, peak),
            during_per_second=during.per_second,
            drain=Processing.of(drain),
            concurrent=Processing.of(concurrent),
            overlap=Overlap.of(during, concurrent),
            resent=Resent(len(unanswered), resent, late.processed, late.failed),
            stored=stored(url, serials),
            rate=rate,
        )


def meets_target(result: Result, per_second: float) -> bool:
    """Issue 12's target: 200 a second, p99 under 500 ms, no errors. A paced run's rate is its deliveries over its
    wall time, which includes the last answer's wait: 2% short of the schedule is still keeping up with it."""
    return result.errors == 0 and result.p99_ms < TARGET_P99_MS and per_second >= TARGET_RATE * 0.98


def report(outcomes: Sequence[Outcome]) -> list[str]:
    """The printout after the run: the two tables, then each database's verdicts."""
    lines = [INTAKE_HEADER, *(line for o in outcomes for line in o.intake_lines()), "", SWEEP_HEADER]
    lines += [line for o in outcomes for line in o.sweep_lines()]
    lines.append("")
    for o in outcomes:
        alone = "met" if meets_target(o.alone, o.alone_per_second) else "NOT met"
        during = "met" if meets_target(o.during, o.during_per_second) else "NOT met"
        lines.append(
            f"{o.database}: intake {o.alone_per_second:.1f} a second with p99 {o.alone.p99_ms:.1f} ms alone "
            f"(target {alone}), {o.during_per_second:.1f} with p99 {o.during.p99_ms:.1f} ms while the sweep processed "
            f"(target {during}; the sweep busy {o.overlap.busy_share:.0%} of that time, the inbox drained "
            f"{o.overlap.drained_after_seconds:.1f} s after the last answer)"
        )
        lines.append(o.backlog.line(o.database))
        if o.resent.unanswered:
            lines.append(o.resent.line(o.database))
        lines.append(o.stored.line(o.database))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ats_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=positive, default=DELIVERIES, help="timed deliveries per phase")
    parser.add_argument("--rate", type=positive, default=RATE, help="deliveries a second from all senders together")
    parser.add_argument("--concurrency", type=positive, default=CONCURRENCY, help="concurrent senders at the most")
    parser.add_argument("--databases", type=databases, default=["sqlite", "postgresql"], help="sqlite, postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the results go as JSON")
    args = parser.parse_args(argv)
    postgres_url, machine = prepare(args.postgres_url, args.databases)
    for line in machine:
        print(line)
    print(
        f"Senders: at most {args.concurrency} at once, {args.deliveries:,} signed Greenhouse deliveries per phase "
        f"at {args.rate} a second in all, every {RETRY_EVERY}th a retry, after {args.concurrency} untimed ones; "
        f"each a candidate of its own, {RECRUITERS} recruiters in Slack, 1 in {UNKNOWN_EVERY} naming one of "
        f"{UNKNOWN_RECRUITERS} addresses Slack does not know"
    )
    print(
        "Phases: intake alone, one sweep over what it left, intake alone again, then intake with sweeps running "
        "back to back from that backlog until it is drained"
    )
    print()
    outcomes: list[Outcome] = []
    try:
        with FakeSlack() as fake:
            for database in args.databases:
                outcomes.append(run(database, args.deliveries, args.rate, args.concurrency, postgres_url, fake))
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    for line in report(outcomes):
        print(line)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "ats_intake",
        "machine": machine,
        "deliveries_per_phase": args.deliveries,
        "rate_per_second": args.rate,
        "concurrency": args.concurrency,
        "sweep_seconds": SWEEP_SECONDS,
        "results": [_json(outcome) for outcome in outcomes],
    }
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {args.output}")
    return 0 if all(outcome.exact for outcome in outcomes) else 1


def _json(outcome: Outcome) -> dict[str, Any]:
    def intake(result: Result, per_second: float) -> dict[str, Any]:
        figures = asdict(result)
        del figures["app"], figures["database"]
        return {**figures, "per_second": per_second}

    def processing(figures: Processing) -> dict[str, Any]:
        return {**asdict(figures), "per_second": figures.per_second}

    backlog = outcome.backlog
    return {
        "database": outcome.database,
        "intake_alone": intake(outcome.alone, outcome.alone_per_second),
        "intake_with_sweep": intake(outcome.during, outcome.during_per_second),
        "processing_alone": processing(outcome.drain),
        "processing_with_intake": processing(outcome.concurrent),
        "overlap": asdict(outcome.overlap),
        "resent": asdict(outcome.resent),
        "one_interval": {**{k: None if v == math.inf else v for k, v in asdict(backlog).items()}, "fits": backlog.fits},
        "stored": {**asdict(outcome.stored), "exact": outcome.stored.exact},
    }


if __name__ == "__main__":
    sys.exit(main())
