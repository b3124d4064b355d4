"""An admin clicks Settings on the App Home tab (multi-workspace mode): open the modal with the values in force."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.settings import SETTINGS_ADMINS_ONLY, build_settings_modal
from bot.home import publish_home
from bot.services import services
from bot.workspace_settings import current_values, secrets_set
from models.installs import workspace_overrides


def handle_settings_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    svc = services(context)
    user_id, team_id = context.user_id or "", context.team_id or ""
    if not (svc.settings.multi_workspace and svc.access.is_admin(user_id)):
        publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id, outcome=SETTINGS_ADMINS_ONLY)
        return
    try:
        with svc.sessions() as session:
            admins, overrides = workspace_overrides(session, team_id)
    except SQLAlchemyError:
        logger.exception("could not load the settings of %s", team_id)
        publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id)
        return
    base = svc.settings
    view = build_settings_modal(current_values(base, admins, overrides), secrets_set(base, overrides))
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open the settings of %s", team_id)
