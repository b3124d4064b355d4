"""Bulk-load a synthetic history with exactly the rows that recording it one rejection at a time would write.

`models.records.record_rejection` costs a few round trips per rejection, hours for a million. This writes the same
recruiters, candidates, rejections, check-ins and matching index in large batches (SQLAlchemy Core executemany on
SQLite, COPY on PostgreSQL), computing each rejection's terms with `models.terms.document_terms` under the same
rules as `models.matching.index_rejection`. With `swept_until` it also writes what the reminder sweep, running on
time until then, leaves behind: every step sent at its due time, its `reminders_sent` row, the stream moved on.
tests/bench/test_seed_equivalence.py proves both against the real paths (record_rejection, and the real sweep).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, event, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from bench.history import NOW, RECRUITERS, TEAM, History, PastCandidate
from models import (
    Base,
    Candidate,
    Checkin,
    CheckinStatus,
    MatchTerm,
    MatchTermCount,
    Recruiter,
    Rejection,
    ReminderSent,
)
from models.db import make_engine
from models.match_terms import DOCUMENTS
from models.matching import is_matchable
from models.policy import Policy
from models.terms import document_terms

BATCH = 20_000  # candidates per transaction: large enough to amortise commits, small enough to stay in memory
SQLITE_BULK_PRAGMAS = ("PRAGMA synchronous=OFF", "PRAGMA cache_size=-524288")  # loading only: 512 MiB of cache

COLUMNS: dict[Table, tuple[str, ...]] = {
    Recruiter.__table__: ("id", "team_id", "user_id", "created_at"),
    Candidate.__table__: ("id", "team_id", "name", "email", "tags", "opted_out", "erased", "created_at", "updated_at"),
    Rejection.__table__: (
        "id", "team_id", "candidate_id", "recruiter_id", "role_title", "stage", "rating", "note", "rejected_at"
    ),
    Checkin.__table__: (
        "id", "team_id", "candidate_id", "recruiter_id", "rejection_id", "step", "due_at", "status", "stop_reason",
        "stopped_at", "created_at",
    ),
    MatchTerm.__table__: ("rejection_id", "term", "team_id", "candidate_id", "weight", "rating", "rejected_at"),
    ReminderSent.__table__: ("id", "team_id", "checkin_id", "step", "channel", "ts", "sent_at"),
}  # fmt: skip


@dataclass
class Rows:
    """One batch of rows per table, in insertion order (parents first), and the terms' document counts."""

    tables: dict[Table, list[tuple[Any, ...]]] = field(default_factory=lambda: {table: [] for table in COLUMNS})
    counts: Counter[str] = field(default_factory=Counter)
    rejections: int = 0


