"""What every click on an ATS notice does around its own decision: read the notice again, locked; decide it if this
user may and nobody has; show what became of it in the DM; and tell the clicker, only them, when nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.ats_notices import (
    FALLBACK_NOTICE,
    NOTICE_NOT_FOUND,
    NOTICE_UNAVAILABLE,
    build_notice_answer,
    decision_block,
    notice_refusal,
    replace_notice_actions,
)
from bot.blocks.common import Block
from bot.blocks.reminders import parse_id
from bot.ids import notice_block_id
from bot.listeners.replies import answer_click, clicked_message
from bot.services import Services
from models.ats_decisions import RefusedNotice, decidable_notice, first_checkin
from models.ats_notice import AtsNotice
from models.base import utcnow


@dataclass(frozen=True)
class NoticeClick:
    """Who clicked which notice's button or rating, and the DM it was in, as their Slack client showed it."""

    team_id: str
    user_id: str
    value: str  # "<notice id>", or "<notice id>:<rating>" from the rating select
    channel: str | None
    message_ts: str | None
    blocks: list[Block]
    text: str

    @classmethod
    def from_body(cls, body: dict[str, Any], context: BoltContext) -> NoticeClick:
        action = body["actions"][0]
        where = clicked_message(body)
        return cls(
            team_id=context.team_id,
            user_id=context.user_id,
            value=str(action.get("value") or (action.get("selected_option") or {}).get("value") or ""),
            channel=where.channel,
            message_ts=where.ts,
            blocks=where.blocks,
            text=where.text or FALLBACK_NOTICE,
        )

    @property
    def notice_id(self) -> int | None:
        """The notice a button names; None for anything Keepwarm did not draw (values can be forged)."""
        return parse_id(self.value.partition(":")[0])


@dataclass(frozen=True)
class Shown:
    """What a decided notice looks like now, and the DM it was sent in (to update in place)."""

    notice_id: int
    channel: str | None
    ts: str | None
    block: Block


# A decision: change the locked notice as the click asks, in the click's transaction.
Decide = Callable[[Session, AtsNotice, datetime], None]


def shown(session: Session, notice: AtsNotice) -> Shown:
    """The notice as the DM should now show it."""
    block = decision_block(notice, first_checkin=first_checkin(session, notice))
    return Shown(notice.id, notice.channel, notice.ts, block)


def decide_notice(
    *,
    svc: Services,
    client: WebClient,
    click: NoticeClick,
    respond: Respond,
    decide: Decide,
    logger: Logger,
    undo: bool = False,
) -> None:
    """Apply `decide` if this user may and the notice still waits for it; otherwise say why, only to them."""
    notice_id = click.notice_id
    if notice_id is None:
        answer_click(respond, build_notice_answer(NOTICE_NOT_FOUND), logger)
        return
    now = utcnow()
    try:
        with svc.sessions.begin() as session:
            found = decidable_notice(
                session=session,
                team_id=click.team_id,
                user_id=click.user_id,
                is_admin=svc.access.is_admin(click.user_id),
                notice_id=notice_id,
                undo=undo,
            )
            if isinstance(found, AtsNotice):
                decide(session, found, now)
                session.flush()
            notice = found if isinstance(found, AtsNotice) else found.notice
            now_shown = None if notice is None else shown(session, notice)
    except SQLAlchemyError:
        logger.exception("could not decide an ATS notice")
        answer_click(respond, build_notice_answer(NOTICE_UNAVAILABLE), logger)
        return
    if isinstance(found, RefusedNotice):
        answer_click(respond, build_notice_answer(notice_refusal(found)), logger)
    if now_shown is not None:
        show_in_dm(client, now_shown, click=click, logger=logger)


def show_in_dm(client: WebClient, decided: Shown, *, click: NoticeClick | None, logger: Logger) -> None:
    """Update the DM in place: the notice's actions become what became of it. The DM is the notice's own; its
    blocks are the clicked message's when the click came from it, else the message as Slack has it now."""
    channel = decided.channel or (click.channel if click else None)
    ts = decided.ts or (click.message_ts if click else None)
    if not (channel and ts):
        return
    if click is not None and (click.channel, click.message_ts) == (channel, ts) and click.blocks:
        blocks, text = click.blocks, click.text
    else:
        blocks, text = _current_message(client, channel, ts, logger)
    if not any(block.get("block_id") == notice_block_id(decided.notice_id) for block in blocks):
        return  # already shown, or a message Keepwarm cannot read back: nothing to replace
    try:
        client.chat_update(
            channel=channel,
            ts=ts,
            text=text or FALLBACK_NOTICE,
            blocks=replace_notice_actions(blocks, decided.notice_id, decided.block),
        )
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not update the ATS notice message in place")


def _current_message(client: WebClient, channel: str, ts: str, logger: Logger) -> tuple[list[Block], str]:
    """The DM as it is now (other notices in it may have been decided since)."""
    try:
        found = client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not fetch the ATS notice message to update it")
        return [], ""
    messages = found.get("messages") or []
    return (list(messages[0].get("blocks") or []), str(messages[0].get("text") or "")) if messages else ([], "")
