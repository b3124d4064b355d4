"""Snooze 1 week / 1 month: bring the same reminder back later."""

from __future__ import annotations

from datetime import datetime, timedelta
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.reminders import OUTCOME_SNOOZED, ButtonValue
from bot.ids import CHECKIN_SNOOZE_MONTH, CHECKIN_SNOOZE_WEEK
from bot.listeners.actions.checkin_action import Clicked, apply_checkin_action
from bot.services import services
from models import Checkin
from models.checkins import snooze

PERIODS = {CHECKIN_SNOOZE_WEEK: timedelta(weeks=1), CHECKIN_SNOOZE_MONTH: timedelta(days=30)}


def handle_checkin_snooze(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    svc = services(context)
    clicked = Clicked.from_body(body, context)
    action_id = body["actions"][0]["action_id"]
    period = PERIODS[action_id]

    def change(session: Session, checkin: Checkin, value: ButtonValue, now: datetime) -> tuple[str, datetime | None]:
        snooze(
            session=session,
            checkin=checkin,
            reminder_step=value.reminder_step,
            user_id=clicked.user_id,
            period=period,
            now=now,
        )
        return OUTCOME_SNOOZED[action_id], checkin.due_at

    apply_checkin_action(svc=svc, client=client, clicked=clicked, change=change, logger=logger)
