"""How fast `find_matches` answers as a team's history grows: 10k, 100k and 1M past rejections, SQLite and PostgreSQL.

    .venv/bin/python -m bench.matching [--sizes 10000,100000,1000000] [--databases sqlite,postgresql] [--queries N]
                                       [--fill seed|import] [--postgres-url URL]

Each database is a throwaway one (a temporary SQLite file, a PostgreSQL schema of its own), filled cumulatively
with the same deterministic history (bench/history.py), then asked to match the same fixed roles. A /role reply
waits on one such query, so its latency is what matters. `--fill seed` (the default) writes the history through the
bulk loader (bench/seed.py) and analyses it; `--fill import` imports it as a CSV export through
`python -m jobs import-candidates` (bench/import_fill.py), as a big team's database is really filled, and measures
what that leaves (the import analyses the tables it filled; the benchmark adds no statistics step of its own).
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bench.databases import KINDS, POSTGRES_DEFAULT, scratch_database
from bench.history import NOW, RECRUITERS, ROLES, TEAM
from bench.import_candidates import know_recruiters
from bench.import_fill import FILL_CHOICES, ImportFiller
from bench.machine import describe, load_average
from bench.options import databases, positive, sizes
from bench.seed import Seeder
from models import Base, MatchTerm, Role
from models.db import make_engine, make_session_factory, normalize_database_url
from models.matching import find_matches
from testkit.fakeslack import FakeSlack

SIZES = (10_000, 100_000, 1_000_000)
FILLED = {
    "seed": "Filled by the bulk loader (bench/seed.py), then ANALYZE (SQLite) or VACUUM ANALYZE (PostgreSQL)",
    "import": (
        "Filled by python -m jobs import-candidates, one CSV per step with the next rows of the history "
        "(seed s: writing it and importing it, which ends by analysing the tables it filled); nothing after it"
    ),
}
LIMIT = 5  # what /role shows; the digest asks for one more
HEADER = (
    f"{'database':<11}{'rejections':>11}{'index rows':>12}{'seed s':>9}{'total s':>9}"
    f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'matches':>9}"
)


@dataclass(frozen=True)
class Result:
    """One database at one size: how long it took to get there and how fast it then answered."""

    database: str
    rejections: int
    index_rows: int
    seed_seconds: float  # this step only: sizes are seeded cumulatively
    total_seed_seconds: float
    latencies_ms: tuple[float, ...]
    mean_matches: float

    def line(self) -> str:
        p50, p95, worst = percentile(self.latencies_ms, 50), percentile(self.latencies_ms, 95), max(self.latencies_ms)
        return (
            f"{self.database:<11}{self.rejections:>11,}{self.index_rows:>12,}{self.seed_seconds:>9.1f}"
            f"{self.total_seed_seconds:>9.1f}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}{self.mean_matches:>9.2f}"
        )


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never an interpolation."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]


def run(
    database: str, sizes: Sequence[int], queries: int, postgres_url: str, fill: str = "seed", settle: bool = False
) -> None:
    """Fill one throwaway database up to each size in turn, and time the roles against it after each step; with
    `settle`, on PostgreSQL, once more after VACUUM ANALYZE, as autovacuum leaves the database some time later."""
    with scratch_database(database, postgres_url) as url, filler(fill, url) as grower:
        role_ids = open_roles(url)
        total = 0.0
        for size in sizes:
            started = time.perf_counter()
            grower.grow(size)
            seconds = time.perf_counter() - started
            total += seconds
            engine = make_engine(url)  # the production engine, as the bot runs it
            try:
                sessions = make_session_factory(engine)
                with sessions.begin() as session:
                    index_rows = session.scalar(select(func.count()).select_from(MatchTerm)) or 0
                latencies, mean = time_roles(sessions, queries, role_ids)
                result = Result(database, grower.rejections, index_rows, seconds, total, latencies, mean)
                print(result.line(), f"  (load {load_average()}{autovacuum(engine)})", flush=True)
                if settle and database == "postgresql":
                    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                        connection.execute(text(f"VACUUM ANALYZE {', '.join(Base.metadata.tables)}"))  # ours only
                    latencies, mean = time_roles(sessions, queries, role_ids)
                    result = Result(database, grower.rejections, index_rows, 0.0, total, latencies, mean)
                    print(result.line(), f"  (load {load_average()}; after VACUUM ANALYZE)", flush=True)
            finally:
                engine.dispose()


def autovacuum(engine: Engine) -> str:
    """On PostgreSQL, whether `match_terms` has been vacuumed and analysed since it was filled, by the import's own
    statistics step or by autovacuum: until it has, the visibility map is empty and an index-only scan visits the
    table for every row."""
    if engine.dialect.name != "postgresql":
        return ""
    query = text(
        "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL, last_autovacuum IS NOT NULL, "
        "last_autoanalyze IS NOT NULL FROM pg_stat_user_tables "
        "WHERE relname = 'match_terms' AND schemaname = current_schema()"
    )
    with engine.connect() as connection:
        vacuumed, analysed, autovacuumed, autoanalysed = connection.execute(query).one()
    said = {True: "yes", False: "no"}
    return (
        f"; match_terms vacuumed: {said[vacuumed]}, analysed: {said[analysed]}, autovacuumed: {said[autovacuumed]}, "
        f"autoanalysed: {said[autoanalysed]}"
    )


@contextmanager
def filler(fill: str, url: str) -> Iterator[Seeder | ImportFiller]:
    """What grows the database: the bulk loader, or the import command against a fake Slack that knows the
    recruiters, with a directory for its files."""
    if fill == "seed":
        yield Seeder(url)
        return
    with FakeSlack() as fake, tempfile.TemporaryDirectory(prefix="keepwarm-fill-") as directory:
        know_recruiters(fake)
        yield ImportFiller(url, fake, Path(directory))


def open_roles(url: str) -> list[int]:
    """The benchmark roles as open roles, so each query also leaves out whoever was reached out to for the role, as
    /role and the digest ask."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            roles = [
                Role(team_id=TEAM, title=title, tags=list(tags), opened_by=RECRUITERS[0], opened_at=NOW)
                for title, tags in ROLES
            ]
            session.add_all(roles)
            session.flush()
            return [role.id for role in roles]
    finally:
        engine.dispose()


