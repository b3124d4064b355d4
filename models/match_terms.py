"""The matching index: which strong past rejections contain which terms, kept up to date as rejections are recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

DOCUMENTS = "#documents"  # the tokeniser never produces "#" first, so this term is free for the total


class MatchTerm(Base):
    """The matching index: one row per (strong past rejection, term), in the field weight it appears with.

    Rating and date are copied in so the index (team, term, weight, rating, date) yields each term's best
    postings first: a query reads only the top of each list it needs, however long the history grows. Both indexes
    hold every column matching reads, so it never visits a table row: at a million rejections those random reads,
    not the postings themselves, were most of a query's time.
    """

    __tablename__ = "match_terms"
    __table_args__ = (
        # Champion lists: each term's best postings, and which rejection each is.
        Index("ix_match_terms_ranked", "team_id", "term", "weight", "rating", "rejected_at", "rejection_id"),
        # Scoring a pooled rejection: its weight for each of the role's terms, and the tie-breakers.
        Index("ix_match_terms_rescore", "rejection_id", "term", "weight", "rating", "rejected_at"),
    )

    rejection_id: Mapped[int] = mapped_column(ForeignKey("rejections.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(String(48), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    weight: Mapped[int] = mapped_column()
    rating: Mapped[int] = mapped_column()  # 0 when unrated, so it sorts below every rating
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MatchTermCount(Base):
    """How many indexed rejections of a team contain each term (its document frequency), for IDF weights.

    The row for DOCUMENTS counts the indexed rejections themselves.
    """

    __tablename__ = "match_term_counts"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    term: Mapped[str] = mapped_column(String(48), primary_key=True)
    documents: Mapped[int] = mapped_column()
