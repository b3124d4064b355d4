"""An admin picks who takes over a departed recruiter's candidates, in the DM about the departure or on Home.

On Home the outcome heads the clicker's redrawn tab (a Home click has no response_url); in the DM the message itself
is redrawn to say who handed over to whom, and a refusal is answered only to the clicker.
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.handover import HANDOVER_ADMINS_ONLY, HANDOVER_CHOOSE, HANDOVER_GONE, HANDOVER_UNAVAILABLE
from bot.blocks.reminders import parse_id
from bot.config import USER_ID
from bot.handover import Outcome, perform_handover, update_departure_dm
from bot.home import publish_home, publish_home_unavailable
from bot.ids import HANDOVER_BLOCK
from bot.listeners.replies import answer_click, one_section
from bot.services import Services, services
from models.handover import recruiter_of

USER_ID_MAX = 32  # the recruiters table's column


def handle_handover_pick(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger, respond: Respond
) -> None:
    ack()
    svc = services(context)
    user_id, team_id = context.user_id, context.team_id
    outcome = _pick(svc, client, team_id=team_id, user_id=user_id, action=body["actions"][0], logger=logger)
    container = body.get("container") or {}
    if container.get("type") == "view":
        if outcome is None:
            publish_home_unavailable(client=client, user_id=user_id)
        else:
            publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id, outcome=outcome.text)
        return
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if outcome is not None and outcome.moved:
        return  # the admins' DMs about the departure, this one among them, now say who took over
    answer_click(respond, one_section(outcome.text if outcome else HANDOVER_UNAVAILABLE), logger)
    if channel and ts and svc.access.is_admin(user_id):
        try:
            update_departure_dm(svc, client, team_id=team_id, channel=str(channel), ts=str(ts))
        except SQLAlchemyError:
            logger.exception("could not redraw a departure DM")


def _pick(
    svc: Services, client: WebClient, *, team_id: str, user_id: str, action: dict[str, Any], logger: Logger
) -> Outcome | None:
    """What to tell the clicker; None when the database did not answer."""
    if not svc.access.is_admin(user_id):
        logger.warning("refused a handover from %s, who is not an admin", user_id)
        return Outcome(False, HANDOVER_ADMINS_ONLY)
    block_id = str(action.get("block_id", ""))
    recruiter_id = parse_id(block_id.removeprefix(HANDOVER_BLOCK)) if block_id.startswith(HANDOVER_BLOCK) else None
    chosen = str(action.get("selected_user") or "")
    if not (USER_ID.match(chosen) and len(chosen) <= USER_ID_MAX):
        return Outcome(False, HANDOVER_CHOOSE)
    try:
        with svc.sessions.begin() as session:
            recruiter = (
                None if recruiter_id is None else recruiter_of(session, team_id=team_id, recruiter_id=recruiter_id)
            )
            from_user = None if recruiter is None else recruiter.user_id
        if from_user is None:
            return Outcome(False, HANDOVER_GONE)  # not a block Keepwarm drew for this team: it names no recruiter here
        return perform_handover(
            svc=svc, client=client, team_id=team_id, admin=user_id, from_user=from_user, to_user=chosen, source="button"
        )
    except SQLAlchemyError:
        logger.exception("could not hand over")
        return None
