"""The DM each admin gets once when a recruiter leaves: who left, what they held, and a picker to hand it over."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.recruiter import Recruiter


class DepartureNotice(Base):
    """One admin's DM about one departure (the recruiter's `departed_at` names it), delivered exactly once like the
    other DMs (jobs/delivery.py: claim, post, settle); once an admin hands over, every notice of the departure says
    to whom and by whom, so each admin's DM can be updated to say so."""

    __tablename__ = "departure_notices"
    __table_args__ = (UniqueConstraint("recruiter_id", "departed_at", "admin_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))  # who left
    departed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    admin_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))  # whom the DM is for (their working hours)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    handed_to: Mapped[str | None] = mapped_column(String(32))
    handed_by: Mapped[str | None] = mapped_column(String(32))
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recruiter: Mapped[Recruiter] = relationship(foreign_keys=[recruiter_id])
    admin: Mapped[Recruiter] = relationship(foreign_keys=[admin_id])
