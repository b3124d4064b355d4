"""Which workspaces the clock works for, each with its own token: the bot token's one workspace, or in
multi-workspace mode every installed workspace, its token refreshed first when token rotation is on and it is
about to expire (Bolt refreshes tokens only while handling a request from Slack; the clock handles none)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import make_client
from bot.config import Settings
from bot.oauth import installation_store
from bot.workspace_settings import effective
from jobs.workspace import WorkspaceUnknown, check_team
from models.db import one_line
from models.workspace import Workspace

# Refresh a rotating token this long before it expires, as Bolt does for requests: a sweep never starts with a token
# that could expire while it runs.
REFRESH_MINUTES = 120
T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkspaceClient:
    """One workspace's share of a run: its team id (None for the single workspace of SLACK_BOT_TOKEN), a client
    with its token, and the settings to run with (in multi-workspace mode, the workspace's own admins)."""

    team_id: str | None
    client: WebClient
    settings: Settings


def workspaces(
    settings: Settings,
    sessions: sessionmaker[Session],
    client: WebClient | None = None,
    teams: Collection[str] | None = None,
) -> Iterator[WorkspaceClient]:
    """The single workspace (with `client`, if given), or each installed one (of `teams`, if given) whose token could
    be had; one whose could not is logged and skipped, so it never keeps the others waiting."""
    oauth = settings.oauth
    if oauth is None:
        yield WorkspaceClient(None, client or make_client(settings), settings)
        return
    engine: Engine = sessions.kw["bind"]
    store = installation_store(oauth, engine)
    refresher = WebClient(base_url=settings.slack_api_url)
    rotator = TokenRotator(client_id=oauth.client_id, client_secret=oauth.client_secret, client=refresher)
    with sessions() as session:
        installed = session.scalars(select(Workspace).where(Workspace.uninstalled_at.is_(None))).all()
        own = {
            workspace.team_id: effective(settings, workspace.admins, workspace.overrides)
            for workspace in installed
            if teams is None or workspace.team_id in teams
        }
    for team_id in sorted(own):
        try:
            installation = store.find_installation(enterprise_id=None, team_id=team_id)
            if installation is None or installation.bot_token is None:
                logger.warning("workspace %s has no installation: skipped until it reinstalls Keepwarm", team_id)
                continue
            refreshed = rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=REFRESH_MINUTES
            )
            if refreshed is not None:
                store.save(refreshed)
                installation = refreshed
                logger.info("workspace %s: bot token refreshed", team_id)
        except (SlackApiError, SlackClientError, OSError, SQLAlchemyError) as error:
            logger.warning("workspace %s skipped this run: its token could not be had (%s)", team_id, one_line(error))
            continue
        client_of_team = WebClient(token=installation.bot_token, base_url=settings.slack_api_url)
        yield WorkspaceClient(team_id, client_of_team, own[team_id])


def for_each_workspace(
    settings: Settings,
    sessions: sessionmaker[Session],
    run: Callable[[WorkspaceClient], T],
    *,
    what: str,
    client: WebClient | None = None,
    teams: Collection[str] | None = None,
) -> list[T]:
    """`run` once per workspace (in multi-workspace mode, of `teams` if given). In multi-workspace mode one
    workspace's failure is logged and the others go on; a database that does not answer stops the run, as it stops
    every workspace alike."""
    results: list[T] = []
    for workspace in workspaces(settings, sessions, client, teams):
        if workspace.team_id is None:
            results.append(run(workspace))
            continue
        try:
            results.append(run(workspace))
        except SQLAlchemyError:
            raise
        except Exception:
            logger.exception("%s failed for workspace %s; the other workspaces go on", what, workspace.team_id)
    return results


def one_workspace(settings: Settings, sessions: sessionmaker[Session], team_id: str | None) -> WorkspaceClient:
    """The installed workspace a one-off import names with --team (multi-workspace mode), with its token."""
    if team_id is None:
        raise WorkspaceUnknown("in multi-workspace mode, pass --team T… to name the installed workspace")
    found = next((w for w in workspaces(settings, sessions) if w.team_id == check_team(team_id)), None)
    if found is None:
        raise WorkspaceUnknown(f"workspace {team_id} has not installed Keepwarm, or its token could not be had")
    return found
