"""Multi-workspace mode: Slack's OAuth install (`GET /slack/install`, `GET /slack/oauth_redirect`) with slack_sdk's
SQLAlchemy installation and state stores on Keepwarm's own database.

Bolt 1.30 falls back to a file-based installation store and state store whenever SLACK_CLIENT_ID and
SLACK_CLIENT_SECRET are in the environment and no store is given, so both stores are always passed here. The pages
are Keepwarm's own, with nothing fetched from elsewhere (Bolt's install page loads Slack's button image from the
internet, and its success page jumps straight to the slack:// scheme).
"""

from __future__ import annotations

import html
import logging
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import yaml
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.state_utils import OAuthStateUtils
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import OAuthApp, Settings
from models.db import make_session_factory, one_line
from models.installs import record_install

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
STATE_SECONDS = 600  # how long an install may take between the install page and Slack's redirect back
logger = logging.getLogger("keepwarm.oauth")


@cache
def manifest_scopes() -> tuple[str, ...]:
    """The bot scopes manifest.yml asks for: one list for the manifest and the install, so they cannot differ."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return tuple(manifest["oauth_config"]["scopes"]["bot"])


def authorize_url(api_url: str) -> str:
    """Slack's authorize page beside its Web API (https://slack.com/oauth/v2/authorize for https://slack.com/api/),
    so SLACK_API_URL points the install at the same Slack as every API call."""
    return urljoin(api_url, "../oauth/v2/authorize")


def installation_store(oauth: OAuthApp, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=oauth.client_id, engine=engine, logger=logger)


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=logger)


def make_oauth_flow(settings: Settings, *, engine: Engine, client: WebClient) -> OAuthFlow:
    """Bolt's OAuth flow for settings.oauth, storing in `engine`'s database, calling Slack through `client`."""
    oauth = settings.oauth
    if oauth is None:
        raise ValueError("make_oauth_flow needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    sessions = make_session_factory(engine)
    oauth_settings = OAuthSettings(
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=list(manifest_scopes()),
        user_scopes=[],
        redirect_uri=oauth.redirect_uri,
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=installation_store(oauth, engine),
        state_store=state_store(engine),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(success=_installed_page, failure=_failed_page),
        logger=logger,
    )
    return KeepwarmOAuthFlow(client=client, settings=oauth_settings, logger=logger, sessions=sessions)


class KeepwarmOAuthFlow(OAuthFlow):
    """Bolt's flow, with Keepwarm's install page, and the workspace recorded (its installer its first admin) in the
    same request that stores the installation."""

    def __init__(
        self, *, client: WebClient, settings: OAuthSettings, logger: logging.Logger, sessions: sessionmaker[Session]
    ) -> None:
        super().__init__(client=client, settings=settings, logger=logger)
        self.sessions = sessions

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return _page(
            "Add Keepwarm to Slack",
            "<p>Keepwarm reminds your recruiters to reconnect with the strong candidates they turned down.</p>"
            f'<p><a class="button" href="{html.escape(url)}">Add to Slack</a></p>',
        )

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        try:
            super().store_installation(request, installation)
            with self.sessions.begin() as session:
                record_install(session, team_id=str(installation.team_id), installer=installation.user_id)
        except SQLAlchemyError as error:
            raise BoltError(f"could not store the installation: {one_line(error)}") from error
        logger.info("installed in workspace %s", installation.team_id)


def _installed_page(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    team = html.escape(installation.team_name or installation.team_id or "your workspace")
    app_link = f"slack://app?team={installation.team_id}&id={installation.app_id}"
    body = _page(
        "Keepwarm is installed",
        f"<p>Keepwarm is installed in <strong>{team}</strong>. Its Home tab in Slack shows where to start; the "
        "workspace's first installer is its admin and finds Settings there.</p>"
        f'<p><a href="{html.escape(app_link)}">Open Keepwarm in Slack</a></p>',
    )
    headers = {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": _state_utils().build_set_cookie_for_deletion()}
    return BoltResponse(status=200, headers=headers, body=body)


FAILURES = {
    "invalid_browser": "this browser did not start the install (its cookie is missing): start again from the page",
    "invalid_state": "this install link was already used or has expired: start again from the page",
    "access_denied": "the install was cancelled in Slack",
    "missing_code": "Slack sent no authorisation code",
    "invalid_code": "Slack did not accept the authorisation code",
    "storage_error": "the installation could not be saved; try again in a moment",
}


def _failed_page(args: FailureArgs) -> BoltResponse:
    reason = FAILURES.get(args.reason, args.reason)
    logger.warning("an install failed: %s", args.reason)
    body = _page(
        "Keepwarm was not installed",
        f"<p>Keepwarm was not installed: {html.escape(reason)}.</p>"
        f'<p><a href="{html.escape(args.settings.install_path)}">Start again</a></p>',
    )
    headers = {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": _state_utils().build_set_cookie_for_deletion()}
    return BoltResponse(status=args.suggested_status_code, headers=headers, body=body)


def _state_utils() -> OAuthStateUtils:
    return OAuthStateUtils(expiration_seconds=STATE_SECONDS)


def _page(title: str, content: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;text-align:center;padding:2em}}"
        ".button{display:inline-block;padding:.6em 1.2em;border-radius:6px;background:#4a154b;color:#fff;"
        f"text-decoration:none;font-weight:bold}}</style></head><body><h1>{html.escape(title)}</h1>{content}"
        "</body></html>"
    )
