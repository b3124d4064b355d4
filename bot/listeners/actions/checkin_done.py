"""Done, I reached out: log the touchpoint and count the next check-in from today."""

from __future__ import annotations

from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.reminders import OUTCOME_REACHED_OUT, ButtonValue
from bot.listeners.actions.checkin_action import Clicked, apply_checkin_action
from bot.services import services
from models import Checkin
from models.checkins import reached_out


def handle_checkin_done(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    svc = services(context)
    clicked = Clicked.from_body(body, context)

    def change(session: Session, checkin: Checkin, value: ButtonValue, now: datetime) -> tuple[str, datetime | None]:
        reached_out(
            session=session,
            checkin=checkin,
            reminder_step=value.reminder_step,
            user_id=clicked.user_id,
            policy=svc.settings.policy,
            now=now,
        )
        return OUTCOME_REACHED_OUT, checkin.due_at

    apply_checkin_action(svc=svc, client=client, clicked=clicked, change=change, logger=logger)
