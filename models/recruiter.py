"""A recruiter: the Slack user who records rejections and owns the relationship with those candidates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, aliased, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Recruiter(Base):
    """One Slack user in one workspace; the time zone is cached so reminders land in working hours."""

    __tablename__ = "recruiters"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When Keepwarm noticed they left the workspace (migration 0009): their candidates wait for a handover.
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# The recruiter a due row belongs to, looked up in a subquery of its own: an alias, so that a query which joins
# recruiters itself does not correlate the lookup away (jobs' due conditions: held while their recruiter is gone).
STAYING = aliased(Recruiter, name="staying")
