"""The role modal was submitted: validate inline, open the role, send its matches where `/role` was typed."""

from __future__ import annotations

import json
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.common import Message
from bot.blocks.rejection_modal import submitted_values
from bot.blocks.rejections import build_refusal
from bot.listeners.commands.role import save_role
from bot.listeners.replies import ephemeral
from bot.role_input import FIELDS, InputErrors, validate_role
from bot.services import services

UNAVAILABLE = (
    "Could not open the role just now: Keepwarm's database is not answering. "
    "Nothing was saved; press Open role again in a minute."
)
ACCESS_UNKNOWN = (
    "Could not check that you are one of Keepwarm's recruiters just now. Press Open role again in a minute."
)


def handle_role_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    """Errors go back into the form, next to the field; the form stays open with what was typed."""
    svc = services(context)
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    try:
        allowed = svc.access.may_record(user_id)
    except AccessCheckFailed:
        logger.exception("could not read the recruiters' user group")
        ack(response_action="errors", errors={"title": ACCESS_UNKNOWN})
        return
    if not allowed:
        ack(response_action="errors", errors={"title": build_refusal()["text"]})
        return
    try:
        entry = validate_role(submitted_values(view))
    except InputErrors as error:
        errors = {field if field in FIELDS else "title": problem for field, problem in error.errors.items()}
        ack(response_action="errors", errors=errors)
        return
    try:
        reply = save_role(svc=svc, team_id=team_id, user_id=user_id, entry=entry)
    except SQLAlchemyError:
        logger.exception("could not open a role from the form")
        ack(response_action="errors", errors={"title": UNAVAILABLE})
        return
    ack()
    _answer(client, user_id, view.get("private_metadata") or "", reply, logger)


def _answer(client: WebClient, user_id: str, metadata: str, reply: Message, logger: Logger) -> None:
    """Answer in the conversation where `/role` was typed, or by DM when that is no longer possible."""
    try:
        response_url = json.loads(metadata).get("response_url") if metadata else None
    except (ValueError, AttributeError):
        response_url = None
    if response_url:
        try:
            sent = WebhookClient(response_url).send(**ephemeral(reply))
            if sent.status_code == 200:
                return
            logger.warning("response_url answered %s; sending the role's matches by DM instead", sent.status_code)
        except (SlackClientError, OSError):
            logger.exception("could not answer through response_url; sending the role's matches by DM instead")
    try:
        client.chat_postMessage(channel=user_id, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not send the matches of a new role to %s", user_id)
