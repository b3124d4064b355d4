"""A recruiter's answer to a rejection notice (Keep warm, a rating, Not this one, Undo): which notice a click may
decide, and the decision itself, in the caller's transaction.

A notice is decided once. Every click reads it again, locked, because it may have been decided meanwhile: by a double
click, by someone else, or by the ATS itself (an unreject withdraws it; a delete erases it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ats_intake import keep
from models.ats_notice import AtsNotice, Decision, NoticeKind
from models.checkin import Checkin, CheckinStatus
from models.policy import Policy
from models.rejection import Rejection, RejectionInput


class NoticeRefusal(Enum):
    """Why a click may not decide a notice."""

    NOT_FOUND = auto()  # no such notice in the team (erased, deleted in the ATS), or not this user's to decide
    DECIDED = auto()  # already kept, dismissed, withdrawn or undone


@dataclass(frozen=True)
class RefusedNotice:
    """A refused click, with the notice as it stands when it was already decided (to say what became of it)."""

    refusal: NoticeRefusal
    notice: AtsNotice | None = None


def decidable_notice(
    *, session: Session, team_id: str, user_id: str, is_admin: bool, notice_id: int, undo: bool = False
) -> AtsNotice | RefusedNotice:
    """The rejection notice a click may decide, locked until the caller commits, or why not.

    Only its recruiter, or an admin of the same team, may decide it. Keep warm, a rating and Not this one need a
    notice nobody has decided; Undo needs one kept without asking and not undone since.
    """
    notice = session.scalars(
        select(AtsNotice)
        .where(AtsNotice.id == notice_id, AtsNotice.team_id == team_id, AtsNotice.kind == NoticeKind.REJECTED)
        .with_for_update()
    ).one_or_none()
    if notice is None or notice.recruiter is None or not (is_admin or notice.recruiter.user_id == user_id):
        return RefusedNotice(NoticeRefusal.NOT_FOUND)
    undoable = notice.decision == Decision.KEPT and notice.auto_kept
    if not (undoable if undo else notice.decision is None):
        return RefusedNotice(NoticeRefusal.DECIDED, notice)
    return notice


def keep_notice(
    *, session: Session, notice: AtsNotice, user_id: str, entry: RejectionInput, policy: Policy, now: datetime
) -> Rejection:
    """Keep warm: the rejection is the recruiter's the ATS named (an admin deciding for them does not take it over),
    and the notice remembers who decided."""
    owner = user_id if notice.recruiter is None else notice.recruiter.user_id
    rejection = keep(session, notice=notice, user_id=owner, entry=entry, policy=policy, now=now, actor=user_id)
    notice.decided_by = user_id
    return rejection


def first_checkin(session: Session, notice: AtsNotice) -> datetime | None:
    """When the check-ins of the rejection kept from this notice are next due; None when it started none."""
    if notice.rejection_id is None:
        return None
    return session.scalar(
        select(Checkin.due_at).where(
            Checkin.rejection_id == notice.rejection_id, Checkin.status == CheckinStatus.ACTIVE
        )
    )
