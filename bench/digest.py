"""The channel digest on a database filled through the import: N new roles, each matched against 100k and 1M past
candidates, posted in one message by the real job, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.digest [--sizes 100000,1000000] [--databases sqlite,postgresql] [--roles 20]
                                     [--postgres-url URL] [--output FILE]

Per database, one throwaway database grown through `python -m jobs import-candidates` (bench/import_fill.py: the
matching benchmark's history as an ATS export, one file per size with the rows that size adds, into the bot token's
workspace, as an import run without --team fills it). After each size, N roles are opened (the matching benchmark's
role titles and tags, as /role opens them: models.roles.create_role), then `python -m jobs run digest --now …` runs in
a process of its own with DIGEST_CHANNEL set: the job as the clock runs it, claiming the roles, matching each one
(find_matches, the top 3 and one more) and posting one message through slack_sdk to the fake Slack over HTTP. It is
timed from start to exit (Python's start-up and the schema check included) with its peak resident memory (the
kernel's, once it has exited); then once more with nothing new, which must post nothing: that run's time is the
fixed cost of starting the job. Exits 1 unless each digest posted exactly one message naming every new role.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.databases import KINDS, POSTGRES_DEFAULT, scratch_database
from bench.history import RECRUITERS, ROLES
from bench.import_candidates import know_recruiters, timed_jobs, write_results
from bench.import_fill import ImportFiller
from bench.machine import load_average, prepare
from bench.options import databases, positive, sizes
from models import MatchTerm
from models.db import make_engine, make_session_factory
from models.roles import create_role
from testkit.env import child_env, make_env
from testkit.fakeslack import TEAM_ID, FakeSlack

SIZES = (100_000, 1_000_000)
NEW_ROLES = 20
CHANNEL = "C0DIGEST"
RESULTS = Path(__file__).resolve().parent / "results" / "digest.json"
HEADER = (
    f"{'database':<12}{'rejections':>11}{'index rows':>12}{'import s':>10}{'roles':>7}{'matched':>9}"
    f"{'digest s':>10}{'peak RSS':>11}{'empty s':>9}"
)
FIT = re.compile(r"\d+\+? past candidate\(s\) fit")  # a role listed with matches; else "No past candidate fits"


@dataclass(frozen=True)
class Result:
    """One size of one database: the import that grew it, then the digest of the roles opened after it."""

    database: str
    rejections: int
    index_rows: int
    import_seconds: float  # this step's import only: sizes are imported cumulatively
    import_summary: str
    roles: int
    roles_named: int  # of the new roles, how many the posted message names (by "(#id)")
    roles_matched: int  # of those, how many it lists with at least one past candidate who fits
    messages: int  # messages the digest posted to the channel
    digest_seconds: float
    digest_peak_rss_mib: float
    digest_lines: list[str]
    empty_seconds: float  # the same job again with no new role: the fixed cost of a run
    empty_summary: str

    def problems(self) -> list[str]:
        found = []
        if self.messages != 1:
            found.append(f"the digest posted {self.messages} messages, not 1")
        if self.roles_named != self.roles:
            found.append(f"the digest named {self.roles_named} of the {self.roles} new roles")
        if not self.empty_summary.startswith("0 digest message(s), 0 role(s) posted"):
            found.append(f"the run with nothing new said: {self.empty_summary}")
        return [f"{self.database} {self.rejections:,}: {problem}" for problem in found]

    def line(self) -> str:
        return (
            f"{self.database:<12}{self.rejections:>11,}{self.index_rows:>12,}{self.import_seconds:>10.1f}"
            f"{self.roles:>7}{self.roles_matched:>9}{self.digest_seconds:>10.2f}"
            f"{self.digest_peak_rss_mib:>7.1f} MiB{self.empty_seconds:>9.2f}"
        )


def open_roles(url: str, count: int, now: datetime) -> list[int]:
    """`count` roles opened in Slack at `now` by the history's recruiters, with the matching benchmark's titles."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            roles = [
                create_role(
                    session=session,
                    team_id=TEAM_ID,
                    opened_by=RECRUITERS[n % len(RECRUITERS)],
                    title=title,
                    tags=tags,
                    now=now,
                )
                for n, (title, tags) in enumerate(islice(cycle(ROLES), count))
            ]
            return [role.id for role in roles]
    finally:
        engine.dispose()


