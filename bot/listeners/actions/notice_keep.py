"""Keep warm: the rejection form opens, filled in with what the ATS sent; saving it (views/notice_kept.py) keeps it."""

from __future__ import annotations

import json
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.ats_notices import (
    NOTICE_NOT_FOUND,
    NOTICE_UNAVAILABLE,
    build_keep_modal,
    build_notice_answer,
    notice_refusal,
)
from bot.listeners.actions.notice_action import NoticeClick, show_in_dm, shown
from bot.listeners.replies import answer_click
from bot.services import services
from models.ats_decisions import RefusedNotice, decidable_notice


def handle_notice_keep(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, logger: Logger
) -> None:
    ack()
    svc = services(context)
    click = NoticeClick.from_body(body, context)
    notice_id = click.notice_id
    if notice_id is None:
        answer_click(respond, build_notice_answer(NOTICE_NOT_FOUND), logger)
        return
    # The submission answers where the button was, and updates the DM the notice was sent in.
    metadata = json.dumps({"notice": notice_id, "response_url": body.get("response_url")})
    try:
        with svc.sessions.begin() as session:
            found = decidable_notice(
                session=session,
                team_id=click.team_id,
                user_id=click.user_id,
                is_admin=svc.access.is_admin(click.user_id),
                notice_id=notice_id,
            )
            if isinstance(found, RefusedNotice):
                decided = None if found.notice is None else shown(session, found.notice)
            else:
                view = build_keep_modal(found, metadata)
    except SQLAlchemyError:
        logger.exception("could not load an ATS notice")
        answer_click(respond, build_notice_answer(NOTICE_UNAVAILABLE), logger)
        return
    if isinstance(found, RefusedNotice):
        answer_click(respond, build_notice_answer(notice_refusal(found)), logger)
        if decided is not None:
            show_in_dm(client, decided, click=click, logger=logger)
        return
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open the Keep warm form")
