"""What the reminder sweep costs the database as a team's history grows: 10k, 100k and 1M rejections, SQLite and
PostgreSQL, with 1% of the check-ins due, and with a fixed number due at every size.

    .venv/bin/python -m bench.sweep_cost [--sizes 10000,100000,1000000] [--databases sqlite,postgresql]
                                         [--due-fraction 0.01] [--fixed-due 1000] [--repeats 3] [--postgres-url URL]
                                         [--fill seed|import]

Each database is a throwaway one, seeded cumulatively with the same history (bench/history.py) as the sweep leaves
it when it has run on time until the measured instant (bench/seed.py, `swept_until`): every step due so far sent and
logged, stopped and opted-out streams left alone. Then some check-ins are made due by taking back their last sent
step, and the real sweep (jobs/reminders.py `run_reminders`, against testkit/fakeslack.py over HTTP, working hours
always open) runs until nothing is due. What is timed is the sweep minus its Slack calls: the finding, claiming and
recording in the database, and the building of the messages. It must grow with the number due, not the history.

With `--fill import` the history is imported instead, as a CSV export through `python -m jobs import-candidates`
(bench/import_fill.py): nothing was ever sent, every check-in is due after the import, and the sweep is measured at
the instant the first import began, with the chosen check-ins brought forward to just before it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import Engine, delete, event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bench.chart import Series, write_chart
from bench.databases import KINDS, POSTGRES_DEFAULT, scratch_database
from bench.history import NOW, RECRUITERS, SEED
from bench.import_candidates import know_recruiters
from bench.import_fill import FILL_CHOICES, ImportFiller
from bench.machine import load_average, prepare
from bench.options import databases, positive, sizes
from bench.seed import Seeder
from bot.config import Settings, load_settings
from jobs.reminders import SweepReport, eligible, run_reminders
from models import Candidate, Checkin, CheckinStatus, ReminderSent
from models.db import make_engine, make_session_factory
from models.policy import Policy
from models.working_hours import WorkingHours
from testkit.fakeslack import FakeSlack
from testkit.sweeps import checkins_in

SIZES = (10_000, 100_000, 1_000_000)
RESULTS = Path(__file__).parent / "results"
TOKEN = "xoxb-bench"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
COLOURS = {"sqlite": "#1f77b4", "postgresql": "#d62728"}
# Every minute of every day: the benchmark measures the sweep's work, not the wait for a recruiter's morning.
ALWAYS_OPEN = WorkingHours(start=clock_time(0), end=clock_time.max, days=frozenset(range(7)))
UNCAPPED = 10**9  # check-ins per recruiter per day: more than any benchmark makes due
MINUTE = timedelta(minutes=1)
HEADER = (
    f"{'database':<11}{'series':<8}{'rejections':>11}{'check-ins':>10}{'due':>7}{'sweeps':>7}{'DMs':>6}"
    f"{'first sweep ms':>25}{'all due sent ms':>27}{'CPU ms':>9}{'SQL ms':>9}{'stmts':>7}{'idle ms':>9}"
)


@dataclass(frozen=True)
class Run:
    """One pass from "these are due" to "nothing is due", in milliseconds outside Slack."""

    first_ms: float  # the first sweep: what one scheduled sweep costs with this many due
    drain_ms: float  # every sweep until all were sent (each recruiter gets at most one DM of 16 per sweep)
    drain_cpu_ms: float  # of drain_ms, CPU time of the sweeping thread: on SQLite that includes the database
    sql_ms: float  # of drain_ms, inside the database driver's execute (commits not included)
    slack_ms: float  # left out of the figures above
    sweeps: int
    messages: int
    statements: int
    idle_ms: float  # the sweep that then found nothing due


@dataclass(frozen=True)
class Result:
    """One database, one size, one series: the runs, repeated with the same check-ins made due again."""

    database: str
    series: str
    rejections: int
    checkins: int
    due: int
    runs: tuple[Run, ...]
    plans: tuple[str, ...] = ()  # with --explain: each statement a sweep runs on checkins, and its plan

    def line(self) -> str:
        def spread(values: list[float]) -> str:
            return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"

        runs = self.runs
        return (
            f"{self.database:<11}{self.series:<8}{self.rejections:>11,}{self.checkins:>10,}{self.due:>7,}"
            f"{runs[0].sweeps:>7}{runs[0].messages:>6}{spread([r.first_ms for r in runs]):>25}"
            f"{spread([r.drain_ms for r in runs]):>27}{statistics.median(r.drain_cpu_ms for r in runs):>9.1f}"
            f"{statistics.median(r.sql_ms for r in runs):>9.1f}"
            f"{runs[0].statements:>7}{statistics.median(r.idle_ms for r in runs):>9.1f}"
        )


class TimedClient(WebClient):
    """The production Web API client, keeping count of the time spent waiting for Slack, to leave it out."""

    slack_seconds = 0.0
    slack_cpu_seconds = 0.0  # this thread's CPU spent encoding requests and decoding answers

    def api_call(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().api_call(*args, **kwargs)
        finally:
            self.slack_seconds += time.perf_counter() - started
            self.slack_cpu_seconds += time.thread_time() - cpu


class StatementTimer:
    """Time spent in, and the number of, the statements an engine executes: the database's share of a sweep."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        self.statements = 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        context._bench_started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        self.seconds += time.perf_counter() - context._bench_started
        self.statements += 1


