"""Undo, under a rejection kept without asking: as if it had never been recorded, check-ins and all."""

from __future__ import annotations

from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.listeners.actions.notice_action import NoticeClick, decide_notice
from bot.services import services
from models.ats_intake import undo
from models.ats_notice import AtsNotice


def handle_notice_undo(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    svc = services(context)
    click = NoticeClick.from_body(body, context)

    def decide(session: Session, notice: AtsNotice, now: datetime) -> None:
        undo(session, notice=notice, user_id=click.user_id, policy=svc.settings.policy, now=now)

    decide_notice(svc=svc, client=client, click=click, respond=respond, decide=decide, logger=logger, undo=True)