class Seeder:
    """Grows one database's history batch by batch; call `grow` with increasing totals to seed sizes cumulatively."""

    def __init__(
        self,
        url: str,
        history: History | None = None,
        policy: Policy | None = None,
        *,
        swept_until: datetime | None = None,
    ) -> None:
        """`swept_until`: also write what a reminder sweep running on time until then would have left (each step
        sent at its due time, logged in reminders_sent, the stream advanced), as a live team's database holds it;
        without it, the check-ins are as recorded, never swept."""
        self.url = url
        self.stream = (history or History()).candidates()
        self.policy = policy or Policy()
        self.swept_until = swept_until
        self.recruiter_ids = {user: number for number, user in enumerate(RECRUITERS, start=1)}
        self.rejections = self.rejection_id = self.checkin_id = self.sent_id = 0
        self.reminded: set[int] = set()  # recruiters sent a reminder: record_sent keeps their DM channel

    def grow(self, total: int) -> None:
        """Seed whole candidates until at least `total` rejections are in, then refresh the planner's statistics."""
        engine = _bulk_engine(self.url)
        try:
            if self.rejections == 0:
                with engine.begin() as connection:
                    _write(connection, Recruiter.__table__, [(n, TEAM, u, NOW) for u, n in self.recruiter_ids.items()])
            with engine.begin() as connection:  # the sweep may have logged reminders since the last step
                self.sent_id = max(self.sent_id, connection.scalar(select(func.max(ReminderSent.id))) or 0)
            while self.rejections < total:
                rows = self._batch(total)
                with engine.begin() as connection:
                    for table, table_rows in rows.tables.items():
                        _write(connection, table, table_rows)
                    _add_counts(connection, rows.counts)
                self.rejections += rows.rejections
            if self.reminded:
                with engine.begin() as connection:
                    connection.execute(
                        update(Recruiter)
                        .where(Recruiter.id.in_(sorted(self.reminded)))
                        .values(dm_channel=literal("D") + Recruiter.user_id)  # testkit/fakeslack.py's DM channel ids
                    )
            _after_load(engine)
        finally:
            engine.dispose()

    def _batch(self, total: int) -> Rows:
        """The next candidates, whole, until `total` rejections are reached: the last may overshoot by two, so
        seeding in steps writes exactly what seeding at once would."""
        rows = Rows()
        for _ in range(BATCH):
            if self.rejections + rows.rejections >= total:
                break
            self._add(rows, next(self.stream))
        return rows

    def _add(self, rows: Rows, past: PastCandidate) -> None:
        """One candidate's rows as record_rejection writes them: tags accumulate, the newest strong rejection owns
        the check-in stream; then the stop and the opt-out that came later."""
        tables = rows.tables
        candidate_id = past.index
        tags: list[str] = []
        owners: list[tuple[int, int, Any]] = []  # each strong rejection restarts the stream: recruiter, rejection, at
        for entry in past.rejections:
            self.rejection_id += 1
            rows.rejections += 1
            tags = list(dict.fromkeys([*tags, *entry.tags]))
            recruiter_id = self.recruiter_ids[entry.recruiter]
            tables[Rejection.__table__].append(
                (
                    self.rejection_id, TEAM, candidate_id, recruiter_id, entry.role_title, entry.stage, entry.rating,
                    entry.note, entry.rejected_at,
                )
            )  # fmt: skip
            terms = document_terms(title=entry.role_title, tags=tags, note=entry.note)
            if is_matchable(stage=entry.stage, rating=entry.rating) and terms:
                tables[MatchTerm.__table__].extend(
                    (self.rejection_id, term, TEAM, candidate_id, weight, entry.rating or 0, entry.rejected_at)
                    for term, weight in terms.items()
                )
                rows.counts.update(terms.keys())
                rows.counts[DOCUMENTS] += 1
            if self.policy.is_strong(stage=entry.stage, rating=entry.rating):
                owners.append((recruiter_id, self.rejection_id, entry.rejected_at))
        first, last = past.rejections[0].rejected_at, past.rejections[-1].rejected_at
        tables[Candidate.__table__].append(
            (candidate_id, TEAM, past.name, past.email, tags, past.opted_out, False, first, last)
        )
        if not owners:
            return
        self.checkin_id += 1
        recruiter_id, rejection_id, rejected_at = owners[-1]
        step, due_at = self._swept(rows, past, owners)
        status, stopped_at = (CheckinStatus.STOPPED, past.stopped_at) if past.stopped else (CheckinStatus.ACTIVE, None)
        tables[Checkin.__table__].append(
            (
                self.checkin_id, TEAM, candidate_id, recruiter_id, rejection_id, step, due_at, status, past.stopped,
                stopped_at, rejected_at,
            )
        )  # fmt: skip

    def _swept(self, rows: Rows, past: PastCandidate, owners: list[tuple[int, int, Any]]) -> tuple[int, Any]:
        """The stream's step and due date, and the reminders logged for it, once the sweep ran on time until
        `swept_until`. Each strong rejection restarted the stream at step 0 (a step sent twice is logged once, as
        record_sent does); the sweep skips a stopped check-in from its stop on, and an opted-out candidate from the
        last rejection on (the history has no opt-out date: the earliest it could be)."""
        policy = self.policy
        step, due_at = 0, policy.first_checkin(owners[-1][2])
        if self.swept_until is None:
            return step, due_at
        ends = [self.swept_until, *([past.stopped_at] if past.stopped_at else [])]
        if past.opted_out:
            ends.append(past.rejections[-1].rejected_at)
        starts = [at for _, _, at in owners]
        sent: dict[int, tuple[int, Any]] = {}  # step -> (recruiter id, sent at): the first send is the one logged
        for (recruiter_id, _, at), end in zip(owners, [*starts[1:], min(ends)], strict=True):
            step, due_at = 0, policy.first_checkin(at)
            while due_at < end:
                sent.setdefault(step, (recruiter_id, due_at))
                step, due_at = policy.after_send(step=step, due_at=due_at, now=due_at)
        for sent_step, (recruiter_id, sent_at) in sorted(sent.items()):
            self.sent_id += 1
            self.reminded.add(recruiter_id)
            channel = "D" + RECRUITERS[recruiter_id - 1]
            rows.tables[ReminderSent.__table__].append(
                (self.sent_id, TEAM, self.checkin_id, sent_step, channel, f"{self.sent_id}.000000", sent_at)
            )
        return step, due_at


def _bulk_engine(url: str) -> Engine:
    """The production engine, plus SQLite settings that only a reproducible bulk load may use."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _bulk(dbapi_connection: Any, _record: Any) -> None:
            for pragma in SQLITE_BULK_PRAGMAS:
                dbapi_connection.execute(pragma)

    return engine


def _write(connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows given in COLUMNS order: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    columns = COLUMNS[table]
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            if as_json:
                row = tuple(json.dumps(value) if i in as_json else value for i, value in enumerate(row))
            copy.write_row(row)


def _add_counts(connection: Connection, counts: Counter[str]) -> None:
    """Add a batch's document counts to match_term_counts, creating the terms seen for the first time."""
    if not counts:
        return
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(MatchTermCount)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[MatchTermCount.team_id, MatchTermCount.term],
            set_={"documents": MatchTermCount.documents + statement.excluded.documents},
        ),
        [{"team_id": TEAM, "term": term, "documents": n} for term, n in sorted(counts.items())],
    )


def _after_load(engine: Engine) -> None:
    """Leave the database as a live one would be: fresh planner statistics; on PostgreSQL the id sequences past the
    ids written explicitly and the visibility map set (a bulk load leaves it empty, autovacuum would fill it within
    minutes, and index-only scans need it); on SQLite the write-ahead log folded into the file."""
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in (Recruiter, Candidate, Rejection, Checkin, ReminderSent):
                name = table.__tablename__
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), coalesce(max(id), 1)) FROM {name}")
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {tables}"))
        return
    with engine.begin() as connection:
        for table in tables.split(", "):
            connection.execute(text(f"ANALYZE {table}"))
    _checkpoint(engine)


def _checkpoint(engine: Engine) -> None:
    """Move the write-ahead log into the database file, as a long-running SQLite database would have it."""
    connection = engine.raw_connection()
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
