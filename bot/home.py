"""Publish a user's Home tab: on app_home_opened, and after every check-in action so it never shows stale buttons."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.access import AccessCheckFailed
from bot.blocks.ats_queue import QUEUE_MAX
from bot.blocks.common import section
from bot.blocks.home import (
    DUE_MAX,
    ERASING_MAX,
    FAILURES_MAX,
    UPCOMING_MAX,
    build_home,
    build_home_unavailable,
    outcome_blocks,
)
from bot.blocks.rejections import build_refusal
from bot.services import Services
from models.ats_queue import waiting_for_recruiter
from models.base import utcnow
from models.checkins import delivery_failures, recruiter_checkins
from models.handover import departures
from models.records import recent_rejections
from models.retention import erasing_soon

UPCOMING_WINDOW = timedelta(days=30)
HOME_REJECTIONS = 10
logger = logging.getLogger(__name__)


def publish_home(*, svc: Services, client: WebClient, team_id: str, user_id: str, outcome: str | None = None) -> None:
    """Draw the tab from the database as it is now; failures are logged, the next opening redraws it. `outcome`
    (mrkdwn, from bot/blocks) heads it when a click on the tab redraws it, saying what the click did.

    A database that does not answer gets a tab saying so: an old tab left in place would look current.
    """
    try:
        view = _home(svc=svc, team_id=team_id, user_id=user_id, outcome=outcome)
    except SQLAlchemyError:
        logger.exception("could not load the Home tab for %s", user_id)
        view = build_home_unavailable()
    except AccessCheckFailed:
        logger.exception("could not check whether %s may see the Home tab", user_id)
        return
    _publish(client, user_id, view)


def publish_home_unavailable(*, client: WebClient, user_id: str) -> None:
    """The database just failed this user: say so on Home at once, rather than wait on the database again."""
    _publish(client, user_id, build_home_unavailable())


def _publish(client: WebClient, user_id: str, view: dict[str, Any]) -> None:
    try:
        client.views_publish(user_id=user_id, view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not publish the Home tab for %s", user_id)


def _home(*, svc: Services, team_id: str, user_id: str, outcome: str | None) -> dict[str, Any]:
    now = utcnow()
    if not svc.access.may_record(user_id):
        return {"type": "home", "blocks": [*outcome_blocks(outcome), section(build_refusal()["text"])]}
    is_admin = svc.access.is_admin(user_id)
    with svc.sessions.begin() as session:
        return build_home(
            rejections=recent_rejections(session=session, team_id=team_id, user_id=user_id, limit=HOME_REJECTIONS),
            checkins=recruiter_checkins(
                session=session,
                team_id=team_id,
                user_id=user_id,
                until=now + UPCOMING_WINDOW,
                limit=DUE_MAX + UPCOMING_MAX,
            ),
            failures=delivery_failures(session=session, team_id=team_id, limit=FAILURES_MAX) if is_admin else (),
            policy=svc.settings.policy,
            now=now,
            is_admin=is_admin,
            queue=waiting_for_recruiter(session=session, team_id=team_id, limit=QUEUE_MAX) if is_admin else None,
            departed=departures(session, team_id=team_id, now=now) if is_admin else (),
            outcome=outcome,
            retention=svc.settings.retention,
            erasing=erasing_soon(
                session, svc.settings.retention, team_id=team_id, user_id=user_id, now=now, limit=ERASING_MAX + 1
            ),
            settings_button=is_admin and svc.settings.multi_workspace,
        )
