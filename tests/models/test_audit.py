"""The audit trail keeps every act, newest first, per team, and loses only the personal data when a candidate is
erased; migration 0009 adds it and the new candidate and recruiter columns, both ways, keeping the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from models import Act, AuditEntry, Candidate, Rejection
from models.audit import audit_entries, log_act
from models.records import forget_candidate
from testkit.data import reject
from tests.models.test_migration_0004 import migrate

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_entries_are_listed_newest_first_per_team_and_candidate(sessions: sessionmaker[Session]) -> None:
    jane = reject(sessions, "Jane Doe", email="jane@x.io").candidate_id
    ada = reject(sessions, "Ada Lovelace", email="ada@x.io").candidate_id
    with sessions.begin() as session:
        for minutes, candidate_id, act in ((0, jane, Act.VIEWED), (1, ada, Act.EXPORTED), (2, jane, Act.CONSENTED)):
            candidate = session.get_one(Candidate, candidate_id)
            at = AT + timedelta(minutes=minutes)
            log_act(session, act=act, actor="U0REC", source="command", candidate=candidate, at=at)
    with sessions.begin() as session:
        everything = audit_entries(session, team_id="T0TEST")
        assert [e.act for e in everything] == ["consented", "exported", "viewed"]
        assert [e.subject for e in everything] == [
            "Jane Doe <jane@x.io>",
            "Ada Lovelace <ada@x.io>",
            "Jane Doe <jane@x.io>",
        ]
        assert [e.act for e in audit_entries(session, team_id="T0TEST", candidate_id=jane)] == ["consented", "viewed"]
        since = audit_entries(session, team_id="T0TEST", since=AT + timedelta(minutes=1))
        assert [e.act for e in since] == ["consented", "exported"]
        assert audit_entries(session, team_id="T0OTHER") == []


def test_erasure_keeps_the_entries_without_the_personal_data(sessions: sessionmaker[Session]) -> None:
    jane = reject(sessions, "Jane Doe", email="jane@x.io").candidate_id
    ada = reject(sessions, "Ada Lovelace", email="ada@x.io").candidate_id
    with sessions.begin() as session:
        for candidate_id in (jane, ada):
            candidate = session.get_one(Candidate, candidate_id)
            log_act(session, act=Act.VIEWED, actor="U0REC", source="button", candidate=candidate, detail="digest")
        jane_row = session.get_one(Candidate, jane)
        jane_row.consent_how = "reply from jane@x.io"
        log_act(
            session,
            act=Act.CONSENTED,
            actor="U0REC",
            source="button",
            candidate=jane_row,
            detail="reply from jane@x.io",
        )
    with sessions.begin() as session:
        forgotten = forget_candidate(
            session=session, team_id="T0TEST", email="jane@x.io", user_id="U0REC", is_admin=False
        )
        assert forgotten is not None
    with sessions.begin() as session:
        rows = [
            (e.candidate_id, e.act, e.actor, e.subject, e.detail)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert rows == [
        (jane, "viewed", "U0REC", None, "digest"),
        (ada, "viewed", "U0REC", "Ada Lovelace <ada@x.io>", "digest"),
        (jane, "consented", "U0REC", None, None),  # how consent came is free text: it may quote them
        (jane, "erased", "U0REC", None, None),  # the erasure itself is logged, without the personal data
    ]
    with sessions.begin() as session:
        assert session.get_one(Candidate, jane).consent_how is None


def test_0009_adds_and_removes_the_audit_trail_and_columns_keeping_rejections(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io")
    migrate(engine, "0008", down=True)
    assert "audit_entries" not in inspect(engine).get_table_names()
    assert "consent_at" not in {c["name"] for c in inspect(engine).get_columns("candidates")}
    migrate(engine, "head")
    assert "audit_entries" in inspect(engine).get_table_names()
    assert "departed_at" in {c["name"] for c in inspect(engine).get_columns("recruiters")}
    with sessions.begin() as session:
        assert session.scalars(select(Rejection.role_title)).all() == ["Senior Backend Engineer"]
        assert session.scalars(select(Candidate.consent_at)).all() == [None]


def test_0011_adds_and_removes_retention_warnings_keeping_rejections(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io")
    migrate(engine, "0010", down=True)
    assert "retention_warnings" not in inspect(engine).get_table_names()
    migrate(engine, "head")
    assert "retention_warnings" in inspect(engine).get_table_names()
    with sessions.begin() as session:
        assert session.scalars(select(Rejection.role_title)).all() == ["Senior Backend Engineer"]
