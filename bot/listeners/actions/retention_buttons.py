"""The retention warning's buttons: She agreed (also beside a check-in's Done) opens the consent form, Draft a consent
request shows a request to copy, Erase now erases (Slack asked for confirmation first).

Only the candidate's owner (the check-in stream's recruiter, else who rejected them last) or an admin may act, in
their own team; anyone else, and any forged value, is told only that there is no such candidate of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.common import Block, escape
from bot.blocks.retention import (
    ALREADY_CONSENTED,
    CANDIDATE_NOT_FOUND,
    ERASED_TEXT,
    RETENTION_UNAVAILABLE,
    ConsentValue,
    after_click,
    build_consent_draft_modal,
    build_consent_modal,
    consent_metadata,
    outcome_erased,
    short_date,
    without_name,
)
from bot.home import publish_home
from bot.listeners.actions.checkin_action import tell_url
from bot.listeners.replies import clicked_message
from bot.services import Services, services
from models import Candidate
from models.base import utcnow
from models.retention import candidate_to_act_on, erase_now


@dataclass(frozen=True)
class RetentionClick:
    """Who clicked which retention button, and where (a DM message, or the Home tab: no channel)."""

    team_id: str
    user_id: str
    value: ConsentValue | None
    block_id: str
    channel: str | None
    message_ts: str | None
    blocks: list[Block]
    response_url: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any], context: BoltContext) -> RetentionClick:
        action = body["actions"][0]
        where = clicked_message(body)
        return cls(
            team_id=context.team_id,
            user_id=context.user_id,
            value=ConsentValue.decode(str(action.get("value", ""))),
            block_id=str(action.get("block_id", "")),
            channel=where.channel,
            message_ts=where.ts,
            blocks=where.blocks,
            response_url=body.get("response_url"),
        )

    @property
    def on_home(self) -> bool:
        """A click on the Home tab: no message to update, no response_url to answer through."""
        return self.channel is None


def refusal_for(candidate: Candidate | None, value: ConsentValue, *, needs_current: bool) -> str | None:
    """Why the click does nothing, or None: no candidate of theirs, or (for She agreed) consent recorded since."""
    if candidate is None:
        return CANDIDATE_NOT_FOUND
    if needs_current and not value.matches(candidate) and candidate.consent_at is not None:
        on = short_date(candidate.consent_at)
        return ALREADY_CONSENTED.format(name=escape(candidate.name), by=candidate.consent_by, on=on)
    return None


def act(
    svc: Services,
    click: RetentionClick,
    logger: Logger,
    *,
    needs_current: bool,
    then: Callable[[Session, Candidate, datetime], Any],
) -> tuple[Any | None, str | None]:
    """Find the candidate this user may act on and run `then` in the same transaction: what it returned, or why not
    (already told to the clicker in a DM; a Home click has no response_url, so the redrawn tab says it)."""
    value = click.value
    if value is None:
        tell_url(click.response_url, CANDIDATE_NOT_FOUND, logger)
        return None, CANDIDATE_NOT_FOUND
    now = utcnow()
    try:
        with svc.sessions.begin() as session:
            candidate = candidate_to_act_on(
                session,
                team_id=click.team_id,
                user_id=click.user_id,
                is_admin=svc.access.is_admin(click.user_id),
                candidate_id=value.candidate_id,
            )
            refusal = refusal_for(candidate, value, needs_current=needs_current)
            result = then(session, candidate, now) if candidate is not None and refusal is None else None
    except SQLAlchemyError:
        logger.exception("could not act on a retention button")
        tell_url(click.response_url, RETENTION_UNAVAILABLE, logger)
        return None, RETENTION_UNAVAILABLE
    if refusal is not None:
        tell_url(click.response_url, refusal, logger)
    return result, refusal


def handle_consent_agreed(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    """She agreed: ask how, in a small form; recording it is the form's submission (views/consent_submitted.py)."""
    ack()
    click = RetentionClick.from_body(body, context)

    def build(_session: Session, candidate: Candidate, _now: datetime) -> dict[str, Any]:
        metadata = consent_metadata(
            value=ConsentValue.current(candidate),
            channel=click.channel,
            ts=click.message_ts,
            block_id=click.block_id,
            response_url=click.response_url,
        )
        return build_consent_modal(candidate, metadata)

    svc = services(context)
    view, refusal = act(svc, click, logger, needs_current=True, then=build)
    if view is not None:
        open_view(client, body["trigger_id"], view, logger)
    elif click.on_home:
        publish_home(svc=svc, client=client, team_id=click.team_id, user_id=click.user_id, outcome=refusal)


def handle_consent_draft(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    """Draft a consent request: a short, honest message to copy."""
    ack()
    click = RetentionClick.from_body(body, context)
    svc = services(context)
    view, refusal = act(
        svc,
        click,
        logger,
        needs_current=False,
        then=lambda _session, candidate, _now: build_consent_draft_modal(candidate),
    )
    if view is not None:
        open_view(client, body["trigger_id"], view, logger)
    elif click.on_home:
        publish_home(svc=svc, client=client, team_id=click.team_id, user_id=click.user_id, outcome=refusal)


def handle_erase_now(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger) -> None:
    """Erase now, confirmed in Slack's dialog: erase, log it with the clicker, and show it where the button was."""
    ack()
    svc = services(context)
    click = RetentionClick.from_body(body, context)

    def erase(session: Session, candidate: Candidate, now: datetime) -> tuple[int, datetime]:
        erase_now(session, candidate=candidate, user_id=click.user_id, now=now)
        return candidate.id, now

    done, refusal = act(svc, click, logger, needs_current=False, then=erase)
    said = refusal
    if done is not None:
        candidate_id, now = done
        outcome = outcome_erased(user_id=click.user_id, now=now)
        blocks = after_click(click.blocks, click.block_id, outcome)
        update_message(client, click, without_name(blocks, candidate_id), ERASED_TEXT, logger)
        said = outcome["elements"][0]["text"]
    home_outcome = said if click.on_home else None
    publish_home(svc=svc, client=client, team_id=click.team_id, user_id=click.user_id, outcome=home_outcome)


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any], logger: Logger) -> None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open a retention modal")


def update_message(client: WebClient, click: RetentionClick, blocks: list[Block], text: str, logger: Logger) -> None:
    """Show in the DM what was done and by whom; a Home tab click is shown by the republished Home."""
    if not (click.channel and click.message_ts and click.blocks):
        return
    try:
        client.chat_update(channel=click.channel, ts=click.message_ts, text=text, blocks=blocks)
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not update the retention warning in place")
