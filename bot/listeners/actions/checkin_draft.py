"""Draft a message: a short, personal note the recruiter copies into email or LinkedIn."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.checkin_modals import build_draft_modal
from bot.listeners.actions.checkin_action import Clicked, open_checkin_modal
from bot.services import services


def handle_checkin_draft(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    open_checkin_modal(
        svc=services(context),
        client=client,
        clicked=Clicked.from_body(body, context),
        trigger_id=body["trigger_id"],
        build=lambda checkin, value, now: build_draft_modal(checkin, value.reminder_step, now),
        logger=logger,
    )