def choose_due(sessions: sessionmaker[Session], count: int, seed: int, least_step: int = 1) -> list[int]:
    """`count` check-ins that could be due now: active, of a candidate one may contact, with at least `least_step`
    steps sent (one, to take back; none for an imported history, where nothing was sent)."""
    with sessions.begin() as session:
        ids = session.scalars(
            select(Checkin.id)
            .join(Checkin.candidate)
            .where(
                Checkin.status == CheckinStatus.ACTIVE,
                Checkin.step >= least_step,
                Candidate.erased.is_(False),
                Candidate.opted_out.is_(False),
            )
            .order_by(Checkin.id)
        ).all()
    if count > len(ids):
        raise SystemExit(f"only {len(ids):,} check-ins can be made due, not {count:,}: lower --fixed-due")
    return sorted(random.Random(seed).sample(ids, count))


def make_due(sessions: sessionmaker[Session], ids: Sequence[int], policy: Policy) -> None:
    """Take back each check-in's last sent step, as it stood just before the sweep sent it: the step and due date
    before record_sent advanced them, and no reminders_sent row for it. Sending it again restores today's state."""
    with sessions.begin() as session:
        rows = session.execute(select(Checkin.id, Checkin.step, Checkin.due_at).where(Checkin.id.in_(ids))).all()
        back = [{"id": i, "step": step - 1, "due_at": due_at - policy.gap(step)} for i, step, due_at in rows]
        assert all(row["due_at"] < NOW for row in back)
        session.execute(update(Checkin), back)
        step = select(Checkin.step).where(Checkin.id == ReminderSent.checkin_id).scalar_subquery()
        session.execute(delete(ReminderSent).where(ReminderSent.checkin_id.in_(ids), ReminderSent.step == step))


def as_imported(sessions: sessionmaker[Session], ids: Sequence[int]) -> dict[int, tuple[int, datetime]]:
    """Each check-in's step and due date as the import left them."""
    with sessions.begin() as session:
        rows = session.execute(select(Checkin.id, Checkin.step, Checkin.due_at).where(Checkin.id.in_(ids))).all()
    return {i: (step, due_at) for i, step, due_at in rows}


def bring_due(sessions: sessionmaker[Session], imported: dict[int, tuple[int, datetime]], at: datetime) -> None:
    """Each check-in at the step the import gave it, due at `at` (its date has come), and nothing of it sent: no
    reminders_sent row (an imported history has none). With each one's own due date for `at`, the import's state."""
    with sessions.begin() as session:
        rows = [
            {"id": i, "step": step, "due_at": due_at if at is None else at} for i, (step, due_at) in imported.items()
        ]
        session.execute(update(Checkin), rows)
        session.execute(delete(ReminderSent).where(ReminderSent.checkin_id.in_(list(imported))))


def due_now(sessions: sessionmaker[Session], now: datetime = NOW) -> int:
    with sessions.begin() as session:
        return session.scalar(select(func.count()).where(eligible(now))) or 0


