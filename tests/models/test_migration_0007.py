"""Migration 0007 indexes reminders_sent by (channel, sent_at) for the daily cap, both ways, on both databases,
keeping the rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from models import ReminderSent
from testkit.data import reject
from tests.models.test_migration_0004 import migrate

INDEX = "ix_reminders_sent_channel_sent_at"
SENT_AT = datetime(2026, 1, 19, 10, tzinfo=UTC)


def sent_indexes(engine: Engine) -> dict[str, list[str]]:
    return {str(index["name"]): list(index["column_names"]) for index in inspect(engine).get_indexes("reminders_sent")}


def test_0007_adds_the_index_and_goes_back(engine: Engine, sessions: sessionmaker[Session]) -> None:
    checkin_id = reject(sessions).checkin_id
    assert checkin_id is not None
    with sessions.begin() as session:
        sent = ReminderSent(team_id="T1", checkin_id=checkin_id, step=0, channel="DU0REC", ts="1.0", sent_at=SENT_AT)
        session.add(sent)
    assert sent_indexes(engine)[INDEX] == ["channel", "sent_at"]

    migrate(engine, "0006", down=True)
    assert INDEX not in sent_indexes(engine)

    migrate(engine, "head")
    assert sent_indexes(engine)[INDEX] == ["channel", "sent_at"]
    with sessions.begin() as session:
        assert session.execute(select(ReminderSent.channel, ReminderSent.sent_at)).all() == [("DU0REC", SENT_AT)]