def index_rows(url: str) -> int:
    """Rows of the matching index: what each role's query ranks."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(MatchTerm)) or 0
    finally:
        engine.dispose()


def block_texts(message: dict[str, Any]) -> str:
    return "\n".join(block.get("text", {}).get("text", "") for block in message.get("blocks", []))


def run(
    database: str, sizes: Sequence[int], new_roles: int, postgres_url: str, fake: FakeSlack, directory: Path
) -> list[Result]:
    """Grow one database through the import to each size in turn; after each, open `new_roles` roles and time the
    digest that posts them, then a digest with nothing new."""
    results = []
    with scratch_database(database, postgres_url) as url:
        filler = ImportFiller(url, fake, directory, team=None)
        env = child_env(**make_env(database_url=url, fake_slack=fake), LOG_LEVEL="WARNING", DIGEST_CHANNEL=CHANNEL)
        for size in sizes:
            before = len(filler.summaries)
            started = datetime.now(UTC)
            filler.grow(size)
            import_seconds = (datetime.now(UTC) - started).total_seconds()
            now = datetime.now(UTC)
            role_ids = open_roles(url, new_roles, now)
            posted = len(fake.messages(CHANNEL))
            at = (now + timedelta(minutes=1)).isoformat()
            seconds, peak, lines = timed_jobs(env, ["run", "digest", "--now", at], directory / "digest.txt")
            messages = fake.messages(CHANNEL)[posted:]
            empty_seconds, _, empty_lines = timed_jobs(env, ["run", "digest", "--now", at], directory / "digest.txt")
            text = "\n".join(block_texts(message) for message in messages)
            results.append(
                Result(
                    database,
                    filler.rejections,
                    index_rows(url),
                    round(import_seconds, 1),
                    " ".join(filler.summaries[before:]),
                    new_roles,
                    sum(f"(#{role_id})" in text for role_id in role_ids),
                    len(FIT.findall(text)),
                    len(messages),
                    round(seconds, 2),
                    round(peak, 1),
                    lines,
                    round(empty_seconds, 2),
                    empty_lines[-1],
                )
            )
            print(results[-1].line(), f"  (load {load_average()})", flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=list(SIZES), help="past rejections, imported cumulatively")
    parser.add_argument("--databases", type=databases, default=list(KINDS), help="sqlite, postgresql or both")
    parser.add_argument("--roles", type=positive, default=NEW_ROLES, help="new roles in each digest")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the results go as JSON")
    args = parser.parse_args(argv)
    postgres_url, machine = prepare(args.postgres_url, args.databases)
    for line in machine:
        print(line)
    load_before = load_average()
    print(f"Load average before: {load_before} (two cores, shared: above 2, others waited for a core)")
    print(
        f"Filled by python -m jobs import-candidates (bench/import_fill.py), {', '.join(f'{s:,}' for s in args.sizes)} "
        f"rows cumulatively; after each size {args.roles} new roles (bench/history.py's titles), then python -m jobs "
        f"run digest (DIGEST_CHANNEL={CHANNEL}, names hidden), then the same with nothing new ('empty s')"
    )
    print()
    print(HEADER, flush=True)
    results: list[Result] = []
    try:
        with FakeSlack() as fake, tempfile.TemporaryDirectory(prefix="keepwarm-digest-") as tmp:
            know_recruiters(fake)
            fake.set_channel(CHANNEL)
            for database in args.databases:
                results.extend(run(database, args.sizes, args.roles, postgres_url, fake, Path(tmp)))
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    load_after = load_average()
    print(f"Load average after: {load_after}")
    print()
    for r in results:
        print(f"{r.database} {r.rejections:,}: import: {r.import_summary}")
        print(f"{r.database} {r.rejections:,}: digest: {r.digest_lines[-1]}; nothing new: {r.empty_summary}")
    problems = [problem for r in results for problem in r.problems()]
    for problem in problems:
        print(f"FAILED {problem}")
    write_results(args.output, "digest", machine, (load_before, load_after), [asdict(r) for r in results])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
