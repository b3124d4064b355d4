"""`python -m jobs import-candidates FILE.csv`: bring past candidates in from a spreadsheet or an ATS export.

The file is read as a stream, so its size never matters: once for how it writes dates like 03/05/2024 (until a date
shows it), once to check every row and find every recruiter in Slack, writing nothing but the checked rows to a
temporary file; those are then recorded in batches of BATCH_ROWS, each batch its own transaction, so neither memory
nor a lock grows with the file. All or nothing by default: any problem in the check and nothing is written, every
problem reported (the first MAX_PROBLEMS, then a count). With `skip_invalid` the valid rows are recorded and the
others listed.

Running a file twice changes nothing the second time: a row repeating a rejection already recorded is skipped
(models/imports.py says exactly when a row repeats one). So an import the database interrupted half-way is finished
by running it again.

A dry run checks and records exactly as a real run does, in one transaction that is rolled back, so its summary is
the real one's. It leaves the matching index alone (which changes no figure of the summary): the index's term counts
are rows every recording updates, and a dry run must not hold them for the length of a file. On SQLite, where a
transaction holds the whole database, the bot's own writes wait while a dry run runs.
"""

from __future__ import annotations

import logging
import pickle
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.candidate_csv.columns import Columns, Field, HeaderError, match_header
from bot.candidate_csv.rows import (
    DateStyle,
    ImportRow,
    NotRejected,
    RowError,
    date_style,
    read_row,
    recruiter_email,
    recruiter_id,
    unknown_recruiter,
)
from bot.candidate_csv.table import CsvError, read_table
from bot.config import Settings
from bot.slack_directory import EmailLookupFailed, SlackDirectory
from models.bulk import analyse
from models.db import one_line
from models.imports import (
    WRITTEN_TABLES,
    BatchResult,
    ImportMark,
    Outcome,
    PastRejection,
    import_mark,
    record_past_rejections,
)

logger = logging.getLogger(__name__)

BATCH_ROWS = 2500
MAX_PROBLEMS = 50


@dataclass
class Schedule:
    """One recruiter's check-ins from an import: how many, and how many fall due on each day (UTC)."""

    days: Counter[date] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return self.days.total()

    def line(self, who: str) -> str:
        first = min(day for day, n in self.days.items() if n > 0)
        busiest = max(self.days.values())
        return f"check-ins for {who}: {self.count:,}, the first due {first:%Y-%m-%d}, at most {busiest} due on one day"


@dataclass
class ImportReport:
    """What an import did, or in a dry run would do; `ok` False: nothing (more) was written, `problems` say why."""

    ok: bool = True
    lines: list[str] = field(default_factory=list)
    rows: int = 0
    invalid: int = 0
    repeats: int = 0
    opted_out: int = 0  # rows of candidates who asked not to be contacted: nothing recorded for them
    not_rejected: int = 0  # rows whose status says hired or still in process: not read further
    recorded: int = 0
    new_candidates: int = 0
    known_candidates: int = 0
    checkins: dict[str, Schedule] = field(default_factory=dict)  # by recruiter's Slack user id
    database_failed: bool = False
    analysed_seconds: float | None = None  # how long refreshing the statistics took, once the rows were recorded
    not_analysed: str | None = None  # why the statistics could not be refreshed after the rows were recorded
    problem_count: int = 0
    _problems: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """The first MAX_PROBLEMS problems, each naming its line, then how many more there are."""
        more = self.problem_count - len(self._problems)
        return self._problems + ([f"… and {more:,} more problem{'s' if more > 1 else ''}"] if more > 0 else [])

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self._problems) < MAX_PROBLEMS:
            self._problems.append(message)

    def refuse(self, *messages: str) -> ImportReport:
        """Nothing was imported, for these reasons."""
        for message in messages:
            self.problem(message)
        self.ok = False
        return self

    def summary(self) -> str:
        if not self.ok and self.recorded:
            return (
                f"stopped after {_count(self.recorded, 'rejection')} recorded; run the same file again to import the "
                "rest (the rows already recorded are recognised and skipped)"
            )
        if not self.ok and self.invalid and not self.database_failed:
            return (
                f"nothing was imported: {self.invalid:,} of {_count(self.rows, 'row')} "
                f"{'has' if self.invalid == 1 else 'have'} problems; fix them and import the file again, or import "
                "only the valid rows (--skip-invalid)"
            )
        if not self.ok:
            return "nothing was imported"
        not_analysed = (
            f"; but the tables' statistics could not be refreshed ({self.not_analysed}), so matching may be slow "
            "until the database is analysed (PostgreSQL: VACUUM ANALYZE; SQLite: ANALYZE)"
            if self.not_analysed
            else ""
        )
        checkins = sum(schedule.count for schedule in self.checkins.values())
        recruiters = len([schedule for schedule in self.checkins.values() if schedule.count])
        invalid = f", {self.invalid:,} as invalid" if self.invalid else ""
        opted_out = f", {self.opted_out:,} skipped: opted out" if self.opted_out else ""
        not_rejected = (
            f", {self.not_rejected:,} skipped: hired or still in process (Status)" if self.not_rejected else ""
        )
        return (
            f"{_count(self.recorded, 'rejection')} recorded, for {_count(self.new_candidates, 'new candidate')} "
            f"and {self.known_candidates:,} already in Keepwarm; {_count(self.repeats, 'row')} skipped as already "
            f"recorded{not_rejected}{opted_out}{invalid}; {_count(checkins, 'check-in')} scheduled for "
            f"{_count(recruiters, 'recruiter')}{not_analysed}"
        )


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def import_candidates(
    *,
    sessions: sessionmaker[Session],
    directory: SlackDirectory,
    settings: Settings,
    source: BinaryIO,
    team_id: str,
    owner: str | None,
    dry_run: bool,
    skip_invalid: bool,
    now: datetime,
    actor: str,
) -> ImportReport:
    """Import a CSV of past rejections into the team; `owner` (a Slack user id) gets the rows whose recruiter is not
    in Slack; the audit log names `actor` (the admin who uploaded the file, or the command) as who recorded them.
    A binary stream from its start: a file opened "rb", or downloaded bytes. Never raises for what is in the file,
    for Slack failing or for the database failing: the report says what happened."""
    report = ImportReport()
    with _rereadable(source) as stream, tempfile.TemporaryFile() as checked:
        start = stream.tell()
        try:
            with read_table(stream) as table:
                columns = match_header(table.header)
            if Field.RECRUITER not in columns.index and owner is None:
                return report.refuse(
                    "The header has no Recruiter column (an email or a Slack user id per row) and no --owner was "
                    "given: say who follows up with these candidates."
                )
            stream.seek(start)
            with read_table(stream) as table:
                dates = date_style(table.records, columns)
            stream.seek(start)
            importer = _Importer(settings=settings, columns=columns, dates=dates, owner=owner, now=now)
            importer.check(stream, directory, report, checked)
        except (CsvError, HeaderError) as error:
            return report.refuse(*(error.problems if isinstance(error, HeaderError) else [str(error)]))
        except EmailLookupFailed as error:
            return report.refuse(
                f"Slack did not answer when asked who a recruiter is ({error}); nothing was imported. Try again in a "
                "few minutes."
            )
        report.lines.extend(importer.preamble())
        if report.problem_count and not skip_invalid:
            report.ok = False
            return report
        checked.seek(0)
        importer.record(checked, sessions, team_id, report, dry_run=dry_run, actor=actor)
    if report.ok and report.recorded and not dry_run:
        _analyse(sessions, report)
    return report


