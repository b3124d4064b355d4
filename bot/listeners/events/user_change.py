"""A member's data changed: when a recruiter was deactivated (`deleted: true`), hold what they keep warm for a
handover; when a departed recruiter is reactivated, they have it back and their held check-ins go out again.

Only the envelope's workspace counts: a user object naming another team (a forged or shared-channel event) changes
nothing, nor does a user Keepwarm never knew (they hold nothing).
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from sqlalchemy.exc import SQLAlchemyError

from bot.services import services
from models.base import utcnow
from models.handover import mark_departed, mark_returned


def handle_user_change(event: dict[str, Any], context: BoltContext, logger: Logger) -> None:
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
    try:
        with services(context).sessions.begin() as session:
            if deleted:
                changed = mark_departed(session, team_id=team_id, user_id=user["id"], now=utcnow()) is not None
            else:
                changed = mark_returned(session, team_id=team_id, user_id=user["id"]) is not None
    except SQLAlchemyError:
        logger.exception("could not note that %s %s", user["id"], "left" if deleted else "came back")
        return
    if changed:
        logger.info("%s %s", user["id"], "left: their candidates wait for a handover" if deleted else "came back")
