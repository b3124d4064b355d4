"""`/rejected`: record a rejection, open the form, list recent ones, or erase a candidate."""

from __future__ import annotations

import json
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.rejection_modal import build_rejection_modal
from bot.blocks.rejections import (
    build_forgotten,
    build_list,
    build_not_found,
    build_unavailable,
    build_usage,
)
from bot.command_text import unescape
from bot.fields import InputErrors
from bot.listeners.replies import ack_ephemeral, admit_recruiter, ephemeral
from bot.recording import save_rejection
from bot.rejection_input import clean_email, parse_rejection_command
from bot.services import Services, services
from bot.timezones import refresh_timezone, timezone_stale
from models.records import forget_candidate, recent_rejections

LIST_LIMIT = 10


def handle_rejected(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger, respond: Respond
) -> None:
    """Route `/rejected …` by its first word; everything is answered ephemerally."""
    svc = services(context)
    user_id, team_id = command["user_id"], command["team_id"]
    if not admit_recruiter(ack, svc, user_id, logger):
        return

    text = (command.get("text") or "").strip()
    words = text.split()
    verb = words[0].lower() if words else ""
    if not text:
        _open_form(ack, command, client, logger, respond)
    elif text.lower() == "help":
        ack_ephemeral(ack, build_usage())
    elif verb == "list" and "=" not in text:
        _list(ack, svc, team_id, user_id, words[1:], logger)
    elif verb == "forget" and "=" not in text:
        _forget(ack, svc, team_id, user_id, words[1:], logger)
    else:
        _record(ack, svc, client, team_id, user_id, text, logger)


def _open_form(ack: Ack, command: dict[str, Any], client: WebClient, logger: Logger, respond: Respond) -> None:
    """Open the modal; the confirmation will go back through this command's response_url."""
    ack()
    metadata = json.dumps({"response_url": command.get("response_url", "")})
    try:
        client.views_open(trigger_id=command["trigger_id"], view=build_rejection_modal(metadata))
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open the rejection form")
        problem = {"form": "Could not open the form just now; type the details instead."}
        respond(**ephemeral(build_usage(problem, refused="No form")))


def _record(ack: Ack, svc: Services, client: WebClient, team_id: str, user_id: str, text: str, logger: Logger) -> None:
    try:
        entry = parse_rejection_command(text)
    except InputErrors as error:
        ack_ephemeral(ack, build_usage(error.errors))
        return
    try:
        saved = save_rejection(svc=svc, team_id=team_id, user_id=user_id, entry=entry)
    except SQLAlchemyError:
        logger.exception("could not save a rejection")
        ack_ephemeral(ack, build_unavailable("save the rejection"))
        return
    ack_ephemeral(ack, saved.reply)
    if timezone_stale(saved.timezone_checked_at):
        refresh_timezone(sessions=svc.sessions, client=client, team_id=team_id, user_id=user_id)


def _list(ack: Ack, svc: Services, team_id: str, user_id: str, args: list[str], logger: Logger) -> None:
    """`list` shows your own; `list all` shows the team's, for admins only."""
    whole_team = [a.lower() for a in args] == ["all"]
    if args and not whole_team:
        ack_ephemeral(
            ack,
            build_usage(
                {"list": "Use `/rejected list`, or `/rejected list all` if you are an admin."}, refused="Cannot list"
            ),
        )
        return
    if whole_team and not svc.access.is_admin(user_id):
        ack_ephemeral(
            ack,
            build_usage({"list": "Only Keepwarm admins can list the whole team's rejections."}, refused="Cannot list"),
        )
        return
    try:
        with svc.sessions.begin() as session:
            rejections = recent_rejections(
                session=session, team_id=team_id, user_id=None if whole_team else user_id, limit=LIST_LIMIT
            )
            reply = build_list(rejections, whole_team=whole_team)
    except SQLAlchemyError:
        logger.exception("could not list rejections")
        ack_ephemeral(ack, build_unavailable("load your rejections"))
        return
    ack_ephemeral(ack, reply)


def _forget(ack: Ack, svc: Services, team_id: str, user_id: str, args: list[str], logger: Logger) -> None:
    """Erase a candidate by email: the candidate's right to be forgotten."""
    try:
        email = clean_email(unescape(args[0]) if len(args) == 1 else "")
    except InputErrors as error:
        ack_ephemeral(ack, build_usage(error.errors, refused="Nothing was erased"))
        return
    try:
        with svc.sessions.begin() as session:
            candidate = forget_candidate(
                session=session, team_id=team_id, email=email, user_id=user_id, is_admin=svc.access.is_admin(user_id)
            )
            reply = build_not_found(email) if candidate is None else build_forgotten(email, len(candidate.rejections))
    except SQLAlchemyError:
        logger.exception("could not erase a candidate")
        ack_ephemeral(ack, build_unavailable("erase the candidate"))
        return
    ack_ephemeral(ack, reply)
