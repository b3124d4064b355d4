"""What every check-in button does around its own change: authorise, apply, show the outcome, refresh Home."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.common import escape
from bot.blocks.refusals import CHECKIN_NOT_FOUND, CHECKIN_UNAVAILABLE, checkin_refusal
from bot.blocks.reminders import FALLBACK_CHECKIN, ButtonValue, build_outcome, replace_actions
from bot.home import publish_home, publish_home_unavailable
from bot.listeners.replies import clicked_message
from bot.services import Services
from models import Checkin
from models.base import utcnow
from models.checkins import RefusedCheckin, actionable_checkin


@dataclass(frozen=True)
class Clicked:
    """Who clicked which check-in button, and where the button was (a DM message or the Home tab)."""

    team_id: str
    user_id: str
    value: ButtonValue | None
    channel: str | None
    message_ts: str | None
    blocks: list[dict[str, Any]]
    text: str
    response_url: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any], context: BoltContext) -> Clicked:
        where = clicked_message(body)
        return cls(
            team_id=context.team_id,
            user_id=context.user_id,
            value=ButtonValue.decode(body["actions"][0].get("value", "")),
            channel=where.channel,
            message_ts=where.ts,
            blocks=where.blocks,
            text=where.text or FALLBACK_CHECKIN,
            response_url=body.get("response_url"),
        )


# A change returns the outcome to show ("Reached out") and the next due date, if any.
Change = Callable[[Session, Checkin, ButtonValue, datetime], tuple[str, datetime | None]]


def _actionable(
    session: Session, svc: Services, clicked: Clicked, value: ButtonValue, now: datetime
) -> Checkin | RefusedCheckin:
    return actionable_checkin(
        session=session,
        team_id=clicked.team_id,
        user_id=clicked.user_id,
        is_admin=svc.access.is_admin(clicked.user_id),
        checkin_id=value.checkin_id,
        expected_step=value.expected_step,
        expected_due=datetime.fromtimestamp(value.expected_due, UTC),
        now=now,
    )


def apply_checkin_action(*, svc: Services, client: WebClient, clicked: Clicked, change: Change, logger: Logger) -> None:
    """Apply `change` if this user may and the button is current; otherwise say why, only to them."""
    now = utcnow()
    value = clicked.value
    if value is None:
        tell(clicked, CHECKIN_NOT_FOUND, logger)
        return
    try:
        with svc.sessions.begin() as session:
            checkin = _actionable(session, svc, clicked, value, now)
            outcome = change(session, checkin, value, now) if isinstance(checkin, Checkin) else None
    except SQLAlchemyError:
        logger.exception("could not apply a check-in action")
        tell(clicked, CHECKIN_UNAVAILABLE, logger)
        # A click on the Home tab has no response_url: the tab itself must say so, and without a second wait on the
        # database that just failed, or the answer comes after Slack's three seconds.
        publish_home_unavailable(client=client, user_id=clicked.user_id)
        return
    if isinstance(checkin, RefusedCheckin):
        tell(clicked, checkin_refusal(checkin), logger)
    elif outcome is not None:
        show_outcome(client, clicked, value.checkin_id, *outcome, now=now, logger=logger)
    publish_home(svc=svc, client=client, team_id=clicked.team_id, user_id=clicked.user_id)


def show_outcome(
    client: WebClient,
    clicked: Clicked,
    checkin_id: int,
    outcome: str,
    next_due: datetime | None,
    *,
    now: datetime,
    logger: Logger,
) -> None:
    """Update the DM in place: the check-in's buttons become what was done, by whom, and what comes next."""
    if not (clicked.channel and clicked.message_ts and clicked.blocks):
        return  # a Home tab button: the republished Home shows the outcome
    replacement = build_outcome(outcome, user_id=clicked.user_id, when=now, next_due=next_due)
    try:
        client.chat_update(
            channel=clicked.channel,
            ts=clicked.message_ts,
            text=clicked.text,
            blocks=replace_actions(clicked.blocks, checkin_id, replacement),
        )
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not update the reminder message in place")


def tell(clicked: Clicked, text: str, logger: Logger) -> None:
    """An ephemeral answer to the person who clicked, leaving the message itself alone."""
    tell_url(clicked.response_url, escape(text), logger)


def tell_url(response_url: str | None, text: str, logger: Logger) -> None:
    """An ephemeral mrkdwn answer through a click's response_url (none on the Home tab)."""
    if not response_url:
        return
    try:
        WebhookClient(response_url).send(response_type="ephemeral", replace_original=False, text=text)
    except (SlackClientError, OSError):
        logger.exception("could not answer a click")


def open_checkin_modal(
    *,
    svc: Services,
    client: WebClient,
    clicked: Clicked,
    trigger_id: str,
    build: Callable[[Checkin, ButtonValue, datetime], dict[str, Any]],
    logger: Logger,
) -> None:
    """Open a modal about a check-in this user may act on, or say why not."""
    value = clicked.value
    if value is None:
        tell(clicked, CHECKIN_NOT_FOUND, logger)
        return
    now = utcnow()
    try:
        with svc.sessions.begin() as session:
            checkin = _actionable(session, svc, clicked, value, now)
            view = build(checkin, value, now) if isinstance(checkin, Checkin) else None
    except SQLAlchemyError:
        logger.exception("could not load a check-in")
        tell(clicked, CHECKIN_UNAVAILABLE, logger)
        return
    if isinstance(checkin, RefusedCheckin):
        tell(clicked, checkin_refusal(checkin), logger)
        return
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open a check-in modal")
