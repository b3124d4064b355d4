"""The stop modal was submitted: stop the check-ins, and show it where the button was."""

from __future__ import annotations

from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.blocks.checkin_modals import STOP_REASON_MISSING, STOP_REASONS
from bot.blocks.reminders import ButtonValue, outcome_stopped
from bot.ids import FIELD_ACTION, STOP_REASON_BLOCK
from bot.listeners.actions.checkin_action import Clicked, apply_checkin_action
from bot.listeners.replies import form_metadata
from bot.services import services
from models import Checkin, StopReason
from models.checkins import stop


def handle_checkin_stop_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    selected = view["state"]["values"].get(STOP_REASON_BLOCK, {}).get(FIELD_ACTION, {}).get("selected_option")
    reason = (selected or {}).get("value")
    if reason not in STOP_REASONS:
        ack(response_action="errors", errors={STOP_REASON_BLOCK: STOP_REASON_MISSING})
        return
    ack()
    where = form_metadata(view.get("private_metadata"))
    channel, ts = where.get("channel"), where.get("ts")
    blocks, text = current_message(client, channel, ts, logger)
    clicked = Clicked(
        team_id=context.team_id,
        user_id=context.user_id,
        value=ButtonValue.decode(str(where.get("value") or "")),
        channel=channel,
        message_ts=ts,
        blocks=blocks,
        text=text,
        response_url=where.get("response_url"),
    )

    chosen = StopReason(reason)

    def change(session: Session, checkin: Checkin, _value: ButtonValue, now: datetime) -> tuple[str, datetime | None]:
        stop(session=session, checkin=checkin, user_id=clicked.user_id, reason=chosen, note=None, now=now)
        return outcome_stopped(chosen), None

    apply_checkin_action(svc=services(context), client=client, clicked=clicked, change=change, logger=logger)


def current_message(
    client: WebClient, channel: str | None, ts: str | None, logger: Logger
) -> tuple[list[dict[str, Any]], str]:
    """The reminder as it is now (other check-ins in it may have been acted on since the modal opened)."""
    if not (channel and ts):
        return [], ""
    try:
        found = client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not fetch the reminder to update it")
        return [], ""
    messages = found.get("messages") or []
    return (list(messages[0].get("blocks") or []), str(messages[0].get("text") or "")) if messages else ([], "")
