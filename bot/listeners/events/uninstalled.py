"""`app_uninstalled` and `tokens_revoked`: a workspace that removes Keepwarm, or revokes its bot token, gets no more
work at once, and its data is erased after UNINSTALL_GRACE_DAYS (jobs/uninstalls.py) unless it reinstalls.

Bolt runs only the first listener registered for an event, so these handlers do Bolt's own installation-store
clean-up (TokenRevocationListeners) as well as Keepwarm's; Bolt's built-in listeners are never registered.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk.oauth.installation_store import InstallationStore

from bot.services import services
from models.base import utcnow
from models.installs import mark_uninstalled

logger = logging.getLogger("keepwarm.uninstall")


def register_uninstall(app: App) -> None:
    store = app.installation_store
    if store is None:
        app.event("app_uninstalled")(_single_workspace_uninstalled)
        app.event("tokens_revoked")(_single_workspace_revoked)
        return
    revocations = TokenRevocationListeners(store)

    def on_app_uninstalled(context: BoltContext) -> None:
        revocations.handle_app_uninstalled_events(context)
        _stop(context)

    def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        revocations.handle_tokens_revoked_events(event, context)
        if event.get("tokens", {}).get("bot"):
            # Bolt deletes the bot row only, and its authorize reads the installation row: without the bot token
            # Keepwarm can do nothing, so the workspace's installation goes entirely, as on an uninstall.
            _delete_all(store, context)
            _stop(context)

    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)


def _delete_all(store: InstallationStore, context: BoltContext) -> None:
    store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)


def _stop(context: BoltContext) -> None:
    svc = services(context)
    team_id = context.team_id or ""
    with svc.sessions.begin() as session:
        mark_uninstalled(session, team_id=team_id, now=utcnow())
    logger.info(
        "workspace %s removed Keepwarm: its work has stopped, and its data is erased in %s days unless it reinstalls",
        team_id,
        svc.settings.uninstall_grace_days,
    )


def _single_workspace_uninstalled(context: BoltContext) -> None:
    logger.warning("Keepwarm was removed from workspace %s: SLACK_BOT_TOKEN no longer works", context.team_id)


def _single_workspace_revoked(event: dict[str, Any], context: BoltContext) -> None:
    if event.get("tokens", {}).get("bot"):
        logger.warning("workspace %s revoked Keepwarm's bot token: SLACK_BOT_TOKEN no longer works", context.team_id)
