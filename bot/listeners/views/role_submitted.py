"""The role modal was submitted: validate inline, open the role, send its matches where `/role` was typed."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.role_modal import ROLE_FORM_ACCESS_UNKNOWN, ROLE_FORM_UNAVAILABLE
from bot.listeners.commands.role import save_role
from bot.listeners.views.forms import Form, submit_form
from bot.role_input import FIELDS, validate_role

ROLE_FORM = Form(
    fields=FIELDS,
    validate=validate_role,
    save=save_role,
    reply=lambda reply: reply,
    access_unknown=ROLE_FORM_ACCESS_UNKNOWN,
    unavailable=ROLE_FORM_UNAVAILABLE,
    saving="open a role",
    answer="the new role's matches",
)


def handle_role_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    submit_form(ROLE_FORM, ack=ack, view=view, client=client, context=context, logger=logger)
