"""An admin asks Keepwarm to try a refused delivery again, after fixing its cause."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.reminders import parse_id
from bot.home import publish_home
from bot.services import services
from models.checkins import retry_delivery


def handle_retry_delivery(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    svc = services(context)
    user_id, team_id = context.user_id, context.team_id
    raw = str(body["actions"][0].get("value", ""))
    if not svc.access.is_admin(user_id):
        logger.warning("refused a delivery retry from %s, who is not an admin", user_id)
        return
    if not (raw.isascii() and raw.isdigit()):
        return  # not a value Keepwarm drew: nothing to do, nothing to redraw
    checkin_id = parse_id(raw)  # None past the database's range: it matches nothing, like an id already retried
    if checkin_id is not None:
        try:
            with svc.sessions.begin() as session:
                retry_delivery(session=session, team_id=team_id, checkin_id=checkin_id)
        except SQLAlchemyError:
            logger.exception("could not reset a delivery failure")
            return
    publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id)
