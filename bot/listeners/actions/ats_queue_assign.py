"""An admin picks the recruiter of an ATS rejection nobody in Slack matched, from the queue on their Home tab.

The notice becomes that recruiter's, and the notice sweep DMs it to them. A click on the Home tab has no
response_url and no channel, so whatever the click did, or why it did nothing, heads the clicker's redrawn tab,
which only they see.
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.ats_queue import (
    ASSIGN_ADMINS_ONLY,
    ASSIGN_CHOOSE,
    ASSIGN_NOT_FOUND,
    assign_refused,
    assigned,
    cannot_check,
    not_a_recruiter,
)
from bot.blocks.reminders import parse_id
from bot.config import USER_ID
from bot.home import publish_home, publish_home_unavailable
from bot.ids import ATS_QUEUE_BLOCK
from bot.services import Services, services
from models.ats_queue import RefusedAssignment, assign_recruiter

USER_ID_MAX = 32  # the recruiters table's column


def handle_ats_queue_assign(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    svc = services(context)
    user_id, team_id = context.user_id, context.team_id
    outcome = _assign(svc, team_id=team_id, user_id=user_id, action=body["actions"][0], logger=logger)
    if outcome is None:
        publish_home_unavailable(client=client, user_id=user_id)
    else:
        publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id, outcome=outcome)


def _assign(svc: Services, *, team_id: str, user_id: str, action: dict[str, Any], logger: Logger) -> str | None:
    """What to tell the clicker; None when the database did not answer."""
    if not svc.access.is_admin(user_id):
        logger.warning("refused an ATS queue assignment from %s, who is not an admin", user_id)
        return ASSIGN_ADMINS_ONLY
    block_id = str(action.get("block_id", ""))
    notice_id = parse_id(block_id.removeprefix(ATS_QUEUE_BLOCK)) if block_id.startswith(ATS_QUEUE_BLOCK) else None
    if notice_id is None:
        return ASSIGN_NOT_FOUND  # not a block Keepwarm drew: it names no rejection there is
    chosen = str(action.get("selected_user") or "")
    if not (USER_ID.match(chosen) and len(chosen) <= USER_ID_MAX):
        return ASSIGN_CHOOSE
    try:
        if not svc.access.may_record(chosen):
            return not_a_recruiter(chosen)
    except AccessCheckFailed:
        logger.exception("could not read the recruiters' user group to assign an ATS rejection to %s", chosen)
        return cannot_check(chosen)
    try:
        with svc.sessions.begin() as session:
            notice = assign_recruiter(session=session, team_id=team_id, notice_id=notice_id, user_id=chosen)
            if isinstance(notice, RefusedAssignment):
                return assign_refused(notice)
            logger.info("%s assigned ATS notice %s to %s", user_id, notice_id, chosen)
            return assigned(notice, chosen)
    except SQLAlchemyError:
        logger.exception("could not assign an ATS rejection")
        return None
