"""Data functions for roles: open, list, close and reopen them, and find a role's past finalists. Callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.match_terms import MatchTerm
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.role import Role, RoleAlert, RoleOutreach, RoleStatus
from models.terms import PHRASE, title_phrase


@dataclass(frozen=True)
class Finalist:
    """A past finalist for the same job as a role, and the recruiter who owns the relationship with them."""

    candidate_id: int
    name: str
    role_title: str  # the title as it was recorded, e.g. "Senior Backend Engineer (Python)"
    rejected_at: datetime
    owner_recruiter_id: int
    owner_user_id: str


@dataclass(frozen=True)
class Change:
    """What closing or reopening found: no such role in the team (role None), or whether anything changed."""

    role: Role | None
    changed: bool


def create_role(
    *,
    session: Session,
    team_id: str,
    opened_by: str,
    title: str,
    tags: Iterable[str] = (),
    location: str | None = None,
    url: str | None = None,
    team_name: str | None = None,
    now: datetime | None = None,
) -> Role:
    """A role opened in Slack; it waits for the next channel digest (digested_at is NULL)."""
    role = Role(
        team_id=team_id,
        title=title,
        tags=list(tags),
        location=location,
        url=url,
        team_name=team_name,
        source="slack",
        opened_by=opened_by,
        opened_at=now or utcnow(),
    )
    session.add(role)
    session.flush()
    return role


def open_roles(*, session: Session, team_id: str, limit: int) -> Sequence[Role]:
    """The team's open roles, newest first."""
    query = (
        select(Role)
        .where(Role.team_id == team_id, Role.status == RoleStatus.OPEN)
        .order_by(Role.opened_at.desc(), Role.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def count_open_roles(*, session: Session, team_id: str) -> int:
    """How many open roles the team has, to say how many a capped list leaves out."""
    return session.scalar(select(func.count()).where(Role.team_id == team_id, Role.status == RoleStatus.OPEN)) or 0


def close_role(*, session: Session, team_id: str, role_id: int, user_id: str, now: datetime) -> Change:
    """Close an open role of the team; a role of another team is treated as unknown.

    Closed by a person, a job-board role stays closed even while its job is still posted on the board.
    """
    role = _locked_role(session=session, team_id=team_id, role_id=role_id)
    if role is None or role.status == RoleStatus.CLOSED:
        return Change(role, changed=False)
    role.status = RoleStatus.CLOSED
    role.closed_at = now
    role.closed_by = user_id
    session.flush()
    return Change(role, changed=True)


def reopen_role(*, session: Session, team_id: str, role_id: int, now: datetime) -> Change:
    """The hire fell through: open the role again, and put it back in the next digest."""
    role = _locked_role(session=session, team_id=team_id, role_id=role_id)
    if role is None or role.status == RoleStatus.OPEN:
        return Change(role, changed=False)
    role.status = RoleStatus.OPEN
    role.closed_at = role.closed_by = None
    role.digested_at = None
    role.digest_token = None  # a claim left from before it was closed must not keep it out of the next digest
    role.digest_claim_expires_at = None
    session.flush()
    return Change(role, changed=True)


def _locked_role(*, session: Session, team_id: str, role_id: int) -> Role | None:
    """The role row, locked on PostgreSQL so two closes or reopens at once are decided one after the other.

    (SQLite takes its write lock at BEGIN, see models.db.)
    """
    query = select(Role).where(Role.id == role_id, Role.team_id == team_id).with_for_update()
    return session.scalars(query).one_or_none()


def queue_role_alerts(*, session: Session, role: Role, finalists: Iterable[Finalist], now: datetime) -> list[int]:
    """One pending alert per recruiter who owns one of the finalists, unless one is already waiting for this role.

    Returns the recruiter ids newly queued.
    """
    owners = sorted({finalist.owner_recruiter_id for finalist in finalists})
    if not owners:
        return []
    waiting = set(
        session.scalars(
            select(RoleAlert.recruiter_id).where(
                RoleAlert.role_id == role.id, RoleAlert.recruiter_id.in_(owners), RoleAlert.sent_at.is_(None)
            )
        )
    )
    queued = [owner for owner in owners if owner not in waiting]
    session.add_all(RoleAlert(team_id=role.team_id, role_id=role.id, recruiter_id=r, created_at=now) for r in queued)
    session.flush()
    return queued


def role_finalists(*, session: Session, role: Role) -> list[Finalist]:
    """Past finalists of the team for the same job (the same normalised title), newest first, one per candidate.

    Found through the matching index's whole-title term, so it is one index lookup however long the history.
    Never erased, opted-out or stopped candidates, nor those someone already reached out to about this role.
    """
    phrase = title_phrase(role.title)
    if phrase is None:
        return []
    owner_id = func.coalesce(Checkin.recruiter_id, Rejection.recruiter_id)
    taken = exists().where(and_(RoleOutreach.role_id == role.id, RoleOutreach.candidate_id == Candidate.id))
    query = (
        select(
            Candidate.id,
            Candidate.name,
            Rejection.role_title,
            Rejection.rejected_at,
            Recruiter.id,
            Recruiter.user_id,
        )
        .select_from(MatchTerm)
        .join(Rejection, Rejection.id == MatchTerm.rejection_id)
        .join(Candidate, Candidate.id == Rejection.candidate_id)
        .outerjoin(Checkin, Checkin.candidate_id == Candidate.id)
        .join(Recruiter, Recruiter.id == owner_id)
        .where(
            MatchTerm.team_id == role.team_id,
            MatchTerm.term == phrase,
            MatchTerm.weight == PHRASE,
            Rejection.stage == "final",
            Candidate.erased.is_(False),
            Candidate.opted_out.is_(False),
            func.coalesce(Checkin.status, literal("none")) != CheckinStatus.STOPPED,
            ~taken,
        )
        .order_by(Rejection.rejected_at.desc(), Rejection.id.desc())
    )
    found: dict[int, Finalist] = {}
    for candidate_id, name, role_title, rejected_at, recruiter_id, user_id in session.execute(query):
        found.setdefault(candidate_id, Finalist(candidate_id, name, role_title, rejected_at, recruiter_id, user_id))
    return list(found.values())
