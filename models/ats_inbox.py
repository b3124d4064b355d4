"""Writing to the inbox of ATS deliveries: once per delivery, however often the ATS sends it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from models.ats_delivery import Ats, AtsDelivery
from models.base import UTCDateTime

# One statement that both SQLite and PostgreSQL take: a retry or duplicate meets the unique key and writes nothing,
# with no error to recover from and no race between a look-up and the insert.
_STORE = text(
    "INSERT INTO ats_deliveries (team_id, source, delivery_key, event, body, received_at, attempts) "
    "VALUES (:team_id, :source, :delivery_key, :event, :body, :received_at, 0) "
    "ON CONFLICT (team_id, source, delivery_key) DO NOTHING"
).bindparams(bindparam("received_at", type_=UTCDateTime()))


def store_delivery(
    *, session: Session, team_id: str, source: Ats, delivery_key: str, event: str, body: str, now: datetime
) -> bool:
    """Keep a verified delivery for processing; False when the same delivery was already kept. The caller commits."""
    result = session.execute(
        _STORE,
        {
            "team_id": team_id,
            "source": source.value,
            "delivery_key": delivery_key,
            "event": event,
            "body": body,
            "received_at": now,
        },
    )
    return result.rowcount == 1


def waiting_deliveries(session: Session) -> dict[tuple[str, Ats], int]:
    """How many deliveries wait to be processed, by workspace and ATS: read from the waiting rows alone
    (ix_ats_deliveries_waiting), however many processed ones the inbox still keeps."""
    rows = session.execute(
        select(AtsDelivery.team_id, AtsDelivery.source, func.count())
        .where(AtsDelivery.processed_at.is_(None))
        .group_by(AtsDelivery.team_id, AtsDelivery.source)
    )
    return {(team_id, Ats(source)): count for team_id, source, count in rows}
