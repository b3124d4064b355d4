"""Saving a rejection and building its confirmation: the same unit of work for the command and the form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.blocks.common import Message
from bot.blocks.rejections import build_already_recorded, build_confirmation
from bot.services import Services
from models.audit import RecordedBy, Source
from models.base import utcnow
from models.records import find_repeat, record_rejection
from models.rejection import RejectionInput

# Long enough for Enter pressed twice, or a command sent again because Slack was slow to show the answer; no one
# rejects the same candidate for the same role, stage, rating and note twice within it.
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Saved:
    """The reply, and when the recruiter's time zone was last fetched: read in the same transaction, so the caller
    needs no second one to learn whether the zone wants refreshing."""

    reply: Message
    timezone_checked_at: datetime | None


def save_rejection(*, svc: Services, team_id: str, user_id: str, entry: RejectionInput, source: Source) -> Saved:
    """Record in one transaction, with its audit entry (from the command or the form, as `source` says), and return
    the confirmation; a database error propagates with nothing written.

    The same recruiter sending the same rejection again within REPEAT_WINDOW is a double submit: it is answered as
    such and not recorded twice (a candidate without email or LinkedIn would even be created twice).
    """
    with svc.sessions.begin() as session:
        now = utcnow()
        repeat = find_repeat(session=session, team_id=team_id, user_id=user_id, entry=entry, since=now - REPEAT_WINDOW)
        if repeat is not None:
            return Saved(build_already_recorded(repeat), repeat.recruiter.tz_checked_at)
        rejection = record_rejection(
            session=session,
            team_id=team_id,
            user_id=user_id,
            entry=entry,
            policy=svc.settings.policy,
            now=now,
            recorded_by=RecordedBy(user_id, source),
        )
        return Saved(
            build_confirmation(rejection, svc.settings.policy, svc.settings.retention),
            rejection.recruiter.tz_checked_at,
        )
