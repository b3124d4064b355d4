""" "I'll reach out" under a match (digest, `/role` replies, reopen DMs): log it once and tell the owner."""

from __future__ import annotations

import re
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.common import Message, escape, message, section
from bot.blocks.refusals import outreach_refusal
from bot.blocks.reminders import parse_id
from bot.listeners.replies import answer_click
from bot.services import services
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


def handle_role_reach_out(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    svc = services(context)
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    try:
        allowed = svc.access.may_record(user_id)
    except AccessCheckFailed:
        logger.warning("could not check whether %s may log outreach", user_id)
        answer_click(respond, _say(CANNOT_CHECK), logger)
        return
    if not allowed:
        logger.info("refused outreach from %s, who is not a recruiter", user_id)
        answer_click(respond, _say(NOT_ALLOWED), logger)
        return
    found = VALUE.fullmatch(str(body["actions"][0].get("value", "")))
    ids = (parse_id(found.group(1)), parse_id(found.group(2))) if found else (None, None)
    role_id, candidate_id = ids
    if role_id is None or candidate_id is None:
        answer_click(respond, _say(FORGED), logger)
        return
    try:
        with svc.sessions.begin() as session:
            outcome = record_outreach(
                session=session,
                team_id=team_id,
                role_id=role_id,
                candidate_id=candidate_id,
                user_id=user_id,
                now=utcnow(),
            )
    except SQLAlchemyError:
        logger.exception("could not log outreach")
        answer_click(respond, _say(UNAVAILABLE), logger)
        return
    if isinstance(outcome, RefusedOutreach):
        answer_click(respond, _say(escape(outreach_refusal(outcome))), logger)
        return
    if not outcome.created:
        answer_click(respond, _say(_already(outcome, user_id)), logger)
        return
    told = _tell_owner(client, outcome, user_id, logger)
    answer_click(respond, _say(_confirmation(outcome, user_id, told=told)), logger)


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


def _say(text: str) -> Message:
    return message(text, [section(text)])
