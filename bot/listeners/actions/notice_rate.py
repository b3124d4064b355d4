"""A rating chosen under a rejection notice: kept warm with that rating in one click, as the ATS sent it."""

from __future__ import annotations

import re
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.ats_notices import NOTICE_NOT_FOUND, build_notice_answer
from bot.listeners.actions.notice_action import NoticeClick, decide_notice
from bot.listeners.replies import answer_click
from bot.services import services
from models.ats_decisions import keep_notice
from models.ats_intake import entry_for
from models.ats_notice import AtsNotice

VALUE = re.compile(r"[0-9]+:([1-5])")


def handle_notice_rate(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    svc = services(context)
    click = NoticeClick.from_body(body, context)
    rated = VALUE.fullmatch(click.value)
    if rated is None:
        answer_click(respond, build_notice_answer(NOTICE_NOT_FOUND), logger)
        return
    rating = int(rated.group(1))

    def decide(session: Session, notice: AtsNotice, now: datetime) -> None:
        entry = entry_for(notice, rating=rating)
        keep_notice(
            session=session, notice=notice, user_id=click.user_id, entry=entry, policy=svc.settings.policy, now=now
        )

    decide_notice(svc=svc, client=client, click=click, respond=respond, decide=decide, logger=logger)
