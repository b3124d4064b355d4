""" "Show names" under a digest role: the matching candidates, shown only to a recruiter of the same workspace."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.common import Message, escape, message, section
from bot.blocks.digest import TOP_MATCHES, build_reveal
from bot.blocks.reminders import parse_id
from bot.listeners.replies import answer_click
from bot.services import services
from models import Role, RoleStatus
from models.base import utcnow
from models.matching import find_matches

CANNOT_CHECK = (
    "Keepwarm cannot check right now whether you are a recruiter (Slack did not answer about the recruiter group), "
    "so no names are shown. Try again in a minute."
)
NOT_ALLOWED = "Only recruiters can see the candidates behind a role. Ask a Keepwarm admin to add you."
NOT_FOUND = "That role does not exist in this workspace: there are no names to show."
UNAVAILABLE = "Keepwarm's database is not answering, so no names can be shown just now. Try again in a minute."


def handle_digest_reveal(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    svc = services(context)
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    try:
        allowed = svc.access.may_record(user_id)
    except AccessCheckFailed:
        logger.warning("could not check whether %s may see a digest's names", user_id)
        answer_click(respond, _say(CANNOT_CHECK), logger)
        return
    if not allowed:
        logger.info("refused a digest's names to %s, who is not a recruiter", user_id)
        answer_click(respond, _say(NOT_ALLOWED), logger)
        return
    role_id = parse_id(str(body["actions"][0].get("value", "")))
    now = utcnow()
    try:
        with svc.sessions.begin() as session:
            role = None
            if role_id is not None:
                role = session.scalars(select(Role).where(Role.id == role_id, Role.team_id == team_id)).one_or_none()
            if role is None:
                reply = _say(NOT_FOUND)
            elif role.status != RoleStatus.OPEN:
                reply = _say(f"{escape(role.title)} (#{role.id}) is closed: there is no one to reach out to about it.")
            else:
                matches = find_matches(
                    session=session,
                    team_id=team_id,
                    title=role.title,
                    tags=role.tags,
                    limit=TOP_MATCHES,
                    role_id=role.id,
                )
                reply = build_reveal(role, matches, now=now)
    except SQLAlchemyError:
        logger.exception("could not load a digest role's matches")
        reply = _say(UNAVAILABLE)
    answer_click(respond, reply, logger)


def _say(text: str) -> Message:
    return message(text, [section(text)])
