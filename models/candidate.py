"""A candidate the team turned down and may want back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.rejection import Rejection

ERASED_NAME = "(erased)"


class Candidate(Base):
    """One person per team, identified by email (stored lower-cased, so unique case-insensitively)."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("team_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(150))
    email: Mapped[str | None] = mapped_column(String(254))
    linkedin_url: Mapped[str | None] = mapped_column(String(300))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Data protection (migration 0009): who opted them out and when; their consent to stay on file, when, from whom
    # and how ("email reply"); and the last time they applied (ATS), one of the instants retention counts from.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opted_out_by: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_by: Mapped[str | None] = mapped_column(String(32))
    consent_how: Mapped[str | None] = mapped_column(String(100))
    last_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    rejections: Mapped[list[Rejection]] = relationship(back_populates="candidate", order_by=Rejection.rejected_at)
