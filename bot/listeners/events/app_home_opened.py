"""Publish the Home tab whenever a recruiter opens it, so it is never stale."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.common import section
from bot.blocks.home import build_home
from bot.blocks.rejections import build_refusal
from bot.services import services
from models.records import recent_rejections

HOME_LIMIT = 20


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger) -> None:
    """Only the Home tab is ours to draw; the Messages tab needs nothing."""
    if event.get("tab") != "home":
        return
    svc = services(context)
    user_id, team_id = event["user"], context.team_id or ""
    try:
        if not svc.access.may_record(user_id):
            view = {"type": "home", "blocks": [section(build_refusal()["text"])]}
        else:
            with svc.sessions.begin() as session:
                view = build_home(
                    recent_rejections(session=session, team_id=team_id, user_id=user_id, limit=HOME_LIMIT)
                )
        client.views_publish(user_id=user_id, view=view)
    except (AccessCheckFailed, SQLAlchemyError, SlackApiError, SlackClientError, OSError):
        logger.exception("could not publish the Home tab for %s", user_id)
