"""Build the Bolt app; tests and both entry points (HTTP and Socket Mode) share this one factory."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import replace
from logging import Logger
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.access import Access
from bot.config import Settings
from bot.listeners import register_listeners
from bot.services import CONTEXT_KEY, DeliverReopenAlerts, ImportCandidates, Services
from bot.workspace_settings import effective
from models.installs import workspace_admins, workspace_overrides

NOT_INSTALLED = "Keepwarm is not installed in this workspace: ask whoever runs Keepwarm for its install link."


def make_client(settings: Settings) -> WebClient:
    """Every Web API call goes to SLACK_API_URL, so tests and private Slack hosts can point it elsewhere.

    A 429 is retried once after its Retry-After; 5xx and connection errors are not retried blindly, because a
    repeated chat.postMessage could post twice (the sweep settles those itself).
    """
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def create_app(
    settings: Settings,
    *,
    sessions: sessionmaker[Session],
    deliver_reopen_alerts: DeliverReopenAlerts,
    import_candidates: ImportCandidates,
    client: WebClient | None = None,
    oauth_flow: OAuthFlow | None = None,
) -> App:
    """The Bolt app with every listener bound; with one bot token it checks the token with auth.test as it starts.

    With `oauth_flow` (multi-workspace mode) every request is authorised with its own workspace's token from the
    flow's installation store, and a request from a workspace without an installation is refused before any
    listener runs.
    """
    client = client or make_client(settings)
    if oauth_flow is None:
        forget_blank_oauth_credentials()
    # bot.web checks every HTTP request's signature before Bolt sees it (Socket Mode needs none), so Bolt need not.
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=False,
        oauth_flow=oauth_flow,
        # Given to the app too, Bolt builds its authorize on the app's client, so a token refreshed during a request
        # is refreshed at SLACK_API_URL; the flow's own authorize would call slack.com whatever SLACK_API_URL says.
        installation_store=None if oauth_flow is None else oauth_flow.settings.installation_store,
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    deps = Services(
        settings=settings,
        sessions=sessions,
        access=Access(settings, client),
        deliver_reopen_alerts=deliver_reopen_alerts,
        import_candidates=import_candidates,
    )

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], Any]) -> Any:
        context[CONTEXT_KEY] = deps if oauth_flow is None else for_workspace(deps, context)
        return next()

    @app.error
    def log_unexpected(error: Exception, body: dict[str, Any], logger: Logger) -> None:
        """Anything a handler did not expect is logged with an id that can be quoted in a bug report."""
        logger.exception("unexpected error %s handling a %s request", uuid.uuid4().hex[:8], body.get("type", "command"))

    register_listeners(app)
    return app


def forget_blank_oauth_credentials() -> None:
    """Bolt 1.30 switches to its OAuth flow with file stores whenever SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in
    the environment, even empty (as .env.example leaves them): the single-workspace app then refuses every request as
    not installed. Keepwarm read them already (bot.config), so blank ones are taken out of Bolt's sight."""
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        if not os.environ.get(name, "x").strip():
            del os.environ[name]


def for_workspace(deps: Services, context: BoltContext) -> Services:
    """Multi-workspace mode: the request's workspace's settings and admins, Slack asked with its own token.

    A database that does not answer here leaves the environment's settings and asks for the admins again when
    needed: the handler then meets the database itself and says so as it always does."""
    team_id = context.team_id or ""
    try:
        with deps.sessions() as session:
            admins, overrides = workspace_overrides(session, team_id)
    except SQLAlchemyError:

        def admins_later() -> frozenset[str]:
            with deps.sessions() as session:
                return workspace_admins(session, team_id)

        return replace(deps, access=Access(deps.settings, context.client, admins=admins_later))
    settings = effective(deps.settings, admins, overrides)
    return replace(deps, settings=settings, access=Access(settings, context.client))
