"""The "Import past candidates" shortcut: the import form for an admin; for anyone else, why not."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.candidate_import import build_import_admins_only_view, build_import_modal
from bot.services import services


def handle_import_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    """A global shortcut has no channel to answer in, so a refusal is a modal too."""
    ack()
    admin = services(context).access.is_admin(context.user_id)
    if not admin:
        logger.info("refused the import form to %s, who is not an admin", context.user_id)
    view = build_import_modal() if admin else build_import_admins_only_view()
    try:
        client.views_open(trigger_id=shortcut["trigger_id"], view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open the import form for %s", context.user_id)
