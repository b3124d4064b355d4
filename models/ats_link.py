"""What Keepwarm remembers of an ATS's own records: which of its candidates is which Keepwarm candidate, and the
last active stage each application was seen in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class CandidateAtsId(Base):
    """An ATS candidate id known to belong to a Keepwarm candidate: kept after an erasure (it holds no personal
    data), so a later delete, hire, new application or merge in the ATS still finds the person."""

    __tablename__ = "candidate_ats_ids"
    __table_args__ = (UniqueConstraint("team_id", "source", "ats_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    ats_id: Mapped[str] = mapped_column(String(100))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)


class AtsStage(Base):
    """The stage an application was last seen moving to: Lever and Ashby archive without saying where it stood."""

    __tablename__ = "ats_stages"
    __table_args__ = (UniqueConstraint("team_id", "source", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    application_id: Mapped[str] = mapped_column(String(100))
    stage_name: Mapped[str] = mapped_column(String(150))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
