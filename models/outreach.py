"""Data functions for "I'll reach out": who may be reached out to about a role, and logging it once. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.match_terms import MatchTerm
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.role import Role, RoleOutreach, RoleStatus


class OutreachRefusal(Enum):
    """Why a click on "I'll reach out" logged nothing."""

    NOT_FOUND = auto()  # no such role or candidate in the team, or one never offered for a role
    ERASED = auto()  # the candidate's details were erased
    OPTED_OUT = auto()  # the candidate asked not to be contacted
    ROLE_CLOSED = auto()


@dataclass(frozen=True)
class RefusedOutreach:
    """A refused click, with the candidate's name or the role's title when the refusal is about them."""

    refusal: OutreachRefusal
    candidate_name: str | None = None
    role_title: str | None = None


@dataclass(frozen=True)
class Outreach:
    """The outcome of a click: the log row (new, or someone else's earlier one) and whom to tell."""

    row: RoleOutreach
    created: bool
    role_title: str
    candidate_name: str
    owner_user_id: str | None  # who owns the relationship with the candidate


def record_outreach(
    *, session: Session, team_id: str, role_id: int, candidate_id: int, user_id: str, now: datetime
) -> Outreach | RefusedOutreach:
    """Log that `user_id` will reach out to a candidate about a role, once per role and candidate.

    Returns the Outreach, or why nothing was logged. When someone already logged it, their row is
    returned with created=False and nothing changes, also when two clicks race (the unique constraint decides).
    """
    role = session.scalars(select(Role).where(Role.id == role_id, Role.team_id == team_id)).one_or_none()
    candidate = session.scalars(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.team_id == team_id)
    ).one_or_none()
    if role is None or candidate is None:
        return RefusedOutreach(OutreachRefusal.NOT_FOUND)
    if candidate.erased:
        return RefusedOutreach(OutreachRefusal.ERASED)
    if candidate.opted_out:
        return RefusedOutreach(OutreachRefusal.OPTED_OUT, candidate_name=candidate.name)
    if role.status != RoleStatus.OPEN:
        return RefusedOutreach(OutreachRefusal.ROLE_CLOSED, role_title=role.title)
    if not _matchable(session, candidate.id):
        # never offered for any role: a forged id must not reveal or log them
        return RefusedOutreach(OutreachRefusal.NOT_FOUND)
    owner = relationship_owner(session=session, candidate_id=candidate.id)
    if owner is None:
        return RefusedOutreach(OutreachRefusal.NOT_FOUND)  # a candidate with no rejection was never shown to anyone
    found = _logged(session, role_id, candidate_id)
    created = False
    if found is None:
        try:
            with session.begin_nested():
                found = RoleOutreach(
                    team_id=team_id, role_id=role_id, candidate_id=candidate_id, user_id=user_id, at=now
                )
                session.add(found)
            created = True
        except IntegrityError:  # another click got there first
            found = _logged(session, role_id, candidate_id)
            if found is None:
                raise
    return Outreach(
        row=found, created=created, role_title=role.title, candidate_name=candidate.name, owner_user_id=owner
    )


def relationship_owner(*, session: Session, candidate_id: int) -> str | None:
    """The recruiter of the candidate's check-in stream, else whoever turned them down last (as matching shows)."""
    streamed = session.scalar(
        select(Recruiter.user_id)
        .join(Checkin, Checkin.recruiter_id == Recruiter.id)
        .where(Checkin.candidate_id == candidate_id)
    )
    if streamed is not None:
        return streamed
    return session.scalar(
        select(Recruiter.user_id)
        .join(Rejection, Rejection.recruiter_id == Recruiter.id)
        .where(Rejection.candidate_id == candidate_id)
        .order_by(Rejection.rejected_at.desc(), Rejection.id.desc())
        .limit(1)
    )


def _logged(session: Session, role_id: int, candidate_id: int) -> RoleOutreach | None:
    return session.scalars(
        select(RoleOutreach).where(RoleOutreach.role_id == role_id, RoleOutreach.candidate_id == candidate_id)
    ).one_or_none()


def _matchable(session: Session, candidate_id: int) -> bool:
    """Only candidates matching can show (in the index, check-ins not stopped) can be taken for a role."""
    indexed = session.scalar(select(MatchTerm.rejection_id).where(MatchTerm.candidate_id == candidate_id).limit(1))
    stopped = session.scalar(
        select(Checkin.id).where(Checkin.candidate_id == candidate_id, Checkin.status == CheckinStatus.STOPPED).limit(1)
    )
    return indexed is not None and stopped is None
