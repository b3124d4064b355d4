"""How fast `/rejected` is acknowledged through the production HTTP server under 20 concurrent senders, side by side
with a bare Bolt app whose handler only acks, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.ack_latency [--requests N] [--concurrency 20] [--databases sqlite,postgresql]
                                          [--postgres-url URL]

Both apps run as their own processes on this machine: `python -m bot` in HTTP mode on a scratch database, and
bench/bare_bolt.py, both pointed at a fake Slack (testkit/fakeslack.py) served by this process. Senders post signed
`/rejected` commands, each a full rejection of a new candidate, so every production request really writes. The two
apps take turns in rounds, so whatever else the machine is doing falls on both. Slack waits three seconds for the
acknowledgement, so anything slower is an error too. At the end the database must hold exactly one rejection per
request sent, and the production process's peak resident memory is read from /proc.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.databases import POSTGRES_DEFAULT, scratch_database
from bench.machine import load_average, prepare
from bench.matching import percentile
from bench.options import databases, positive
from bench.process import cpu_seconds, peak_rss_mib
from models import Candidate, Rejection
from models.db import make_engine, make_session_factory
from testkit.env import BOT_TOKEN, REPO, child_env
from testkit.fakeslack import FakeSlack
from testkit.slack_http import SIGNING_SECRET, HttpReply, get, post_signed, slash_command_body

REQUESTS = 4000
CONCURRENCY = 20
ROUNDS = 8  # the apps take turns this many times each, so load noise falls on both
SLACK_LIMIT_SECONDS = 3.0
START_TIMEOUT_SECONDS = 30.0
TEAM_ID = "T0TEST"
RECRUITERS_GROUP = "S0RECRUIT"
RESULTS = Path(__file__).resolve().parent / "results" / "ack_latency.json"
FIRST_NAMES = ("Jane", "Sam", "Ana", "Olu", "Mei", "Ravi", "Lena", "Tomás", "Ines", "Kofi", "Yuki", "Noor")
LAST_NAMES = ("Doe", "Roe", "Silva", "Okafor", "Chen", "Iyer", "Novak", "García", "Berg", "Mensah", "Sato", "Haddad")
ROLES = (
    ("Senior Backend Engineer", "python,postgres"),
    ("Staff Data Engineer", "spark,airflow"),
    ("Product Designer", "figma,research"),
    ("Account Executive, EMEA", "saas,negotiation"),
    ("Engineering Manager - Berlin", "leadership,go"),
    ("Site Reliability Engineer II", "kubernetes,terraform"),
)
HEADER = (
    f"{'database':<12}{'app':<12}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    f"{'CPU ms/req':>12}{'peak RSS':>11}"
)


@dataclass(frozen=True)
class Rejected:
    """One `/rejected` command and the confirmation production must answer it with."""

    body: str
    confirmation: str
    email: str


@dataclass(frozen=True)
class Sample:
    """One request: how long the acknowledgement took, and what was wrong with it (None: nothing)."""

    seconds: float
    error: str | None


@dataclass
class Server:
    """An app under test as its own process, its output kept in a file so a chatty child never blocks on a pipe."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


@dataclass(frozen=True)
class Result:
    """One app on one database: every measured request's latency and errors."""

    database: str
    app: str
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    error_kinds: dict[str, int]
    cpu_ms_per_request: float  # the server process's own CPU during its turns: what load elsewhere does not change
    peak_rss_mib: float

    @classmethod
    def of(cls, database: str, app: str, samples: Sequence[Sample], cpu_seconds: float, peak_rss_mib: float) -> Result:
        millis = [sample.seconds * 1000 for sample in samples]
        kinds = Counter(sample.error for sample in samples if sample.error is not None)
        return cls(
            database=database,
            app=app,
            requests=len(samples),
            p50_ms=round(percentile(millis, 50), 1),
            p99_ms=round(percentile(millis, 99), 1),
            max_ms=round(max(millis), 1),
            errors=sum(kinds.values()),
            error_kinds=dict(kinds),
            cpu_ms_per_request=round(cpu_seconds * 1000 / len(samples), 2),
            peak_rss_mib=round(peak_rss_mib, 1),
        )

    def line(self) -> str:
        return (
            f"{self.database:<12}{self.app:<12}{self.requests:>9,}{self.p50_ms:>9.1f}{self.p99_ms:>9.1f}"
            f"{self.max_ms:>9.1f}{self.errors:>8}{self.cpu_ms_per_request:>12.2f}{self.peak_rss_mib:>7.1f} MiB"
        )


