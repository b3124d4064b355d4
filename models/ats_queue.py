"""The admins' queue of ATS rejections whose recruiter nobody found in Slack: what waits, and assigning one.

A rejection the ATS sent is never dropped for want of a recruiter (models/ats_intake.py keeps it with recruiter_id
NULL and the address the ATS named). It waits here until an admin assigns it; from then on it is an ordinary notice
of that recruiter's, which the notice sweep DMs them. Callers commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, auto

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models.ats_notice import AtsNotice, NoticeKind
from models.opt_out import notice_about_opted_out
from models.records import get_or_create_recruiter


@dataclass(frozen=True)
class WaitingQueue:
    """The oldest waiting rejections (as many as were asked for) and how many wait in all."""

    notices: Sequence[AtsNotice]
    total: int


class AssignRefusal(Enum):
    """Why an assignment changed nothing."""

    NOT_FOUND = auto()  # no such rejection in the team: never, or deleted in the ATS since
    DECIDED = auto()  # settled meanwhile: unrejected in the ATS, kept, dismissed or undone
    ASSIGNED = auto()  # another admin (or the same one, twice) assigned it first


@dataclass(frozen=True)
class RefusedAssignment:
    """A refused assignment, with the notice as it stands when it exists (to say what became of it)."""

    refusal: AssignRefusal
    notice: AtsNotice | None = None


def _waiting(team_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        AtsNotice.team_id == team_id,
        AtsNotice.kind == NoticeKind.REJECTED,
        AtsNotice.recruiter_id.is_(None),
        AtsNotice.decision.is_(None),
        ~notice_about_opted_out(),  # they asked not to be contacted: nobody need be assigned to ask about them
    )


def waiting_for_recruiter(*, session: Session, team_id: str, limit: int) -> WaitingQueue:
    """Undecided rejections of the team with no recruiter, the longest waiting first: what the admins' Home lists."""
    notices = session.scalars(
        select(AtsNotice).where(*_waiting(team_id)).order_by(AtsNotice.created_at, AtsNotice.id).limit(limit)
    ).all()
    if len(notices) < limit:
        return WaitingQueue(notices, len(notices))
    total = session.scalar(select(func.count()).select_from(AtsNotice).where(*_waiting(team_id))) or 0
    return WaitingQueue(notices, total)


def assign_recruiter(*, session: Session, team_id: str, notice_id: int, user_id: str) -> AtsNotice | RefusedAssignment:
    """Make `user_id` the recruiter of a waiting rejection, if it still waits.

    The row is locked first, so of two admins choosing at once one assigns and the other is told it was assigned
    (SQLite takes its write lock at BEGIN, so there the transactions simply run one after the other).
    """
    notice = session.scalars(
        select(AtsNotice)
        .where(AtsNotice.id == notice_id, AtsNotice.team_id == team_id, AtsNotice.kind == NoticeKind.REJECTED)
        .with_for_update()
    ).one_or_none()
    if notice is None:
        return RefusedAssignment(AssignRefusal.NOT_FOUND)
    if notice.decision is not None:
        return RefusedAssignment(AssignRefusal.DECIDED, notice)
    if notice.recruiter_id is not None:
        return RefusedAssignment(AssignRefusal.ASSIGNED, notice)
    notice.recruiter = get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
    session.flush()
    return notice
