""" "I'll reach out" under a match (digest, `/role` replies, reopen DMs): log it once and tell the owner."""

from __future__ import annotations

import re
from logging import Logger

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import Message, escape
from bot.blocks.refusals import outreach_refusal
from bot.blocks.reminders import parse_id
from bot.blocks.roles import (
    REACH_OUT_CANNOT_CHECK,
    REACH_OUT_FORGED,
    REACH_OUT_NOT_ALLOWED,
    REACH_OUT_UNAVAILABLE,
    reach_out_already,
    reach_out_confirmation,
    reach_out_owner_note,
)
from bot.listeners.actions.match_click import MatchClick, match_click_listener
from bot.listeners.replies import one_section
from models.base import utcnow
from models.outreach import Outreach, RefusedOutreach, record_outreach

VALUE = re.compile(r"([0-9]+):([0-9]+)")


def _reach_out(click: MatchClick) -> Message:
    found = VALUE.fullmatch(click.value)
    role_id, candidate_id = (parse_id(found.group(1)), parse_id(found.group(2))) if found else (None, None)
    if role_id is None or candidate_id is None:
        return one_section(REACH_OUT_FORGED)
    try:
        with click.svc.sessions.begin() as session:
            outcome = record_outreach(
                session=session,
                team_id=click.team_id,
                role_id=role_id,
                candidate_id=candidate_id,
                user_id=click.user_id,
                now=utcnow(),
            )
    except SQLAlchemyError:
        click.logger.exception("could not log outreach")
        return one_section(REACH_OUT_UNAVAILABLE)
    if isinstance(outcome, RefusedOutreach):
        return one_section(escape(outreach_refusal(outcome)))
    if not outcome.created:
        return one_section(reach_out_already(outcome, click.user_id))
    told = _tell_owner(click.client, outcome, click.user_id, click.logger)
    return one_section(reach_out_confirmation(outcome, click.user_id, told=told))


def _tell_owner(client: WebClient, outcome: Outreach, user_id: str, logger: Logger) -> bool:
    """DM the owner of the relationship, unless they clicked themselves; False when the DM could not be sent."""
    owner = outcome.owner_user_id
    if owner is None or owner == user_id:
        return True
    try:
        client.chat_postMessage(channel=owner, text=reach_out_owner_note(outcome, user_id))
    except (SlackClientError, OSError, ValueError):
        logger.exception("could not tell %s about outreach to their candidate", owner)
        return False
    return True


handle_role_reach_out = match_click_listener(
    cannot_check=REACH_OUT_CANNOT_CHECK, not_allowed=REACH_OUT_NOT_ALLOWED, work=_reach_out
)
