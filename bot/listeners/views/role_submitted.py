"""The role modal was submitted: validate inline, open the role, send its matches where `/role` was typed."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.rejection_modal import submitted_values
from bot.blocks.rejections import build_refusal
from bot.fields import InputErrors
from bot.listeners.commands.role import save_role
from bot.listeners.replies import answer_form
from bot.role_input import FIELDS, validate_role
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
    answer_form(
        client,
        user_id=user_id,
        private_metadata=view.get("private_metadata") or "",
        reply=reply,
        what="the new role's matches",
        logger=logger,
    )
