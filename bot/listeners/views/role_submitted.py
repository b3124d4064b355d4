"""The role modal was submitted: validate inline, open the role, send its matches where `/role` was typed."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.listeners.commands.role import save_role
from bot.listeners.views.forms import Form, submit_form
from bot.role_input import FIELDS, validate_role

UNAVAILABLE = (
    "Could not open the role just now: Keepwarm's database is not answering. "
    "Nothing was saved; press Open role again in a minute."
)
ACCESS_UNKNOWN = (
    "Could not check that you are one of Keepwarm's recruiters just now. Press Open role again in a minute."
)

ROLE_FORM = Form(
    fields=FIELDS,
    validate=validate_role,
    save=save_role,
    reply=lambda reply: reply,
    access_unknown=ACCESS_UNKNOWN,
    unavailable=UNAVAILABLE,
    saving="open a role",
    answer="the new role's matches",
)


def handle_role_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    submit_form(ROLE_FORM, ack=ack, view=view, client=client, context=context, logger=logger)
