""" "Show names" under a digest role: the matching candidates, shown only to a recruiter of the same workspace."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import Message, escape
from bot.blocks.digest import TOP_MATCHES, build_reveal
from bot.blocks.reminders import parse_id
from bot.listeners.actions.match_click import MatchClick, match_click_listener
from bot.listeners.replies import one_section
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


def _reveal(click: MatchClick) -> Message:
    role_id = parse_id(click.value)
    now = utcnow()
    try:
        with click.svc.sessions.begin() as session:
            role = None
            if role_id is not None:
                role = session.scalars(
                    select(Role).where(Role.id == role_id, Role.team_id == click.team_id)
                ).one_or_none()
            if role is None:
                return one_section(NOT_FOUND)
            if role.status != RoleStatus.OPEN:
                return one_section(
                    f"{escape(role.title)} (#{role.id}) is closed: there is no one to reach out to about it."
                )
            matches = find_matches(
                session=session,
                team_id=click.team_id,
                title=role.title,
                tags=role.tags,
                limit=TOP_MATCHES,
                role_id=role.id,
            )
            return build_reveal(role, matches, now=now)
    except SQLAlchemyError:
        click.logger.exception("could not load a digest role's matches")
        return one_section(UNAVAILABLE)


handle_digest_reveal = match_click_listener(cannot_check=CANNOT_CHECK, not_allowed=NOT_ALLOWED, work=_reveal)
