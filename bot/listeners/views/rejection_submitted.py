"""The rejection modal was submitted: validate inline, save, confirm where the command was typed."""

from __future__ import annotations

from functools import partial
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.rejection_modal import REJECTION_FORM_ACCESS_UNKNOWN, REJECTION_FORM_UNAVAILABLE
from bot.listeners.views.forms import Form, submit_form
from bot.recording import save_rejection
from bot.rejection_input import FIELDS, validate_rejection
from bot.services import services
from bot.timezones import refresh_timezone, timezone_stale
from models.audit import Source

REJECTION_FORM = Form(
    fields=FIELDS,
    validate=validate_rejection,
    save=partial(save_rejection, source=Source.FORM),
    reply=lambda saved: saved.reply,
    access_unknown=REJECTION_FORM_ACCESS_UNKNOWN,
    unavailable=REJECTION_FORM_UNAVAILABLE,
    saving="save a rejection",
    answer="the saved rejection's confirmation",
)


def handle_rejection_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    saved = submit_form(REJECTION_FORM, ack=ack, view=view, client=client, context=context, logger=logger)
    if saved is not None and timezone_stale(saved.timezone_checked_at):
        refresh_timezone(
            sessions=services(context).sessions, client=client, team_id=context.team_id, user_id=context.user_id
        )