def _analyse(sessions: sessionmaker[Session], report: ImportReport) -> None:
    """Refresh the statistics of the tables the import filled, so matching is planned for the rows it added (and,
    on PostgreSQL, index-only scans work) at once, not when autovacuum next passes. The rows are committed already:
    a failure here is a warning in the log and the summary, not a failed import."""
    started = time.monotonic()
    try:
        analyse(sessions.kw["bind"], WRITTEN_TABLES)
    except SQLAlchemyError as error:
        report.not_analysed = one_line(error)
        logger.warning("imported rows are committed, but the tables could not be analysed: %s", report.not_analysed)
        return
    report.analysed_seconds = time.monotonic() - started


class _Importer:
    """One import's reading rules, its recruiters as found in Slack, and its running totals."""

    def __init__(
        self, *, settings: Settings, columns: Columns, dates: DateStyle, owner: str | None, now: datetime
    ) -> None:
        self.settings, self.columns, self.dates, self.owner, self.now = settings, columns, dates, owner, now
        self.users: dict[str | None, str | None] = {}  # recruiter cell -> Slack user id (None: nobody)
        self.labels: dict[str, str] = {}  # Slack user id -> " (how the file named them)", if not by that id
        self.known: set[int] = set()

    def check(self, stream: BinaryIO, directory: SlackDirectory, report: ImportReport, checked: BinaryIO) -> None:
        """Read every row, find each recruiter in Slack once, and keep each valid row in `checked` for the import;
        raises EmailLookupFailed if Slack does not answer."""
        for row in self._rows(stream, report):
            if row.recruiter not in self.users:
                self.users[row.recruiter] = self._find(row.recruiter, directory)
            user = self.users[row.recruiter] or self.owner
            if user is None:
                report.invalid += 1
                report.problem(unknown_recruiter(row.where, row.recruiter, looked_up=_is_email(row.recruiter)))
                continue
            named = row.recruiter if self.users[row.recruiter] else "--owner"
            self.labels.setdefault(user, "" if named == user else f" ({named})")
            pickle.dump(PastRejection(row.entry, user, row.rejected_at, row.reason), checked)

    def preamble(self) -> list[str]:
        """How the file was read: which column is which, what was ignored, how its dates were read."""
        lines = [f"columns: {self.columns.described()}"]
        if self.columns.ignored:
            lines.append("ignored columns: " + ", ".join(f"“{name}”" for name in self.columns.ignored))
        said = self.dates.said()
        return [*lines, *([said] if said else [])]

    def record(
        self,
        checked: BinaryIO,
        sessions: sessionmaker[Session],
        team_id: str,
        report: ImportReport,
        *,
        dry_run: bool,
        actor: str,
    ) -> None:
        """Record the checked rows batch by batch; the database failing stops the import with the report saying so."""
        try:
            with _transactions(sessions, dry_run=dry_run, actor=actor) as batches:
                mark = batches.mark()
                for batch in _batches(checked):
                    self._add(batches.record(batch, team_id, self.settings, self.now, mark), report)
        except SQLAlchemyError as error:
            report.database_failed = True
            if dry_run:
                report.recorded = 0
                report.refuse(f"The database failed during the dry run: {one_line(error)}. Nothing was written.")
            else:
                report.refuse(
                    f"The database failed after {report.recorded:,} rejections were recorded: {one_line(error)}. "
                    "Run the import again once it is back: the rows already recorded are recognised and skipped."
                )
        for user, schedule in sorted(report.checkins.items()):
            if schedule.count:
                report.lines.append(schedule.line(user + self.labels[user]))

    def _rows(self, stream: BinaryIO, report: ImportReport) -> Iterator[ImportRow]:
        """The valid rows; each invalid one is counted and reported."""
        rules = self.settings.ats_rules
        with read_table(stream) as table:
            for record in table.records:
                report.rows += 1
                try:
                    yield read_row(record, self.columns, rules=rules, dates=self.dates, now=self.now)
                except NotRejected:
                    report.not_rejected += 1
                except RowError as problem:
                    report.invalid += 1
                    report.problem(str(problem))

    def _find(self, value: str | None, directory: SlackDirectory) -> str | None:
        """The Slack user a recruiter cell names: a user id as written, else the active member with that email."""
        if value is None:
            return None
        user = recruiter_id(value)
        if user is not None:
            return user
        email = recruiter_email(value)
        return None if email is None else directory.user_for_email(email)

    def _add(self, result: BatchResult, report: ImportReport) -> None:
        outcomes = Counter(result.outcomes)
        report.repeats += outcomes[Outcome.REPEAT]
        report.opted_out += outcomes[Outcome.OPTED_OUT]
        report.recorded += len(result.outcomes) - outcomes[Outcome.REPEAT] - outcomes[Outcome.OPTED_OUT]
        report.new_candidates += outcomes[Outcome.NEW]
        self.known |= result.known_ids
        report.known_candidates = len(self.known)
        for user, due_at in result.scheduled:
            report.checkins.setdefault(user, Schedule()).days[due_at.date()] += 1
        for user, due_at in result.unscheduled:
            report.checkins[user].days[due_at.date()] -= 1


