"""How long `python -m jobs import-candidates` takes for 10,000 and 100,000 rows, and whether its memory stays flat,
on SQLite and PostgreSQL, matching index included.

    .venv/bin/python -m bench.import_candidates [--sizes 10000,100000] [--databases sqlite,postgresql]
                                                [--postgres-url URL] [--output FILE]

The CSV is written for the run (and deleted after it) from the matching benchmark's history (bench/history.py), as
an ATS export writes it: Name, Email, Job, Current Stage (an ATS stage name), Overall Recommendation (a scorecard
word), Tags, Notes, Recruiter (an email the fake Slack knows), Rejected On (ISO 8601 with a time). Each size is
imported by the command itself, in a process of its own, into an empty scratch database; then the same file again
(which must record nothing), then checked: one rejection per row, its index, and each strong row's check-in due
after the import. Issue 13's target: 100,000 rows in under 60 s on each database.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.databases import POSTGRES_DEFAULT, scratch_database
from bench.history import RECRUITERS, TEAM, History
from bench.machine import load_average, prepare
from bench.options import databases, sizes
from models import Candidate, Checkin, MatchTerm, Recruiter, Rejection
from models.db import make_engine, make_session_factory
from models.imports import SAME_REJECTION
from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import FakeSlack

SIZES = (10_000, 100_000)
TARGET_SECONDS = 60.0
TARGET_ROWS = 100_000
RESULTS = Path(__file__).resolve().parent / "results" / "import_candidates.json"
HEADER = (
    *("Name", "Email", "Job", "Current Stage", "Overall Recommendation"),
    *("Tags", "Notes", "Recruiter", "Rejected On"),
)
STAGE_NAMES = {"final": "Onsite Interview", "interview": "Technical Interview", "screen": "Phone Screen"}
SCORECARD = {5: "Strong Yes", 4: "Yes", 3: "Mixed", 2: "No"}
MONTH = timedelta(days=30)
TABLE = (
    f"{'database':<12}{'rows':>9}{'import s':>10}{'rows/s':>9}{'peak RSS':>11}{'again s':>9}{'peak RSS':>11}"
    f"{'index rows':>12}{'check-ins':>11}{'in 30 days':>12}{'latest':>8}"
)


@dataclass(frozen=True)
class Run:
    """One import of one size into one database: the command's time and peak memory, and what it left."""

    database: str
    rows: int
    repeats: int  # rows of the file repeating an earlier row
    seconds: float
    peak_rss_mib: float
    again_seconds: float
    again_peak_rss_mib: float
    summary: str
    again_summary: str
    rejections: int
    index_rows: int
    checkins: int
    overdue: int  # check-ins due before the import ran: must be none
    first_month: int  # check-ins due within 30 days of the import
    latest_days: int  # how many days after the import the last one is due

    @property
    def exact(self) -> bool:
        recorded_once = self.rejections == self.rows - self.repeats
        return recorded_once and self.overdue == 0 and self.again_summary.startswith("0 rejections")

    def line(self) -> str:
        return (
            f"{self.database:<12}{self.rows:>9,}{self.seconds:>10.1f}{self.rows / self.seconds:>9,.0f}"
            f"{self.peak_rss_mib:>7.1f} MiB{self.again_seconds:>9.1f}{self.again_peak_rss_mib:>7.1f} MiB"
            f"{self.index_rows:>12,}{self.checkins:>11,}{self.first_month:>12,}{self.latest_days:>7} d"
        )


def recruiter_email(user: str) -> str:
    return f"{user.lower()}@bench.example"


def know_recruiters(fake: FakeSlack, tz: str = "America/New_York") -> None:
    """The history's recruiters as members of the fake workspace, found by the email the files give them."""
    for user in RECRUITERS:
        fake.set_user(user, email=recruiter_email(user), tz=tz)


def rows(count: int) -> Iterator[tuple[list[str], bool]]:
    """The history's rejections as an export's rows, candidate after candidate, `count` of them, each with whether
    it repeats an earlier row (the history dates a candidate's later rejections no later than its last day, so a
    few fall on one instant, for the same role): the import must record those once."""
    made = 0
    for past in History().candidates():
        seen: list[tuple[str, datetime]] = []
        for rejection in past.rejections:
            if made == count:
                return
            made += 1
            role = rejection.role_title.casefold()
            repeat = any(r == role and abs(at - rejection.rejected_at) < SAME_REJECTION for r, at in seen)
            seen.append((role, rejection.rejected_at))
            rating = rejection.rating
            yield (
                [
                    past.name,
                    past.email,
                    rejection.role_title,
                    STAGE_NAMES[rejection.stage],
                    "" if rating is None else SCORECARD[rating] if made % 2 else str(rating),
                    ", ".join(rejection.tags),
                    rejection.note or "",
                    recruiter_email(rejection.recruiter),
                    rejection.rejected_at.isoformat().replace("+00:00", "Z"),
                ],
                repeat,
            )


def write_csv(path: Path, count: int, start: int = 0) -> int:
    """The history's rows from `start` up to `count`, written row by row, the file never whole in memory here either;
    how many rows repeat an earlier one."""
    repeats = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for row, repeat in islice(rows(count), start, None):
            writer.writerow(row)
            repeats += repeat
    return repeats


def timed_import(env: dict[str, str], path: Path, output: Path, team: str | None = TEAM) -> tuple[float, float, str]:
    """Run the command (into `team`, else the bot token's workspace); its wall time, its peak resident memory and the
    summary it printed, with how long it took to analyse the tables after. Exits when it fails."""
    arguments = ["import-candidates", str(path), *(["--team", team] if team else [])]
    seconds, peak, printed = timed_jobs(env, arguments, output)
    analysed = [line for line in printed if line.startswith("tables analysed")]
    return seconds, peak, printed[-1] + "".join(f" ({line})" for line in analysed)