def time_roles(sessions: sessionmaker[Session], queries: int, role_ids: list[int]) -> tuple[tuple[float, ...], float]:
    """Milliseconds per call, each in its own session as a /role request has it, and the mean number of matches.
    One untimed pass over the roles first, so every figure is for a warm cache."""
    roles = [(title, tags, role_id) for (title, tags), role_id in zip(ROLES, role_ids, strict=True)]
    for title, tags, role_id in roles:
        with sessions.begin() as session:
            find_matches(session=session, team_id=TEAM, title=title, tags=tags, limit=LIMIT, role_id=role_id)
    latencies, found = [], 0
    for title, tags, role_id in islice(cycle(roles), queries):
        with sessions.begin() as session:
            started = time.perf_counter()
            matches = find_matches(session=session, team_id=TEAM, title=title, tags=tags, limit=LIMIT, role_id=role_id)
            latencies.append((time.perf_counter() - started) * 1000)
        found += len(matches)
    return tuple(latencies), found / queries


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=list(SIZES), help="past rejections, seeded cumulatively")
    parser.add_argument("--databases", type=databases, default=list(KINDS), help="sqlite, postgresql or both")
    parser.add_argument("--queries", type=positive, default=2 * len(ROLES), help="timed calls per database and size")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument(
        "--fill", choices=FILL_CHOICES, default="seed", help="bulk loader (seed) or python -m jobs import-candidates"
    )
    parser.add_argument(
        "--settle", action="store_true", help="PostgreSQL: time again after VACUUM ANALYZE, as autovacuum leaves it"
    )
    args = parser.parse_args(argv)
    # A plain `kill` should clean up too: the scratch databases are dropped by `finally` blocks, which only run
    # when Python exits through an exception.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    postgres_url = normalize_database_url(args.postgres_url)
    try:
        for line in describe(postgres_url if "postgresql" in args.databases else None):
            print(line)
        print(f"Roles: {len(ROLES)} fixed roles, limit {LIMIT}, {args.queries} timed queries per size after a warm-up")
        print(FILLED[args.fill])
        print(f"Load average before: {load_average()} (two cores, shared: above 2, others waited for a core)")
        print()
        print(HEADER, flush=True)
        for database in args.databases:
            run(database, args.sizes, args.queries, postgres_url, args.fill, args.settle)
        print(f"Load average after: {load_average()}")
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