def _batches(checked: BinaryIO) -> Iterator[list[PastRejection]]:
    """The checked rows, BATCH_ROWS at a time."""
    batch: list[PastRejection] = []
    while True:
        try:
            batch.append(pickle.load(checked))
        except EOFError:
            break
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _is_email(value: str | None) -> bool:
    return value is not None and recruiter_id(value) is None and recruiter_email(value) is not None


class _Batches:
    """Each batch in a transaction of its own, or in a savepoint of the one dry-run transaction."""

    def __init__(self, sessions: sessionmaker[Session], dry_run: Session | None, actor: str) -> None:
        self.sessions, self.dry_run, self.actor = sessions, dry_run, actor

    def mark(self) -> ImportMark:
        if self.dry_run is not None:
            return import_mark(self.dry_run)
        with self.sessions.begin() as session:
            return import_mark(session)

    def record(
        self, rows: list[PastRejection], team_id: str, settings: Settings, now: datetime, mark: ImportMark
    ) -> BatchResult:
        """One batch; retried once when another writer added one of its candidates or recruiters meanwhile (the
        retry finds them)."""
        try:
            return self._once(rows, team_id, settings, now, mark)
        except IntegrityError:
            return self._once(rows, team_id, settings, now, mark)

    def _once(
        self, rows: list[PastRejection], team_id: str, settings: Settings, now: datetime, mark: ImportMark
    ) -> BatchResult:
        with self._transaction() as session:
            return record_past_rejections(
                session=session,
                team_id=team_id,
                rows=rows,
                policy=settings.policy,
                now=now,
                mark=mark,
                actor=self.actor,
                index=self.dry_run is None,
            )

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        if self.dry_run is None:
            with self.sessions.begin() as session:
                yield session
        else:
            with self.dry_run.begin_nested():
                yield self.dry_run


@contextmanager
def _transactions(sessions: sessionmaker[Session], *, dry_run: bool, actor: str) -> Iterator[_Batches]:
    if not dry_run:
        yield _Batches(sessions, None, actor)
        return
    with sessions() as session:
        try:
            yield _Batches(sessions, session, actor)
        finally:
            session.rollback()


@contextmanager
def _rereadable(source: BinaryIO) -> Iterator[BinaryIO]:
    """The source itself when it can be read again from its start, else a copy spooled to a temporary file."""
    if source.seekable():
        yield source
        return
    with tempfile.TemporaryFile() as copy:
        shutil.copyfileobj(source, copy)
        copy.seek(0)
        yield copy
