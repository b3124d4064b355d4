"""models/bulk.py writes rows as SQLAlchemy would (COPY on PostgreSQL), and fails as SQLAlchemy would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import Candidate, Recruiter
from models.bulk import insert_rows, next_ids

AT = datetime(2026, 1, 12, 9, 30, 15, 123456, tzinfo=UTC)


def test_rows_read_back_as_inserted_by_sqlalchemy(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        connection = session.connection()
        ours, theirs = next_ids(connection, Candidate.__table__, 2)
        row = {"team_id": "T1", "name": "Zoë Müller", "linkedin_url": None, "tags": ["c++", "ü"], "created_at": AT}
        insert_rows(connection, Candidate.__table__, [{"id": ours, "email": "zoe@example.com", **row}])
        connection.execute(insert(Candidate), [{"id": theirs, "email": "zoe2@example.com", **row}])
    with sessions.begin() as session:
        stored = session.scalars(select(Candidate).order_by(Candidate.id)).all()
        columns = ("team_id", "name", "linkedin_url", "tags", "created_at", "opted_out", "erased")
        assert [[getattr(c, name) for name in columns] for c in stored] == [
            ["T1", "Zoë Müller", None, ["c++", "ü"], AT, False, False]
        ] * 2
        assert next_ids(session.connection(), Candidate.__table__, 3)[0] > theirs


def test_a_duplicate_is_an_integrity_error(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        insert_rows(session.connection(), Recruiter.__table__, [{"team_id": "T1", "user_id": "U1"}])
    with pytest.raises(IntegrityError), sessions.begin() as session:
        insert_rows(session.connection(), Recruiter.__table__, [{"team_id": "T1", "user_id": "U1"}])
    with sessions.begin() as session:
        assert session.scalars(select(Recruiter.user_id)).all() == ["U1"]
