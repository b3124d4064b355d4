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
from bot.listeners.actions.match_click import MatchClick, match_click_listener
from bot.listeners.replies import one_section
from models.base import utcnow
from models.outreach import Outreach, RefusedOutreach, record_outreach

VALUE = re.compile(r"([0-9]+):([0-9]+)")
CANNOT_CHECK = (
    "Keepwarm cannot check right now whether you are a recruiter (Slack did not answer about the recruiter group), "
    "so nothing was logged. Try again in a minute."
)
NOT_ALLOWED = "Only recruiters can log outreach to a candidate. Ask a Keepwarm admin to add you."
FORGED = "That button is not one Keepwarm drew: nothing was logged."
UNAVAILABLE = "Keepwarm's database is not answering, so nothing was logged. Try again in a minute."


def _reach_out(click: MatchClick) -> Message:
    found = VALUE.fullmatch(click.value)
    role_id, candidate_id = (parse_id(found.group(1)), parse_id(found.group(2))) if found else (None, None)
    if role_id is None or candidate_id is None:
        return one_section(FORGED)
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
        return one_section(UNAVAILABLE)
    if isinstance(outcome, RefusedOutreach):
        return one_section(escape(outreach_refusal(outcome)))
    if not outcome.created:
        return one_section(_already(outcome, click.user_id))
    told = _tell_owner(click.client, outcome, click.user_id, click.logger)
    return one_section(_confirmation(outcome, click.user_id, told=told))


def _tell_owner(client: WebClient, outcome: Outreach, user_id: str, logger: Logger) -> bool:
    """DM the owner of the relationship, unless they clicked themselves; False when the DM could not be sent."""
    owner = outcome.owner_user_id
    if owner is None or owner == user_id:
        return True
    text = f"<@{user_id}> will reach out to {escape(outcome.candidate_name)} about {escape(outcome.role_title)}."
    try:
        client.chat_postMessage(channel=owner, text=text)
    except (SlackClientError, OSError, ValueError):
        logger.exception("could not tell %s about outreach to their candidate", owner)
        return False
    return True


def _confirmation(outcome: Outreach, user_id: str, *, told: bool) -> str:
    what = f"you'll reach out to *{escape(outcome.candidate_name)}* about *{escape(outcome.role_title)}*"
    owner = outcome.owner_user_id
    if owner is None or owner == user_id:
        return f"Noted: {what}."
    if told:
        return f"Noted: {what}. <@{owner}>, who owns the relationship, has been told."
    return f"Noted: {what}. Keepwarm could not DM <@{owner}>, who owns the relationship: please let them know."


def _already(outcome: Outreach, user_id: str) -> str:
    who = (
        "You already said you'd" if outcome.row.user_id == user_id else f"<@{outcome.row.user_id}> already said they'd"
    )
    return (
        f"{who} reach out to *{escape(outcome.candidate_name)}* about "
        f"*{escape(outcome.role_title)}* on {outcome.row.at:%d %b %Y}. Nothing changed."
    )


handle_role_reach_out = match_click_listener(cannot_check=CANNOT_CHECK, not_allowed=NOT_ALLOWED, work=_reach_out)