def sender_ids(concurrency: int) -> list[str]:
    """One recruiter per sender, as if each were a person typing the command."""
    return [f"U0BENCH{index:03d}" for index in range(concurrency)]


def rejected_text(serial: int) -> tuple[str, str, str]:
    """What follows `/rejected` in request `serial`, the confirmation production must answer it with, and its email.

    A full, valid rejection of a candidate no earlier request named, so each one creates a candidate.
    """
    first, last = FIRST_NAMES[serial % len(FIRST_NAMES)], LAST_NAMES[serial // len(FIRST_NAMES) % len(LAST_NAMES)]
    role, tags = ROLES[serial % len(ROLES)]
    email = f"{first.lower()}.{serial}@candidates.example"
    return (
        f'{first} {last} email={email} role="{role}" stage=final rating=5 tags={tags}',
        f"Recorded {first} {last} for {role}.",
        email,
    )


def rejected_command(serial: int, user_id: str, fake: FakeSlack) -> Rejected:
    """Request `serial` as Slack sends it, from `user_id`."""
    text, confirmation, email = rejected_text(serial)
    body = slash_command_body(
        command="/rejected",
        text=text,
        user_id=user_id,
        team_id=TEAM_ID,
        channel_id="C0BENCH",
        response_url=fake.response_url(f"cmd-{serial}"),
        trigger_id=f"{serial}.42.{serial:08x}",
    )
    return Rejected(body=body, confirmation=confirmation, email=email)


def check_production(reply: HttpReply, command: Rejected) -> str | None:
    """Production acknowledges a recorded rejection with its ephemeral confirmation."""
    if reply.status != 200:
        return f"HTTP {reply.status}"
    try:
        answer = reply.json()
    except ValueError:
        return "not JSON"
    if answer.get("text") != command.confirmation or answer.get("response_type") != "ephemeral":
        return f"answered {str(answer.get('text'))[:80]!r}"
    return None


def check_bare(reply: HttpReply, _command: Rejected) -> str | None:
    """The bare app's ack() is an empty 200."""
    if reply.status != 200:
        return f"HTTP {reply.status}"
    return None if reply.body == "" else "unexpected body"


def send(server: Server, command: Rejected) -> Sample:
    check = check_production if server.name == "production" else check_bare
    started = time.perf_counter()
    try:
        reply = post_signed(server.events_url, command.body)
    except OSError as error:  # timeouts and refused connections
        return Sample(time.perf_counter() - started, type(error).__name__)
    seconds = time.perf_counter() - started
    error = check(reply, command)
    if error is None and seconds > SLACK_LIMIT_SECONDS:
        error = "over 3 s"
    return Sample(seconds, error)


def fire(server: Server, commands: Sequence[Rejected], concurrency: int, rate: float | None) -> list[Sample]:
    """Send `commands` to `server`, as `pace` schedules them."""
    return pace(len(commands), concurrency, rate, lambda index: send(server, commands[index]))


def pace(count: int, concurrency: int, rate: float | None, send_one: Callable[[int], Sample]) -> list[Sample]:
    """Call `send_one(0 … count-1)` from `concurrency` threads, each sending its next as soon as its last was
    answered, or, with a `rate`, no sooner than its turn in a schedule of `rate` requests a second."""
    samples: list[Sample | None] = [None] * count
    pending = iter(range(count))
    lock = threading.Lock()
    started = time.perf_counter()

    def sender() -> None:
        while True:
            with lock:
                index = next(pending, None)
            if index is None:
                return
            if rate is not None:
                time.sleep(max(0.0, started + index / rate - time.perf_counter()))
            samples[index] = send_one(index)

    threads = [threading.Thread(target=sender, name=f"sender-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [sample for sample in samples if sample is not None]


def free_port() -> int:
    """A port nobody listens on right now; waitress binds 0.0.0.0, so probe the same way."""
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(name: str, module: str, env: dict[str, str], directory: Path) -> Iterator[Server]:
    """`python -m <module>` on a free port, answering HTTP before this yields, stopped on the way out."""
    port = free_port()
    log = directory / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], cwd=REPO, env={**env, "PORT": str(port)}, stdout=out, stderr=out
        )
        server = Server(name, process, port, log)
        try:
            _wait_until_serving(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_serving(server: Server) -> None:
    """Production's /healthz must say the database answers; the bare app has none, so any HTTP answer will do."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited with {server.process.returncode}:\n{server.log.read_text()}")
        try:
            reply = get(f"http://127.0.0.1:{server.port}/healthz")
            if server.name != "production" or reply.status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{server.name} did not serve within {START_TIMEOUT_SECONDS} s:\n{server.log.read_text()}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Stored:
    """What production's database holds afterwards, against what was sent to it (warm-up included)."""

    sent: int
    stored: int  # rejections
    missing: int  # requests sent whose candidate has no rejection
    lost: int  # of those, requests that were answered with the confirmation
    doubled: int  # candidates with more than one rejection
    unexpected: int  # rejections of candidates no request named

    @property
    def exact(self) -> bool:
        """Exactly one rejection per request sent."""
        return self.stored == self.sent and not (self.missing or self.doubled or self.unexpected)

    def line(self) -> str:
        verdict = "exactly one per request" if self.exact else "NOT one per request"
        return (
            f"{self.sent:,} requests sent to production, {self.stored:,} rejections stored ({verdict}): "
            f"{self.missing} missing ({self.lost} of them confirmed), {self.doubled} doubled, "
            f"{self.unexpected} unexpected"
        )


def run(
    database: str, requests: int, concurrency: int, rate: float | None, postgres_url: str, fake: FakeSlack
) -> tuple[list[Result], Stored]:
    """Both apps on one scratch database of `database`, taking turns; then check nothing was lost."""
    users = sender_ids(concurrency)
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "LOG_LEVEL": "INFO",
    }
    # One set of commands per app, every candidate new: the bare app's are only sent, never stored.
    warmup = [rejected_command(n, users[n % concurrency], fake) for n in range(concurrency)]
    production_commands = [rejected_command(concurrency + n, users[n % concurrency], fake) for n in range(requests)]
    bare_commands = [rejected_command(n, users[n % concurrency], fake) for n in range(requests)]
    samples: dict[str, list[Sample]] = {"bare Bolt": [], "production": []}
    cpu = {"bare Bolt": 0.0, "production": 0.0}
    with scratch_database(database, postgres_url) as url, tempfile.TemporaryDirectory(prefix="keepwarm-ack-") as tmp:
        production_env = child_env(
            **settings, DATABASE_URL=url, RUN_SCHEDULER="false", RECRUITER_USERGROUP_ID=RECRUITERS_GROUP
        )
        with (
            serving("production", "bot", production_env, Path(tmp)) as production,
            serving("bare Bolt", "bench.bare_bolt", child_env(**settings), Path(tmp)) as bare,
        ):
            # Untimed: the first request of each recruiter looks up their time zone, and both apps warm up.
            warm = fire(production, warmup, concurrency, None)
            fire(bare, warmup, concurrency, None)
            size = -(-requests // ROUNDS)
            for start in range(0, requests, size):
                turn = [(bare, bare_commands), (production, production_commands)]
                for server, commands in turn if (start // size) % 2 == 0 else reversed(turn):
                    cpu_before = cpu_seconds(server.process.pid)
                    samples[server.name] += fire(server, commands[start : start + size], concurrency, rate)
                    cpu[server.name] += cpu_seconds(server.process.pid) - cpu_before
            peaks = {bare.name: peak_rss_mib(bare.process.pid), production.name: peak_rss_mib(production.process.pid)}
        sent = zip(warmup + production_commands, warm + samples["production"], strict=True)
        stored = _check_stored(url, {command.email: sample.error is None for command, sample in sent})
    apps = ("bare Bolt", "production")
    return [Result.of(database, app, samples[app], cpu[app], peaks[app]) for app in apps], stored


def _check_stored(url: str, confirmed: dict[str, bool]) -> Stored:
    """Count rejections per candidate; `confirmed` maps each email sent to whether production confirmed it."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            query = (
                select(Candidate.email, func.count(Rejection.id))
                .join(Rejection, Rejection.candidate_id == Candidate.id)
                .group_by(Candidate.email)
            )
            stored = dict(session.execute(query).tuples().all())
    finally:
        engine.dispose()
    missing = [email for email in confirmed if email not in stored]
    return Stored(
        sent=len(confirmed),
        stored=sum(stored.values()),
        missing=len(missing),
        lost=sum(confirmed[email] for email in missing),
        doubled=sum(1 for count in stored.values() if count > 1),
        unexpected=sum(count for email, count in stored.items() if email not in confirmed),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ack_latency", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=positive, default=REQUESTS, help="timed requests per app and database")
    parser.add_argument("--concurrency", type=positive, default=CONCURRENCY, help="concurrent senders")
    parser.add_argument(
        "--rate",
        type=positive,
        default=None,
        help="requests a second in all (default: each sender as fast as answered)",
    )
    parser.add_argument("--databases", type=databases, default=["sqlite", "postgresql"], help="sqlite, postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the results go as JSON")
    args = parser.parse_args(argv)
    postgres_url, machine = prepare(args.postgres_url, args.databases)
    for line in machine:
        print(line)
    load_before = load_average()
    print(f"Load average before: {load_before} (other work on the machine falls on both apps alike)")
    print(
        f"Senders: {args.concurrency} concurrent, {args.requests:,} signed /rejected requests per app and "
        f"database, {f'{args.rate} a second in all' if args.rate else 'each sent as soon as the last was answered'}, "
        f"in {ROUNDS} alternating rounds after {args.concurrency} untimed ones"
    )
    print()
    results: list[Result] = []
    checks: dict[str, Stored] = {}
    try:
        with FakeSlack() as fake:
            for user_id in sender_ids(args.concurrency):
                fake.set_user(user_id, tz="Europe/Berlin")
            fake.set_usergroup(RECRUITERS_GROUP, sender_ids(args.concurrency))
            for database in args.databases:
                print(f"{database}:", flush=True)
                measured, checks[database] = run(
                    database, args.requests, args.concurrency, args.rate, postgres_url, fake
                )
                results += measured
                print(f"  {checks[database].line()}", flush=True)
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    ratios = {
        database: round(by_app["production"].p99_ms / by_app["bare Bolt"].p99_ms, 2)
        for database in args.databases
        for by_app in [{result.app: result for result in results if result.database == database}]
    }
    print()
    print(HEADER)
    for result in results:
        print(result.line())
    print()
    for database, ratio in ratios.items():
        print(f"{database}: production p99 / bare Bolt p99 = {ratio:.2f} (target: at most 1.5, and zero errors)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "ack_latency",
        "machine": machine,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "rate_per_second": args.rate,
        "results": [asdict(result) for result in results],
        "p99_ratio": ratios,
        "load_average": {"before": load_before, "after": load_average()},
        "stored": {database: {**asdict(check), "exact": check.exact} for database, check in checks.items()},
    }
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Load average after: {report['load_average']['after']}")
    print(f"Written to {args.output}")
    return 0 if all(check.exact for check in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
