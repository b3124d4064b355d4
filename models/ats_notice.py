"""What the ATS told Keepwarm that a recruiter should hear: a rejection to keep warm or not, a hire, a new application.

A notice is DMed to its recruiter inside their working hours, batched with the others due, exactly once (the claim
columns, as check-ins have). A rejection whose recruiter is not found in Slack has no recruiter yet: it waits in the
admins' queue on their Home tab until one of them assigns it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.recruiter import Recruiter

if TYPE_CHECKING:
    from models.rejection import Rejection


class NoticeKind(StrEnum):
    """What the notice tells; the value is stored."""

    REJECTED = "rejected"  # asks "Keep warm?", or says it was kept without asking
    HIRED = "hired"  # a kept candidate was hired: their check-ins stopped
    APPLIED = "applied"  # a kept candidate applied again


class Decision(StrEnum):
    """What became of a rejection notice; NULL while nobody has decided."""

    KEPT = "kept"
    DISMISSED = "dismissed"  # Not this one
    WITHDRAWN = "withdrawn"  # unrejected in the ATS
    UNDONE = "undone"  # kept without asking, then Undo


class AtsNotice(Base):
    """One notice; for a rejection it carries everything the ATS sent, to show and to pre-fill the form with."""

    __tablename__ = "ats_notices"
    __table_args__ = (
        CheckConstraint("kind IN ('rejected', 'hired', 'applied')", name="kind"),
        CheckConstraint(
            "decision IS NULL OR decision IN ('kept', 'dismissed', 'withdrawn', 'undone')", name="decision"
        ),
        Index("ix_ats_notices_recruiter_id_sent_at", "recruiter_id", "sent_at"),
        Index("ix_ats_notices_application", "team_id", "source", "application_id"),
        Index("ix_ats_notices_claim_token", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    ats_candidate_id: Mapped[str] = mapped_column(String(100), index=True)
    application_id: Mapped[str | None] = mapped_column(String(100))
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"))
    recruiter_email: Mapped[str | None] = mapped_column(String(254))  # whom the ATS named, for the admins' queue
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    rejection_id: Mapped[int | None] = mapped_column(ForeignKey("rejections.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(150))
    email: Mapped[str | None] = mapped_column(String(254))
    linkedin_url: Mapped[str | None] = mapped_column(String(300))
    role_title: Mapped[str | None] = mapped_column(String(150))
    stage: Mapped[str | None] = mapped_column(String(16))  # screen | interview | final, for a rejection
    stage_name: Mapped[str | None] = mapped_column(String(150))  # as the ATS names it
    reason: Mapped[str | None] = mapped_column(Text)
    rejected_by_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_kept: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recruiter: Mapped[Recruiter | None] = relationship()
    rejection: Mapped[Rejection | None] = relationship()
