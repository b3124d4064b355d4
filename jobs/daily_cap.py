"""The daily cap: at most CHECKINS_PER_DAY check-ins reach a recruiter on one of their working days.

A backlog (an import of past rejections, a bot down for weeks) is then spread over the following working days instead
of arriving at once; the reminder sweep sends the strongest and most recent first and leaves the rest due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Checkin, CheckinStatus, Recruiter, ReminderSent


def allowance(session: Session, *, recruiter_id: int, cap: int, day: tuple[datetime, datetime], now: datetime) -> int:
    """How many more check-ins the recruiter may be sent on `day` (their local day, as UTC bounds): the cap, less
    those already sent to them that day and those claimed by a sweep and not yet settled.

    Locks the recruiter's row until the caller's transaction ends (SQLite's BEGIN IMMEDIATE already serialises
    writers), so the caller claims in that same transaction and two sweeps never both spend the same allowance.
    """
    team_id, channel = session.execute(
        select(Recruiter.team_id, Recruiter.dm_channel).where(Recruiter.id == recruiter_id).with_for_update()
    ).one()
    spent = sent_on(session, team_id=team_id, channel=channel, day=day) + in_flight(session, recruiter_id, now)
    return max(0, cap - spent)


def sent_on(session: Session, *, team_id: str, channel: str | None, day: tuple[datetime, datetime]) -> int:
    """Check-ins sent to one recruiter's DM channel within `day`.

    Counted by the channel the reminders went to rather than through the check-ins: a stream handed to another
    recruiter still counts for the one who got it, and the index on (channel, sent_at) reads only that day's rows
    instead of every reminder the recruiter ever got. No channel yet: nothing was ever sent to them.
    """
    if channel is None:
        return 0
    start, end = day
    query = select(func.count()).where(
        ReminderSent.channel == channel,
        ReminderSent.sent_at >= start,
        ReminderSent.sent_at < end,
        ReminderSent.team_id == team_id,
    )
    return session.scalar(query) or 0


def in_flight(session: Session, recruiter_id: int, now: datetime) -> int:
    """The recruiter's check-ins claimed and not yet recorded as sent (being posted, or waiting to be checked): they
    will most likely count as sent today. A claimed row was due when claimed, so the due range finds it."""
    query = select(func.count()).where(
        Checkin.recruiter_id == recruiter_id,
        Checkin.status == CheckinStatus.ACTIVE,
        Checkin.due_at <= now,
        Checkin.claim_token.is_not(None),
    )
    return session.scalar(query) or 0
