"""Migration 0004 swaps the check-ins' recruiter index for (recruiter_id, status, due_at), both ways, on both
databases, keeping the rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.rejection_input import validate_rejection
from models import Checkin
from models.migrate import MIGRATIONS
from models.policy import Policy
from models.records import record_rejection

NEW, OLD = "ix_checkins_recruiter_id_status_due_at", "ix_checkins_recruiter_id"


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def checkin_indexes(engine: Engine) -> dict[str, list[str]]:
    return {str(index["name"]): list(index["column_names"]) for index in inspect(engine).get_indexes("checkins")}


def test_0004_replaces_the_recruiter_index_and_goes_back(engine: Engine, sessions: sessionmaker[Session]) -> None:
    entry = validate_rejection({"name": "Ada Lovelace", "role": "Engineer", "stage": "final"})
    with sessions.begin() as session:
        rejected_at = datetime(2026, 1, 5, tzinfo=UTC)
        record_rejection(session=session, team_id="T1", user_id="U1", entry=entry, policy=Policy(), now=rejected_at)
    assert checkin_indexes(engine)[NEW] == ["recruiter_id", "status", "due_at"]
    assert OLD not in checkin_indexes(engine)

    migrate(engine, "0003", down=True)
    assert checkin_indexes(engine)[OLD] == ["recruiter_id"]
    assert NEW not in checkin_indexes(engine)

    migrate(engine, "head")
    assert checkin_indexes(engine)[NEW] == ["recruiter_id", "status", "due_at"]
    assert OLD not in checkin_indexes(engine)
    with sessions.begin() as session:
        assert [c.due_at for c in session.scalars(select(Checkin))] == [datetime(2026, 1, 19, tzinfo=UTC)]
