"""The handover's data functions on both databases: a departure noted once and undone, what a recruiter holds, a
handover refused while one of their reminders is being posted, and migration 0010 both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from models import Checkin, DepartureNotice, Recruiter, Rejection
from models.handover import (
    HandedOver,
    HandoverRefusal,
    RefusedHandover,
    departures,
    hand_over,
    held_by,
    mark_departed,
    mark_returned,
)
from testkit.data import reject
from tests.models.test_migration_0004 import migrate

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
TEAM = "T0TEST"


def test_a_departure_is_noted_once_clears_the_errors_it_caused_and_is_undone_by_a_return(
    sessions: sessionmaker[Session],
) -> None:
    strong = reject(sessions, "Ann Archer", user="U0ALEX", at=AT - timedelta(days=20))
    reject(sessions, "Dee Dunn", stage="screen", rating=2, user="U0ALEX", at=AT - timedelta(days=2))
    with sessions.begin() as session:
        stream = session.get_one(Checkin, strong.checkin_id)
        stream.delivery_error, stream.delivery_failed_at = "account_inactive", AT
    with sessions.begin() as session:
        assert mark_departed(session, team_id=TEAM, user_id="U0ALEX", now=AT) is not None
        assert mark_departed(session, team_id=TEAM, user_id="U0ALEX", now=AT + timedelta(hours=1)) is None
        assert mark_departed(session, team_id=TEAM, user_id="U0NEVER", now=AT) is None
        assert mark_departed(session, team_id="T0OTHER", user_id="U0ALEX", now=AT) is None
    with sessions.begin() as session:
        stream = session.get_one(Checkin, strong.checkin_id)
        assert (stream.delivery_error, stream.delivery_failed_at) == (None, None)
        [held] = departures(session, team_id=TEAM, now=AT)
        assert (held.user_id, held.departed_at, held.candidates, held.checkins, held.due) == ("U0ALEX", AT, 2, 1, 1)
        assert departures(session, team_id="T0OTHER", now=AT) == []
        assert session.scalars(select(Recruiter.user_id).where(Recruiter.user_id == "U0NEVER")).all() == []
    with sessions.begin() as session:
        assert mark_returned(session, team_id=TEAM, user_id="U0ALEX") is not None
        assert mark_returned(session, team_id=TEAM, user_id="U0ALEX") is None
        assert departures(session, team_id=TEAM, now=AT) == []


def test_a_handover_waits_while_a_reminder_of_theirs_is_being_posted(sessions: sessionmaker[Session]) -> None:
    strong = reject(sessions, "Ann Archer", user="U0ALEX", at=AT - timedelta(days=20))
    with sessions.begin() as session:
        stream = session.get_one(Checkin, strong.checkin_id)
        stream.claim_token, stream.claim_expires_at = "token", AT + timedelta(minutes=10)
    with sessions.begin() as session:
        done = hand_over(
            session, team_id=TEAM, from_user="U0ALEX", to_user="U0BEA", actor="U0ADMIN", source="command", now=AT
        )
        assert done == RefusedHandover(HandoverRefusal.BUSY)
    with sessions.begin() as session:
        assert (
            session.scalars(select(Rejection.recruiter_id)).one()
            == session.get_one(Checkin, strong.checkin_id).recruiter_id
        )
        stream = session.get_one(Checkin, strong.checkin_id)
        stream.claim_token = stream.claim_expires_at = None
    with sessions.begin() as session:
        done = hand_over(
            session, team_id=TEAM, from_user="U0ALEX", to_user="U0BEA", actor="U0ADMIN", source="command", now=AT
        )
        assert isinstance(done, HandedOver)
        assert (done.candidates, done.checkins, done.due) == (1, 1, 1)
        bea = session.scalars(select(Recruiter).where(Recruiter.user_id == "U0BEA")).one()
        assert held_by(session, bea, AT).candidates == 1


def test_0010_adds_and_removes_the_departure_notices(engine: Engine, sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io")
    migrate(engine, "0009", down=True)
    assert "departure_notices" not in inspect(engine).get_table_names()
    migrate(engine, "head")
    assert "departure_notices" in inspect(engine).get_table_names()
    with sessions.begin() as session:
        assert session.scalars(select(Rejection.role_title)).all() == ["Senior Backend Engineer"]
        assert session.scalars(select(DepartureNotice)).all() == []
