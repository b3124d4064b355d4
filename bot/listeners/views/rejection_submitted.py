"""The rejection modal was submitted: validate inline, save, confirm where the command was typed."""

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
from bot.listeners.replies import ephemeral
from bot.recording import save_rejection
from bot.rejection_input import FIELDS, InputErrors, validate_rejection
from bot.services import services
from bot.timezones import refresh_timezone

UNAVAILABLE = (
    "Could not save just now: Keepwarm's database is not answering. Nothing was saved; press Save again in a minute."
)
ACCESS_UNKNOWN = "Could not check that you are one of Keepwarm's recruiters just now. Press Save again in a minute."


def handle_rejection_submitted(
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
        ack(response_action="errors", errors={"name": ACCESS_UNKNOWN})
        return
    if not allowed:
        ack(response_action="errors", errors={"name": build_refusal()["text"]})
        return
    try:
        entry = validate_rejection(submitted_values(view))
    except InputErrors as error:
        errors = {field if field in FIELDS else "name": problem for field, problem in error.errors.items()}
        ack(response_action="errors", errors=errors)
        return
    try:
        reply = save_rejection(svc=svc, team_id=team_id, user_id=user_id, entry=entry)
    except SQLAlchemyError:
        logger.exception("could not save a rejection from the form")
        ack(response_action="errors", errors={"name": UNAVAILABLE})
        return
    ack()
    _confirm(client, user_id, view.get("private_metadata") or "", reply, logger)
    refresh_timezone(sessions=svc.sessions, client=client, team_id=team_id, user_id=user_id)


def _confirm(client: WebClient, user_id: str, metadata: str, reply: Message, logger: Logger) -> None:
    """Answer in the conversation where `/rejected` was typed, or by DM when that is no longer possible."""
    try:
        response_url = json.loads(metadata).get("response_url") if metadata else None
    except (ValueError, AttributeError):
        response_url = None
    if response_url:
        try:
            sent = WebhookClient(response_url).send(**ephemeral(reply))
            if sent.status_code == 200:
                return
            logger.warning("response_url answered %s; confirming by DM instead", sent.status_code)
        except (SlackClientError, OSError):
            logger.exception("could not confirm through response_url; confirming by DM instead")
    try:
        client.chat_postMessage(channel=user_id, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not confirm a saved rejection to %s", user_id)
