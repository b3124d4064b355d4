"""Open roles, from `/role` or a job board, and what Keepwarm did about each: digests, outreach, reopen alerts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.recruiter import Recruiter


class RoleStatus(StrEnum):
    """Open while the team hires for it; the values are what `roles.status` stores."""

    OPEN = "open"
    CLOSED = "closed"


SOURCES = ("slack", "greenhouse", "lever")


class Role(Base):
    """A role the team is hiring for. Job-board roles are keyed by `external_id` ("<board>:<job id>").

    `digested_at` is NULL while the role waits for its channel digest; a digest claims waiting roles
    (digest_token, digest_claim_expires_at) before posting, so each opening appears in exactly one digest.
    """

    __tablename__ = "roles"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "external_id"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("source IN ('slack', 'greenhouse', 'lever')", name="source"),
        Index("ix_roles_team_status", "team_id", "status"),
        Index("ix_roles_digest_waiting", "digested_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(150))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str | None] = mapped_column(String(150))
    url: Mapped[str | None] = mapped_column(String(300))
    team_name: Mapped[str | None] = mapped_column(String(150))
    source: Mapped[str] = mapped_column(String(16), default="slack")
    external_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=RoleStatus.OPEN)
    opened_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id; None when imported
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id; None when the job left its board
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_token: Mapped[str | None] = mapped_column(String(36))
    digest_claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    digest_ts: Mapped[str | None] = mapped_column(String(32))


class RoleOutreach(Base):
    """A recruiter said "I'll reach out" to a past candidate about a role: that candidate is taken for that role."""

    __tablename__ = "role_outreach"
    __table_args__ = (UniqueConstraint("role_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoleAlert(Base):
    """A DM owed to a recruiter whose finalists fit a reopened role, sent inside their working hours.

    Claimed like a check-in before posting (claim_token, claim_expires_at); `sent_at` set once Slack has it.
    """

    __tablename__ = "role_alerts"
    __table_args__ = (Index("ix_role_alerts_pending", "sent_at", "recruiter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    delivery_error: Mapped[str | None] = mapped_column(String(64))

    role: Mapped[Role] = relationship()
    recruiter: Mapped[Recruiter] = relationship()