@dataclass
class Sweeping:
    """One database at one size, as the clock process would see it: the production engine and sessions, settings
    as production loads them (working hours always open), the fake Slack, and the statement timer."""

    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    fake: FakeSlack
    timer: StatementTimer
    now: datetime = NOW  # the sweep's instant
    imported: bool = False  # the history was imported: nothing was ever sent, so nothing can be taken back

    @classmethod
    def open(cls, url: str, fake: FakeSlack, now: datetime = NOW, *, imported: bool = False) -> Sweeping:
        engine = make_engine(url)
        env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "bench", "DATABASE_URL": url}
        # Retention off: the history is years old, and the sweep would erase it before reminding anyone of it.
        env |= {"RETENTION_DAYS": "0", "CONSENT_RETENTION_DAYS": "0"}
        # Every due check-in is sent at one instant, so the daily cap is lifted; its counting still runs each time.
        settings = replace(load_settings(env, serving=False), working_hours=ALWAYS_OPEN, checkins_per_day=UNCAPPED)
        return cls(engine, make_session_factory(engine), settings, fake, StatementTimer(engine), now, imported)

    def client(self) -> TimedClient:
        """What production's sweep uses (bot.app.make_client): one retry of a 429 after its Retry-After."""
        return TimedClient(
            token=TOKEN, base_url=self.fake.api_url, timeout=30, retry_handlers=[RateLimitErrorRetryHandler(1)]
        )

    def sweep(self, client: WebClient) -> SweepReport:
        report = run_reminders(sessions=self.sessions, client=client, settings=self.settings, now=self.now)
        if report.failed or report.deferred or report.waiting_for_working_hours:
            raise SystemExit(f"the sweep did not deliver everything: {report.summary()}")
        return report

    def drain(self) -> Run:
        """Sweep at the measured instant until a sweep finds nothing due; each sweep's time outside Slack."""
        self.fake.reset()
        client, timer = self.client(), self.timer
        sweeps: list[tuple[float, float, float, int]] = []  # outside Slack: ms, CPU ms, SQL ms, statements
        while True:
            slack, slack_cpu = client.slack_seconds, client.slack_cpu_seconds
            sql, statements = timer.seconds, timer.statements
            started, cpu = time.perf_counter(), time.thread_time()
            report = self.sweep(client)
            wall = time.perf_counter() - started - (client.slack_seconds - slack)
            cpu = time.thread_time() - cpu - (client.slack_cpu_seconds - slack_cpu)
            sweeps.append((wall * 1000, cpu * 1000, (timer.seconds - sql) * 1000, timer.statements - statements))
            if report.checkins == 0:
                break
        idle = sweeps.pop()
        return Run(
            first_ms=sweeps[0][0] if sweeps else 0.0,
            drain_ms=sum(sweep[0] for sweep in sweeps),
            drain_cpu_ms=sum(sweep[1] for sweep in sweeps),
            sql_ms=sum(sweep[2] for sweep in sweeps),
            slack_ms=client.slack_seconds * 1000,
            sweeps=len(sweeps),
            messages=len(self.fake.calls_to("chat.postMessage")),
            statements=sum(sweep[3] for sweep in sweeps),
            idle_ms=idle[0],
        )

    def measure(self, series: str, due: int, repeats: int, rejections: int, plans: bool) -> Result:
        """Make `due` check-ins due and sweep them all, `repeats` times; check each time that every one was sent
        once and that the sweeps left the history as they found it. With `plans`, then explain one sweep."""
        database = self.engine.dialect.name
        with self.sessions.begin() as session:
            checkins = session.scalar(select(func.count()).select_from(Checkin)) or 0
        ids = choose_due(self.sessions, due, seed=SEED + rejections + due, least_step=0 if self.imported else 1)
        imported = as_imported(self.sessions, ids) if self.imported else {}
        runs = []
        for _ in range(repeats):
            self.make_due(ids, imported)
            if (found := due_now(self.sessions, self.now)) != due:
                raise SystemExit(f"{found:,} check-ins are due, not the {due:,} made due")
            runs.append(self.drain())
            sent = delivered(self.fake)
            if sorted(sent) != list(ids) or set(sent.values()) != {1}:
                raise SystemExit(f"{database}: the sweep sent {sum(sent.values()):,} for {due:,} due, not each once")
            if due_now(self.sessions, self.now):
                raise SystemExit(f"{database}: check-ins still due after the sweeps")
        explained = self.explain(ids, imported) if plans else ()
        if imported:
            bring_due(self.sessions, imported, None)  # as imported again, for the next size's choice
        return Result(database, series, rejections, checkins, due, tuple(runs), explained)

    def make_due(self, ids: Sequence[int], imported: dict[int, tuple[int, datetime]]) -> None:
        """Seeded history: take back each one's last sent step. Imported: bring each one forward to a minute ago."""
        if self.imported:
            bring_due(self.sessions, imported, self.now - MINUTE)
        else:
            make_due(self.sessions, ids, self.settings.policy)

    def explain(self, ids: Sequence[int], imported: dict[int, tuple[int, datetime]]) -> tuple[str, ...]:
        """The plan of each statement on checkins or reminders_sent that the first sweep over `ids` runs, asked with
        what is still due after it (EXPLAIN ANALYZE on PostgreSQL, rolled back; EXPLAIN QUERY PLAN on SQLite); then
        the rest is swept, to leave the history as it was."""
        statements: dict[str, Any] = {}

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, many: bool) -> None:
            on = "checkins" in statement or "reminders_sent" in statement  # the daily cap counts what was sent
            if not many and on and statement.lstrip().startswith(("SELECT", "UPDATE")):
                statements.setdefault(statement, params)

        self.make_due(ids, imported)
        event.listen(self.engine, "before_cursor_execute", capture)
        try:
            self.sweep(self.client())
        finally:
            event.remove(self.engine, "before_cursor_execute", capture)
        postgres = self.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        plans = []
        with self.engine.connect() as connection:
            transaction = connection.begin()
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for statement, params in statements.items():
                cursor.execute(prefix + statement, params)
                lines = [row[0] if postgres else row[3] for row in cursor.fetchall()]
                plans.append("\n".join([" ".join(statement.split()), *("    " + line for line in lines)]))
            transaction.rollback()  # EXPLAIN ANALYZE ran the claims
        self.drain()
        if due_now(self.sessions, self.now):
            raise SystemExit("check-ins still due after explaining")
        return tuple(plans)


