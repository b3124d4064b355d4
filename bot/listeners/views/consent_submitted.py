"""The consent form was submitted: record when, by whom and how the candidate agreed, and show it where the button
was (the warning's buttons become what was done; under a check-in, She agreed goes and the outcome follows)."""

from __future__ import annotations

from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.retention import (
    FALLBACK_CONSENT,
    HOW_MAX,
    HOW_MISSING,
    HOW_TOO_LONG,
    ConsentValue,
    after_click,
    outcome_consented,
)
from bot.home import publish_home
from bot.ids import CONSENT_HOW_BLOCK, FIELD_ACTION
from bot.listeners.actions.retention_buttons import RetentionClick, act, update_message
from bot.listeners.replies import form_metadata
from bot.listeners.views.checkin_stop_submitted import current_message
from bot.services import services
from models import Candidate
from models.retention import expires_at, record_consent


def handle_consent_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    raw = view["state"]["values"].get(CONSENT_HOW_BLOCK, {}).get(FIELD_ACTION, {}).get("value")
    how = " ".join(str(raw or "").split())
    if not how:
        ack(response_action="errors", errors={CONSENT_HOW_BLOCK: HOW_MISSING})
        return
    if len(how) > HOW_MAX:
        ack(response_action="errors", errors={CONSENT_HOW_BLOCK: HOW_TOO_LONG})
        return
    ack()
    svc = services(context)
    where = form_metadata(view.get("private_metadata"))
    channel, ts = where.get("channel"), where.get("ts")
    blocks, text = current_message(client, channel, ts, logger)
    click = RetentionClick(
        team_id=context.team_id,
        user_id=context.user_id,
        value=ConsentValue.decode(str(where.get("value") or "")),
        block_id=str(where.get("block_id") or ""),
        channel=channel,
        message_ts=ts,
        blocks=blocks,
        response_url=where.get("response_url"),
    )

    def record(session: Session, candidate: Candidate, now: datetime) -> tuple[datetime, datetime | None]:
        record_consent(session, candidate=candidate, user_id=click.user_id, how=how, source="button", now=now)
        return now, expires_at(candidate, svc.settings.retention)

    done, said = act(svc, click, logger, needs_current=True, then=record)
    if done is not None:
        now, until = done
        outcome = outcome_consented(user_id=click.user_id, how=how, until=until, now=now)
        blocks = after_click(click.blocks, click.block_id, outcome)
        update_message(client, click, blocks, text or FALLBACK_CONSENT, logger)
        said = outcome["elements"][0]["text"]
    # Opened from the Home tab: no message to update nor response_url to answer through; the redrawn tab says it.
    home_outcome = said if click.on_home and click.response_url is None else None
    publish_home(svc=svc, client=client, team_id=click.team_id, user_id=click.user_id, outcome=home_outcome)
