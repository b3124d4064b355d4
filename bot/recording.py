"""Saving a rejection and building its confirmation: the same unit of work for the command and the form."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.common import Message
from bot.blocks.rejections import build_already_recorded, build_confirmation
from bot.rejection_input import RejectionInput
from bot.services import Services
from models.base import utcnow
from models.records import find_repeat, record_rejection

# Long enough for Enter pressed twice, or a command sent again because Slack was slow to show the answer; no one
# rejects the same candidate for the same role, stage, rating and note twice within it.
REPEAT_WINDOW = timedelta(minutes=10)


def save_rejection(*, svc: Services, team_id: str, user_id: str, entry: RejectionInput) -> Message:
    """Record in one transaction and return the confirmation; a database error propagates with nothing written.

    The same recruiter sending the same rejection again within REPEAT_WINDOW is a double submit: it is answered as
    such and not recorded twice (a candidate without email or LinkedIn would even be created twice).
    """
    with svc.sessions.begin() as session:
        now = utcnow()
        repeat = find_repeat(session=session, team_id=team_id, user_id=user_id, entry=entry, since=now - REPEAT_WINDOW)
        if repeat is not None:
            return build_already_recorded(repeat)
        rejection = record_rejection(
            session=session, team_id=team_id, user_id=user_id, entry=entry, policy=svc.settings.policy, now=now
        )
        return build_confirmation(rejection, svc.settings.policy)
