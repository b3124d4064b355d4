"""The Settings modal was submitted: only the workspace's admins may save, and every value must pass the same checks
as the environment's (bot.config), its message shown under its field; nothing is saved unless all pass."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.settings import SETTINGS_ADMINS_ONLY, SETTINGS_SAVED
from bot.home import publish_home
from bot.ids import FIELD_ACTION
from bot.services import services
from bot.workspace_settings import ADMINS, NAMES, SettingsRefused, checked
from models.installs import save_overrides, workspace_overrides

logger = logging.getLogger("keepwarm.settings")
COULD_NOT_SAVE = "Keepwarm's database did not answer: nothing was saved. Try again in a minute."


def handle_settings_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    svc = services(context)
    user_id, team_id = context.user_id or "", context.team_id or ""
    if not (svc.settings.multi_workspace and svc.access.is_admin(user_id)):
        ack(response_action="errors", errors={ADMINS: SETTINGS_ADMINS_ONLY})
        return
    values = view.get("state", {}).get("values", {})
    # A field the form did not have (a modal opened before an upgrade added it) keeps its value: see checked().
    submitted = {
        name: str((values[name].get(FIELD_ACTION) or {}).get("value") or "") for name in NAMES if name in values
    }
    try:
        with svc.sessions.begin() as session:
            _, overrides = workspace_overrides(session, team_id)
            admins, changes = checked(svc.settings, submitted, overrides)
            save_overrides(session, team_id=team_id, admins=admins, overrides=changes)
    except SettingsRefused as refusal:
        ack(response_action="errors", errors={refusal.field: str(refusal)})
        return
    except SQLAlchemyError:
        logger.exception("could not save the settings of %s", team_id)
        ack(response_action="errors", errors={ADMINS: COULD_NOT_SAVE})
        return
    ack()
    logger.info("workspace %s: settings changed by %s (%s)", team_id, user_id, ", ".join(sorted(changes)) or "none")
    publish_home(svc=svc, client=client, team_id=team_id, user_id=user_id, outcome=SETTINGS_SAVED)
