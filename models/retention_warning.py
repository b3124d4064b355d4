"""The warning that a candidate's data is about to be erased, delivered once to their owner in the reminder DM."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.candidate import Candidate
from models.recruiter import Recruiter


class RetentionWarning(Base):
    """One warning per candidate and expiry: a period restarted (consent, a new rejection) earns a new one.

    Delivered like check-ins (jobs/delivery.py): claimed under the reminder DM's token, then marked sent with the DM's
    channel and ts, so it reaches its recruiter exactly once.
    """

    __tablename__ = "retention_warnings"
    __table_args__ = (
        UniqueConstraint("candidate_id", "expires_at"),
        # The sweep's question: which warnings are still to be delivered, whose.
        Index("ix_retention_warnings_sent_at_recruiter_id", "sent_at", "recruiter_id"),
        Index("ix_retention_warnings_claim_token", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    delivery_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    candidate: Mapped[Candidate] = relationship()
    recruiter: Mapped[Recruiter] = relationship()
