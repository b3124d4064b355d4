"""Webhook deliveries from an applicant tracking system, kept as they arrived until they have been processed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Ats(StrEnum):
    """The applicant tracking systems whose webhooks Keepwarm receives; the value is stored and is the URL's name."""

    GREENHOUSE = "greenhouse"
    LEVER = "lever"
    ASHBY = "ashby"


class AtsDelivery(Base):
    """One verified webhook delivery: the inbox row is written before the ATS gets its 200, so nothing is lost.

    `delivery_key` is what the ATS sends again on a retry or a duplicate (Greenhouse's event id, Ashby's
    webhookActionId, Lever's opportunity and trigger time), so a second copy finds the first and is not stored.
    `processed_at` stays NULL until the delivery has been acted on; `attempts` and `last_error` tell why it waits.
    """

    __tablename__ = "ats_deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "delivery_key"),
        CheckConstraint("source IN ('greenhouse', 'lever', 'ashby')", name="source"),
        Index("ix_ats_deliveries_waiting", "processed_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[Ats] = mapped_column(String(16))
    delivery_key: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the raw JSON as signed, so it can be processed (or audited) later
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
