""" "Show names" under a digest role: the matching candidates, shown only to a recruiter of the same workspace, each
one logged as viewed by them in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import Message
from bot.blocks.digest import (
    REVEAL_CANNOT_CHECK,
    REVEAL_NOT_ALLOWED,
    REVEAL_NOT_FOUND,
    REVEAL_UNAVAILABLE,
    TOP_MATCHES,
    build_reveal,
    reveal_closed,
)
from bot.blocks.reminders import parse_id
from bot.listeners.actions.match_click import MatchClick, match_click_listener
from bot.listeners.replies import one_section
from models import Candidate, Role, RoleStatus
from models.audit import Act, Source, log_act
from models.base import utcnow
from models.matching import find_matches


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
                return one_section(REVEAL_NOT_FOUND)
            if role.status != RoleStatus.OPEN:
                return one_section(reveal_closed(role))
            matches = find_matches(
                session=session,
                team_id=click.team_id,
                title=role.title,
                tags=role.tags,
                limit=TOP_MATCHES,
                role_id=role.id,
            )
            shown = [match.candidate_id for match in matches[:TOP_MATCHES]]
            detail = f"Show names: {role.title}"
            for candidate in session.scalars(select(Candidate).where(Candidate.id.in_(shown)).order_by(Candidate.id)):
                log_act(
                    session,
                    act=Act.VIEWED,
                    actor=click.user_id,
                    source=Source.BUTTON,
                    candidate=candidate,
                    detail=detail,
                    at=now,
                )
            return build_reveal(role, matches, now=now)
    except SQLAlchemyError:
        click.logger.exception("could not load a digest role's matches")
        return one_section(REVEAL_UNAVAILABLE)


handle_digest_reveal = match_click_listener(
    cannot_check=REVEAL_CANNOT_CHECK, not_allowed=REVEAL_NOT_ALLOWED, work=_reveal
)
