"""Not this one: the ATS's rejection is not kept, and the notice says so."""

from __future__ import annotations

from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.listeners.actions.notice_action import NoticeClick, decide_notice
from bot.services import services
from models.ats_intake import dismiss
from models.ats_notice import AtsNotice


def handle_notice_dismiss(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    click = NoticeClick.from_body(body, context)

    def decide(_session: Session, notice: AtsNotice, now: datetime) -> None:
        dismiss(notice, user_id=click.user_id, now=now)

    decide_notice(svc=services(context), client=client, click=click, respond=respond, decide=decide, logger=logger)
