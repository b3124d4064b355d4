"""Data functions for check-ins: find one a user may act on, and the actions themselves. Callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, auto

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus, StopReason, Touchpoint
from models.policy import Policy
from models.recruiter import Recruiter
from models.retention_warning import RetentionWarning


class CheckinRefusal(Enum):
    """Why a click may not change a check-in."""

    NOT_FOUND = auto()  # no such check-in in the team, not this user's, or its candidate was erased
    HANDLED = auto()  # stopped, or the button is from a reminder already acted on
    BUSY = auto()  # a reminder about it is being sent right now


@dataclass(frozen=True)
class RefusedCheckin:
    """A refused click, with the check-in as it stands when it was already handled (to say what became of it)."""

    refusal: CheckinRefusal
    checkin: Checkin | None = None


def actionable_checkin(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    is_admin: bool,
    checkin_id: int,
    expected_step: int,
    expected_due: datetime,
    now: datetime,
) -> Checkin | RefusedCheckin:
    """The check-in a button click may change, or why not.

    Only its recruiter (or an admin) of the same team may act; a button from an older reminder, or one for a check-in
    stopped or erased meanwhile, is stale; a check-in being sent right now is busy.
    """
    checkin = session.scalars(
        select(Checkin)
        .options(joinedload(Checkin.candidate), joinedload(Checkin.recruiter), joinedload(Checkin.rejection))
        .where(Checkin.id == checkin_id, Checkin.team_id == team_id)
        .with_for_update(of=Checkin)
    ).one_or_none()
    if checkin is None or not (is_admin or checkin.recruiter.user_id == user_id) or checkin.candidate.erased:
        return RefusedCheckin(CheckinRefusal.NOT_FOUND)
    drawn_for_now = checkin.step == expected_step and int(checkin.due_at.timestamp()) == int(expected_due.timestamp())
    if checkin.status != CheckinStatus.ACTIVE or not drawn_for_now:
        return RefusedCheckin(CheckinRefusal.HANDLED, checkin)
    if checkin.claim_token is not None and checkin.claim_expires_at is not None and checkin.claim_expires_at > now:
        return RefusedCheckin(CheckinRefusal.BUSY)
    return checkin


def _touch(
    session: Session, checkin: Checkin, user_id: str, kind: str, now: datetime, detail: str | None = None
) -> None:
    """Log what the recruiter did, when: the team's record of staying in touch."""
    touchpoint = Touchpoint(
        team_id=checkin.team_id, checkin_id=checkin.id, user_id=user_id, kind=kind, detail=detail, at=now
    )
    session.add(touchpoint)


def reached_out(
    *, session: Session, checkin: Checkin, reminder_step: int, user_id: str, policy: Policy, now: datetime
) -> None:
    """The recruiter reached out: log it, and count the next check-in from today."""
    checkin.step = reminder_step + 1
    checkin.due_at = now + policy.gap(checkin.step)
    checkin.retry_at = None
    _touch(session, checkin, user_id, "reached_out", now)


def snooze(
    *, session: Session, checkin: Checkin, reminder_step: int, user_id: str, period: timedelta, now: datetime
) -> None:
    """Bring this same reminder back after `period`; the later steps keep their spacing from it."""
    checkin.step = reminder_step
    checkin.due_at = now + period
    checkin.retry_at = None
    _touch(session, checkin, user_id, "snoozed", now, f"{period.days} days")


def stop(
    *, session: Session, checkin: Checkin, user_id: str, reason: StopReason, note: str | None, now: datetime
) -> None:
    """No more check-ins for this candidate, and why; the touchpoint keeps the note, else the reason spelled out."""
    checkin.status = CheckinStatus.STOPPED
    checkin.stop_reason = reason
    checkin.stopped_at = now
    _touch(session, checkin, user_id, "stopped", now, note or reason.replace("_", " "))


def retry_delivery(*, session: Session, team_id: str, checkin_id: int) -> Checkin | None:
    """An admin fixed what made Slack refuse (reinstall, re-invite): try delivering again at the next sweep, with
    the retention warnings refused for the same recruiter, since they ride in the same DM (and are not listed)."""
    checkin = session.scalars(
        select(Checkin).where(Checkin.id == checkin_id, Checkin.team_id == team_id, Checkin.delivery_error.is_not(None))
    ).one_or_none()
    if checkin is not None:
        checkin.delivery_error = None
        checkin.delivery_failed_at = None
        checkin.retry_at = None
        session.execute(
            update(RetentionWarning)
            .where(
                RetentionWarning.recruiter_id == checkin.recruiter_id,
                RetentionWarning.sent_at.is_(None),
                RetentionWarning.delivery_error.is_not(None),
            )
            .values(delivery_error=None, delivery_failed_at=None, retry_at=None)
        )
    return checkin


def recruiter_checkins(
    *, session: Session, team_id: str, user_id: str, until: datetime, limit: int
) -> Sequence[Checkin]:
    """A recruiter's active check-ins due before `until`, soonest first: what the Home tab lists."""
    query = (
        select(Checkin)
        .join(Checkin.recruiter)
        .join(Checkin.candidate)
        .options(joinedload(Checkin.candidate), joinedload(Checkin.rejection))
        .where(
            Checkin.team_id == team_id,
            Recruiter.user_id == user_id,
            Checkin.status == CheckinStatus.ACTIVE,
            Checkin.due_at <= until,
            Candidate.erased.is_(False),
            Candidate.opted_out.is_(False),
        )
        .order_by(Checkin.due_at, Checkin.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def delivery_failures(*, session: Session, team_id: str, limit: int) -> Sequence[Checkin]:
    """Check-ins Slack permanently refused to deliver, for admins to see and retry."""
    query = (
        select(Checkin)
        .options(joinedload(Checkin.candidate), joinedload(Checkin.recruiter))
        .where(Checkin.team_id == team_id, Checkin.status == CheckinStatus.ACTIVE, Checkin.delivery_error.is_not(None))
        .order_by(Checkin.delivery_failed_at.desc(), Checkin.id)
        .limit(limit)
    )
    return session.scalars(query).all()
