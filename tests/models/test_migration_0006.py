"""Migration 0006 adds the ATS tables and a rejection's ATS origin, both ways, on both databases, and never costs a
check-in (a table rebuilt on SQLite would have deleted them through their ON DELETE CASCADE)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.rejection_input import validate_rejection
from models import Checkin, MatchTerm, Rejection
from models.policy import Policy
from models.records import record_rejection
from tests.models.test_migration_0004 import migrate

ATS_TABLES = {"ats_notices", "ats_stages", "candidate_ats_ids"}
ATS_COLUMNS = {"source", "application_id", "reason", "rejected_by_candidate"}


def rejection_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("rejections")}


def test_0006_adds_and_removes_the_ats_schema_keeping_every_checkin(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    entry = validate_rejection({"name": "Ada Lovelace", "role": "Engineer", "stage": "final"})
    with sessions.begin() as session:
        rejected_at = datetime(2026, 1, 5, tzinfo=UTC)
        record_rejection(session=session, team_id="T1", user_id="U1", entry=entry, policy=Policy(), now=rejected_at)

    migrate(engine, "0005", down=True)
    assert ATS_TABLES.isdisjoint(inspect(engine).get_table_names())
    assert ATS_COLUMNS.isdisjoint(rejection_columns(engine))
    migrate(engine, "head")
    assert set(inspect(engine).get_table_names()) >= ATS_TABLES
    assert rejection_columns(engine) >= ATS_COLUMNS

    with sessions.begin() as session:
        assert [c.due_at for c in session.scalars(select(Checkin))] == [datetime(2026, 1, 19, tzinfo=UTC)]
        rejection = session.scalars(select(Rejection)).one()
        assert (rejection.source, rejection.rejected_by_candidate) == (None, False)


def test_0003_indexes_existing_rejections_with_the_schema_of_its_time(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """0003 reads rejections as they were then: reading them through today's model asked for 0006's columns."""
    entry = validate_rejection({"name": "Ada Lovelace", "role": "Platform Engineer", "stage": "final"})
    with sessions.begin() as session:
        record_rejection(session=session, team_id="T1", user_id="U1", entry=entry, policy=Policy())
    migrate(engine, "0002", down=True)
    migrate(engine, "head")
    with sessions.begin() as session:
        assert {term for term in session.scalars(select(MatchTerm.term))} >= {"platform", "engineer"}