def delivered(fake: FakeSlack) -> Counter[int]:
    """How often each check-in was listed in a DM: exactly once is the sweep's promise."""
    counts: Counter[int] = Counter()
    for user in RECRUITERS:
        for message in fake.messages("D" + user):
            counts.update(checkins_in(message))
    return counts


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        know_recruiters(fake, tz="UTC")  # by email too, for the import
        yield fake


def run(database: str, args: argparse.Namespace, postgres_url: str) -> Iterator[Result]:
    """Fill one throwaway database up to each size in turn and measure both series after each step."""
    with (
        scratch_database(database, postgres_url) as url,
        fake_slack() as fake,
        tempfile.TemporaryDirectory(prefix="keepwarm-fill-") as directory,
    ):
        imported = args.fill == "import"
        seeder = ImportFiller(url, fake, Path(directory)) if imported else Seeder(url, swept_until=NOW)
        for size in args.sizes:
            started = time.perf_counter()
            seeder.grow(size)
            seeded = time.perf_counter() - started
            now = seeder.first_import if isinstance(seeder, ImportFiller) and seeder.first_import else NOW
            # the production engine, as the clock process runs it
            sweeping = Sweeping.open(url, fake, now, imported=imported)
            try:
                with sweeping.sessions.begin() as session:
                    checkins = session.scalar(select(func.count()).select_from(Checkin)) or 0
                plan = [(f"{args.due_fraction:.0%}", max(1, round(args.due_fraction * checkins)))]
                plan.append((f"{args.fixed_due:,}", args.fixed_due))
                for series, due in plan:
                    fixed = series == plan[-1][0]  # explained: the same number due at every size
                    result = sweeping.measure(series, due, args.repeats, seeder.rejections, args.explain and fixed)
                    filled = "imported" if imported else "seeded"
                    print(
                        result.line(),
                        f"  (load {load_average()})" if fixed else f"  ({filled} in {seeded:.0f} s)",
                        flush=True,
                    )
                    yield result
            finally:
                sweeping.engine.dispose()


