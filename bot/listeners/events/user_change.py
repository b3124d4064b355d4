"""A member's data changed: when a recruiter was deactivated (`deleted: true`), hold what they keep warm for a
handover; when a departed recruiter is reactivated, they have it back, their held check-ins go out again, and the
admins' DMs about their departure say they are back instead of offering a handover.

Only the envelope's workspace counts: a user object naming another team (a forged or shared-channel event) changes
nothing, nor does a user Keepwarm never knew (they hold nothing).
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.handover import update_departure_dm
from bot.services import services
from models.base import utcnow
from models.handover import mark_departed, mark_returned, sent_departure_dms


def handle_user_change(event: dict[str, Any], context: BoltContext, client: WebClient, logger: Logger) -> None:
    user = event.get("user")
    team_id = context.team_id
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not team_id:
        return
    if user.get("team_id") not in (None, team_id):
        logger.warning("ignored a user_change for %s of another team (%s)", user["id"], user.get("team_id"))
        return
    deleted = user.get("deleted")
    if not isinstance(deleted, bool):
        return
    svc = services(context)
    dms: list[tuple[str, str]] = []
    try:
        with svc.sessions.begin() as session:
            if deleted:
                changed = mark_departed(session, team_id=team_id, user_id=user["id"], now=utcnow()) is not None
            else:
                returned = mark_returned(session, team_id=team_id, user_id=user["id"])
                changed = returned is not None
                dms = [] if returned is None else sent_departure_dms(session, returned.id)
    except SQLAlchemyError:
        logger.exception("could not note that %s %s", user["id"], "left" if deleted else "came back")
        return
    if changed:
        logger.info("%s %s", user["id"], "left: their candidates wait for a handover" if deleted else "came back")
    for channel, ts in dms:
        update_departure_dm(svc, client, team_id=team_id, channel=channel, ts=ts)
