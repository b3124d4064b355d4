"""The check-in stream that keeps one strong candidate warm, and the log of what was sent and done."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.recruiter import Recruiter
from models.rejection import Rejection

if TYPE_CHECKING:
    from models.candidate import Candidate


class CheckinStatus(StrEnum):
    """A stream is active until it is stopped; the values are what `checkins.status` stores."""

    ACTIVE = "active"
    STOPPED = "stopped"


class StopReason(StrEnum):
    """Why a stream stopped, as `checkins.stop_reason` stores it: a recruiter's choice, or the candidate's erasure."""

    HIRED_ELSEWHERE = "hired_elsewhere"
    NOT_INTERESTED = "not_interested"
    OTHER = "other"
    ERASED = "erased"
    HIRED = "hired"  # by us, as the ATS reports: the program worked


class Checkin(Base):
    """One stream per candidate: `step` reminders sent so far, the next due at `due_at`.

    A sweep claims a row (claim_token, claim_expires_at) in the database before posting, so two sweeps can never
    post the same reminder; a claim left behind by a crash or an uncertain answer is verified before it is retried.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("candidate_id"),
        CheckConstraint("status IN ('active', 'stopped')", name="status"),
        Index("ix_checkins_status_due_at", "status", "due_at"),
        # One recruiter's due rows, soonest first, without reading the rest of their history (migration 0004).
        Index("ix_checkins_recruiter_id_status_due_at", "recruiter_id", "status", "due_at"),
        Index("ix_checkins_claim_token", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    rejection_id: Mapped[int] = mapped_column(ForeignKey("rejections.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=CheckinStatus.ACTIVE)
    stop_reason: Mapped[str | None] = mapped_column(String(32))
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    delivery_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    candidate: Mapped[Candidate] = relationship()
    recruiter: Mapped[Recruiter] = relationship()
    rejection: Mapped[Rejection] = relationship()


class ReminderSent(Base):
    """One reminder DM entry per check-in step: the unique key is the database's own guard against doubles.

    `channel` is the recruiter's DM and `sent_at` the sweep's instant: together, how many reached them on a day.
    """

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("checkin_id", "step"),
        # What one recruiter's DM received on one day, for the daily cap, without reading their history (0007).
        Index("ix_reminders_sent_channel_sent_at", "channel", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Touchpoint(Base):
    """What a recruiter did about a check-in, and when: reached out, snoozed, stopped."""

    __tablename__ = "touchpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