def draw(results: Sequence[dict[str, Any]], path: Path) -> Path:
    """The curve: median time to claim and send every due check-in against the history, one line per database and
    series, log-log so that growing with the number due shows as a slope and not growing as a flat line."""
    lines: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for result in results:
        median = statistics.median(run["drain_ms"] for run in result["runs"])
        lines.setdefault((result["database"], result["series"]), []).append((result["rejections"], median))
    fixed = {series for _, series in lines if not series.endswith("%")}
    return write_chart(
        path,
        title="Reminder sweep: time to claim and send every due check-in",
        x_label="rejections recorded (history)",
        y_label="ms outside Slack, median (log)",
        series=[
            Series(
                f"{NAMES.get(database, database)}, {series} due",
                tuple(points),
                dashed=series in fixed,
                colour=COLOURS.get(database),
            )
            for (database, series), points in lines.items()
        ],
        log_y=True,
    )


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 0.5:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction of the check-ins between 0 and 0.5, e.g. 0.01")
    return value


def write(path: Path, report: dict[str, Any]) -> None:
    """The results as JSON, the chart next to them (.svg), and the plans of any explained row (_plans.txt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    if report["results"]:
        draw(report["results"], path.with_suffix(".svg"))
    explained = [r for r in report["results"] if r["plans"]]
    if explained:
        path.with_name(path.stem + "_plans.txt").write_text(
            "".join(
                f"## {r['database']}, {r['rejections']:,} rejections, {r['due']:,} due\n\n"
                + "\n\n".join(r["plans"])
                + "\n\n"
                for r in explained
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=list(SIZES), help="past rejections, seeded cumulatively")
    parser.add_argument("--databases", type=databases, default=list(KINDS), help="sqlite, postgresql or both")
    parser.add_argument("--due-fraction", type=_fraction, default=0.01, help="share of the check-ins made due")
    parser.add_argument("--fixed-due", type=positive, default=1000, help="check-ins due at every size (flat series)")
    parser.add_argument("--repeats", type=positive, default=3, help="runs per measurement, the same ones made due")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--json", type=Path, default=RESULTS / "sweep_cost.json", help="where to write the results")
    parser.add_argument(
        "--fill",
        choices=FILL_CHOICES,
        default="seed",
        help="bulk loader (seed) or python -m jobs import-candidates",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also write the plans of the sweep's queries (fixed series) to a file"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="only combine earlier runs' JSON (e.g. one per database, run side by side) into --json and its chart",
    )
    args = parser.parse_args(argv)
    if args.merge:
        parts = [json.loads(path.read_text()) for path in args.merge]
        merged = {**parts[0], "results": [result for part in parts for result in part["results"]]}
        merged["runs"] = [{"machine": part["machine"], "options": part["options"]} for part in parts]
        write(args.json, merged)
        print(f"Results: {args.json}")
        return 0
    postgres_url, machine = prepare(args.postgres_url, args.databases)
    report: dict[str, Any] = {
        "machine": machine,
        "measured_at": NOW.isoformat(),
        "options": {
            "due_fraction": args.due_fraction,
            "fixed_due": args.fixed_due,
            "repeats": args.repeats,
            "fill": args.fill,
        },
        "results": [],
    }
    try:
        for line in machine:
            print(line)
        print(
            f"Measured at {NOW:%Y-%m-%d %H:%M} UTC; {args.repeats} runs each: median (min-max), outside Slack; "
            "a run sweeps until nothing is due"
            if args.fill == "seed"
            else f"Filled by python -m jobs import-candidates, one CSV per size with the next rows of the history, "
            f"measured at the instant the first import began; {args.repeats} runs each: median (min-max), outside "
            "Slack; a run sweeps until nothing is due"
        )
        print(f"Load average before: {load_average()} (two cores, shared: above 2, others waited for a core)")
        print()
        print(HEADER, flush=True)
        for database in args.databases:
            for result in run(database, args, postgres_url):
                report["results"].append(asdict(result))
                write(args.json, report)  # after every row, so a failure later loses nothing measured
        print(f"Load average after: {load_average()}")
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    print(f"\nResults: {args.json} (chart: .svg{', plans: _plans.txt' if args.explain else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
