"""Publish the Home tab whenever a recruiter opens it, so it is never stale."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.home import publish_home
from bot.services import services


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Only the Home tab is ours to draw; the Messages tab needs nothing."""
    if event.get("tab") == "home":
        publish_home(svc=services(context), client=client, team_id=context.team_id or "", user_id=event["user"])
