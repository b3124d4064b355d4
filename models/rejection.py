"""One rejection of a candidate for one role; a candidate may have several, and history is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.recruiter import Recruiter

if TYPE_CHECKING:
    from models.candidate import Candidate

STAGES = ("screen", "interview", "final")


@dataclass(frozen=True)
class RejectionInput:
    """One rejection, cleaned and ready to store: what `/rejected` and the form produce and recording takes."""

    name: str
    role: str
    stage: str  # one of STAGES
    email: str | None  # lower-cased
    linkedin: str | None  # normalised https URL
    rating: int | None  # 1..5
    tags: tuple[str, ...]  # lower-cased, trimmed, de-duplicated in order
    note: str | None
    consent: datetime | None = (
        None  # when the candidate agreed to stay on file, if they did (noon UTC that day, as imports read dates)
    )


class Rejection(Base):
    """Who was turned down, for which role, how far they got and how strong they were."""

    __tablename__ = "rejections"
    __table_args__ = (
        CheckConstraint("stage IN ('screen', 'interview', 'final')", name="stage"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_rejections_team_recruiter_rejected_at", "team_id", "recruiter_id", "rejected_at"),
        Index("ix_rejections_team_rejected_at", "team_id", "rejected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    role_title: Mapped[str] = mapped_column(String(150))
    stage: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where it came from: NULL when typed in Slack, else the ATS (with its application, so an unreject finds it).
    source: Mapped[str | None] = mapped_column(String(16))
    application_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)  # the ATS's rejection reason
    rejected_by_candidate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    candidate: Mapped[Candidate] = relationship(back_populates="rejections")
    recruiter: Mapped[Recruiter] = relationship()