# Runs `python -m jobs …` and, as it exits, writes its own peak resident memory (VmHWM, of this process's memory
# alone) to the file named by the first argument. The kernel's accounting that wait4 reports (ru_maxrss) starts from
# the parent's peak at fork, so a child of a big parent (pytest after a long run: 142 MiB) would report the parent.
_PEAK_RECORDING = """\
import atexit, runpy, sys
peak_file = sys.argv.pop(1)
def record():
    with open("/proc/self/status") as status, open(peak_file, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
atexit.register(record)
sys.argv[0] = "jobs"
runpy.run_module("jobs", run_name="__main__", alter_sys=True)
"""


def write_results(
    output: Path, benchmark: str, machine: object, load: tuple[str, str], results: list[dict[str, object]]
) -> None:
    """The run as JSON (the machine, its load before and after, each result), where `--output` says."""
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": benchmark,
        "machine": machine,
        "load_average": {"before": load[0], "after": load[1]},
        "results": results,
    }
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {output}")


def timed_jobs(env: dict[str, str], arguments: list[str], output: Path) -> tuple[float, float, list[str]]:
    """Run `python -m jobs ARGUMENTS` in a process of its own; its wall time from start to exit, its own peak resident
    memory in MiB (VmHWM, written by the process as it exits) and the lines it printed. Exits when it fails."""
    peak_file = output.with_suffix(".peak")
    command = [sys.executable, "-c", _PEAK_RECORDING, str(peak_file), *arguments]
    with output.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        process.wait()
        seconds = time.perf_counter() - started
    printed = output.read_text().splitlines()
    if process.returncode != 0:
        raise SystemExit(f"python -m jobs {arguments[0]} exited {process.returncode}:\n" + "\n".join(printed[-20:]))
    return seconds, int(peak_file.read_text()) / 1024, printed


def run(database: str, size: int, postgres_url: str, fake: FakeSlack, directory: Path) -> Run:
    """Import `size` rows into an empty scratch database of `database`, then import them again, then count."""
    path = directory / f"candidates_{size}.csv"
    repeats = write_csv(path, size)
    with scratch_database(database, postgres_url) as url:
        env = child_env(**make_env(database_url=url, fake_slack=fake), LOG_LEVEL="WARNING")
        started = datetime.now(UTC)
        seconds, peak, summary = timed_import(env, path, directory / "out.txt")
        again_seconds, again_peak, again_summary = timed_import(env, path, directory / "out.txt")
        engine = make_engine(url)
        try:
            with make_session_factory(engine)() as session:
                count = session.scalar(select(func.count()).select_from(Rejection)) or 0
                index_rows = session.scalar(select(func.count()).select_from(MatchTerm)) or 0
                due = session.scalars(select(Checkin.due_at)).all()
                candidates = session.scalar(select(func.count()).select_from(Candidate)) or 0
                recruiters = session.scalar(select(func.count()).select_from(Recruiter)) or 0
        finally:
            engine.dispose()
    assert candidates and recruiters == len(RECRUITERS)
    return Run(
        database, size, repeats, round(seconds, 2), round(peak, 1), round(again_seconds, 2), round(again_peak, 1),
        summary, again_summary, count, index_rows, len(due), sum(1 for at in due if at <= started),
        sum(1 for at in due if at <= started + MONTH), max(((at - started).days for at in due), default=0),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_candidates", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=list(SIZES), help="rows per file, comma-separated")
    parser.add_argument("--databases", type=databases, default=["sqlite", "postgresql"], help="sqlite, postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_DEFAULT, help="a scratch schema is made and dropped here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the results go as JSON")
    args = parser.parse_args(argv)
    postgres_url, machine = prepare(args.postgres_url, args.databases)
    for line in machine:
        print(line)
    load_before = load_average()
    print(f"Load average before: {load_before} (this machine's two cores are shared: more than 1 slows every figure)")
    print(
        f"Files: {', '.join(f'{size:,}' for size in args.sizes)} rows from bench/history.py, {len(RECRUITERS)} "
        "recruiters found in the fake Slack by email; each imported by the command into an empty database, then again"
    )
    print()
    runs: list[Run] = []
    try:
        with FakeSlack() as fake, tempfile.TemporaryDirectory(prefix="keepwarm-import-") as tmp:
            know_recruiters(fake)
            for database in args.databases:
                for size in args.sizes:
                    runs.append(run(database, size, postgres_url, fake, Path(tmp)))
                    print(runs[-1].line() if len(runs) > 1 else f"{TABLE}\n{runs[-1].line()}", flush=True)
    except OperationalError as error:
        print(f"Database unreachable or failing: {error.orig or error}", file=sys.stderr)
        return 1
    load_after = load_average()
    print(f"Load average after: {load_after}")
    print()
    for r in runs:
        print(f"{r.database} {r.rows:,}: {r.summary}")
        print(f"{r.database} {r.rows:,} again: {r.again_summary}")
        if r.rows == TARGET_ROWS:
            verdict = "met" if r.seconds < TARGET_SECONDS else "MISSED"
            target = f"target: under {TARGET_SECONDS:.0f} s"
            print(f"{r.database}: {r.rows:,} rows in {r.seconds:.1f} s ({target}): {verdict}")
    write_results(args.output, "import_candidates", machine, (load_before, load_after), [asdict(r) for r in runs])
    return 0 if all(r.exact for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
