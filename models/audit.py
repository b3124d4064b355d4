"""The audit trail: every act on a candidate's data, kept after an erasure with the personal data removed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.candidate import Candidate


class Act(StrEnum):
    """What was done to a candidate's data, as `audit_entries.act` stores it."""

    RECORDED = "recorded"
    VIEWED = "viewed"
    EXPORTED = "exported"
    CONSENTED = "consented"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    HANDED_OVER = "handed_over"
    ERASED = "erased"


class Source(StrEnum):
    """Where an act came from, as `audit_entries.source` stores it: the one list of them."""

    COMMAND = "command"  # a slash command: `/rejected …`
    FORM = "form"  # the `/rejected` form
    BUTTON = "button"  # a button in a message or on the Home tab (Show names, She agreed…)
    ATS = "ats"  # an ATS webhook, or a recruiter's answer to an ATS notice
    IMPORT = "import"  # the CSV import, from Slack or `python -m jobs import-candidates`
    CLI = "cli"  # another `python -m jobs …` command
    SWEEP = "sweep"  # the scheduled sweep (retention)
    EVENT = "event"  # a Slack event (a recruiter's account deleted)


ATS_ACTOR = "ats"  # the actor of what an ATS delivery did by itself: a deletion, a rejection kept without asking
IMPORT_ACTOR = "import-candidates"  # the actor of an import run from the command line, which no Slack user started


@dataclass(frozen=True)
class RecordedBy:
    """Who recorded a rejection, from where and when (None: at the rejection's own date, as `/rejected` records it),
    for its RECORDED entry; `how` adds to the role title in the detail ("greenhouse, kept warm")."""

    actor: str
    source: Source
    how: str | None = None
    at: datetime | None = None


class AuditEntry(Base):
    """One act: when, what, who did it (a Slack user id, or the job that did: "retention", "ats"), and from where.

    `subject` names the candidate (name and email) for a reader of the log; it is the entry's only personal data and
    is cleared when the candidate is erased. `detail` must never hold personal data (a role title, "email reply").
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_team_id_at", "team_id", "at"),
        Index("ix_audit_entries_candidate_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    act: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # command, form, button, ats, import, cli, sweep, event
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="SET NULL"))
    subject: Mapped[str | None] = mapped_column(String(410))
    detail: Mapped[str | None] = mapped_column(Text)


def log_act(
    session: Session,
    *,
    act: Act,
    actor: str,
    source: str,
    candidate: Candidate,
    detail: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry about `candidate` to the session (the caller commits it with the act itself)."""
    if candidate.id is None:
        session.flush()
    entry = AuditEntry(
        team_id=candidate.team_id,
        at=at or utcnow(),
        act=act,
        actor=actor,
        source=source,
        candidate_id=candidate.id,
        subject=None if candidate.erased else subject_of(candidate.name, candidate.email),
        detail=detail,
    )
    session.add(entry)
    return entry


def scrub_subject(session: Session, *, candidate_id: int) -> None:
    """Remove the personal data from a candidate's entries: their erasure keeps what was done, not to whom. A
    consent's detail is how the recruiter said it came (free text, which may quote the candidate), so it goes too."""
    about = AuditEntry.candidate_id == candidate_id
    session.execute(update(AuditEntry).where(about).values(subject=None))
    session.execute(update(AuditEntry).where(about, AuditEntry.act == Act.CONSENTED).values(detail=None))


def audit_entries(
    session: Session,
    *,
    team_id: str,
    candidate_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> Sequence[AuditEntry]:
    """A team's entries, newest first: all of them, one candidate's, or those since an instant."""
    query = select(AuditEntry).where(AuditEntry.team_id == team_id)
    if candidate_id is not None:
        query = query.where(AuditEntry.candidate_id == candidate_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def entries_after(
    session: Session, *, team_id: str, since: datetime | None, after: tuple[datetime, int] | None, limit: int
) -> Sequence[AuditEntry]:
    """The next `limit` of a team's entries, oldest first, after the entry (at, id) `after` (None: from the first
    since `since`): a page of the whole log, read a page per transaction so that no read holds SQLite's lock for the
    length of the log nor keeps it all in memory."""
    query = select(AuditEntry).where(AuditEntry.team_id == team_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if after is not None:
        at, entry_id = after
        query = query.where(or_(AuditEntry.at > at, and_(AuditEntry.at == at, AuditEntry.id > entry_id)))
    return session.scalars(query.order_by(AuditEntry.at, AuditEntry.id).limit(limit)).all()


def subject_of(name: str, email: str | None) -> str:
    """How an entry names its candidate: "Jane Doe <jane@x.io>", or the name alone."""
    return f"{name} <{email}>" if email else name
