"""Saving a rejection and building its confirmation: the same unit of work for the command and the form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.blocks.common import Message
from bot.blocks.rejections import build_confirmation
from bot.rejection_input import RejectionInput
from bot.services import Services
from models.records import record_rejection


@dataclass(frozen=True)
class Saved:
    """The confirmation, and when the recruiter's time zone was last fetched: read in the same transaction, so the
    caller needs no second one to learn whether the zone wants refreshing."""

    reply: Message
    timezone_checked_at: datetime | None


def save_rejection(*, svc: Services, team_id: str, user_id: str, entry: RejectionInput) -> Saved:
    """Record in one transaction and return the confirmation; a database error propagates with nothing written."""
    with svc.sessions.begin() as session:
        rejection = record_rejection(
            session=session, team_id=team_id, user_id=user_id, entry=entry, policy=svc.settings.policy
        )
        return Saved(build_confirmation(rejection, svc.settings.policy), rejection.recruiter.tz_checked_at)
