"""Handing a recruiter's candidates over, for the admins' picker and `/rejected handover` alike: check with Slack that
the one taking over is a colleague, move everything in one transaction, then tell the new owner once and update the
admins' DMs about the departure."""

from __future__ import annotations

import logging
from typing import NamedTuple

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.handover import (
    build_departure_dm,
    build_inherited_dm,
    moved_line,
    not_a_person,
    refused_line,
    slack_unsure,
)
from bot.services import Services
from models.base import utcnow
from models.handover import Filter, HandedOver, RefusedHandover, dm_entries, hand_over, notices_in_dm

logger = logging.getLogger(__name__)


class Outcome(NamedTuple):
    """Whether anything moved, and what to tell the admin (mrkdwn)."""

    moved: bool
    text: str


def check_person(client: WebClient, *, team_id: str, user_id: str) -> str | None:
    """Why `user_id` cannot take candidates over (mrkdwn), or None when they are an active person of this team."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") == "user_not_found":
            return not_a_person(user_id, "is not a member of this workspace")
        logger.warning("users.info for %s: Slack said %s", user_id, error.response.get("error"))
        return slack_unsure(user_id)
    except (SlackClientError, OSError, KeyError, TypeError):
        logger.exception("could not look up %s", user_id)
        return slack_unsure(user_id)
    if user.get("team_id") not in (None, team_id):
        return not_a_person(user_id, "is not a member of this workspace")
    if user.get("deleted"):
        return not_a_person(user_id, "has left the workspace")
    if user.get("is_bot") or user.get("is_app_user") or user_id == "USLACKBOT":
        return not_a_person(user_id, "is a bot")
    return None


def perform_handover(
    *,
    svc: Services,
    client: WebClient,
    team_id: str,
    admin: str,
    from_user: str,
    to_user: str,
    source: str,
    only: Filter | None = None,
) -> Outcome:
    """Hand over and say what happened. Database errors propagate: nothing was moved."""
    refusal = check_person(client, team_id=team_id, user_id=to_user)
    if refusal is not None:
        return Outcome(False, refusal)
    now = utcnow()
    with svc.sessions.begin() as session:
        done = hand_over(
            session,
            team_id=team_id,
            from_user=from_user,
            to_user=to_user,
            actor=admin,
            source=source,
            now=now,
            only=only,
        )
    if isinstance(done, RefusedHandover):
        return Outcome(False, refused_line(done, from_user=from_user, to_user=to_user))
    logger.info("%s handed %s candidate(s) from %s to %s", admin, done.candidates, from_user, to_user)
    _tell_new_owner(client, done)
    for channel, ts in done.departure_dms:
        update_departure_dm(svc, client, team_id=team_id, channel=channel, ts=ts)
    return Outcome(True, moved_line(done))


def _tell_new_owner(client: WebClient, done: HandedOver) -> None:
    reply = build_inherited_dm(done)
    try:
        client.chat_postMessage(channel=done.to_user, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not tell %s what they now keep warm", done.to_user)


def update_departure_dm(svc: Services, client: WebClient, *, team_id: str, channel: str, ts: str) -> None:
    """Redraw one admin's DM about departures as things stand: who was handed to whom, what still waits."""

    with svc.sessions.begin() as session:
        shown = dm_entries(session, notices_in_dm(session, team_id=team_id, channel=channel, ts=ts), utcnow())
    if not shown:
        return
    reply = build_departure_dm(shown)
    try:
        client.chat_update(channel=channel, ts=ts, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not update the departure DM %s in %s", ts, channel)
