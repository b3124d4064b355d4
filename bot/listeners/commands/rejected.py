"""`/rejected`: record a rejection, open the form, list recent ones, erase, export or opt out a candidate (or opt them
in), or (admins) import past candidates from a CSV, read the audit log, or hand a recruiter's candidates over."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.candidate_import import (
    build_import_form_unopened,
    build_import_modal,
    build_import_refused,
    build_import_usage,
)
from bot.blocks.common import Message
from bot.blocks.exports import (
    COULD_NOT_EXPORT,
    EXPORT_ONE_EMAIL,
    build_export_not_found,
    build_export_sending,
    build_export_usage,
)
from bot.blocks.handover import COULD_NOT_HAND_OVER, HANDOVER_ADMINS_ONLY, build_handover_usage
from bot.blocks.rejection_modal import build_rejection_modal
from bot.blocks.rejections import (
    COULD_NOT_ERASE,
    COULD_NOT_LIST,
    COULD_NOT_SAVE,
    LIST_ALL_ADMINS_ONLY,
    LIST_ONLY_ALL,
    build_forget_usage,
    build_forgotten,
    build_form_unopened,
    build_list,
    build_list_usage,
    build_not_found,
    build_usage,
)
from bot.candidate_export import Export, read_export, run_export
from bot.command_text import unescape
from bot.fields import InputErrors
from bot.handover import perform_handover
from bot.handover_input import HandoverInputError, parse_handover
from bot.listeners.commands.audit import audit_command
from bot.listeners.commands.opt_out import opt_in_command, opt_out_command
from bot.listeners.commands.routing import Asked, SlashCommand, route
from bot.listeners.replies import one_section
from bot.recording import save_rejection
from bot.rejection_input import clean_email, parse_rejection_command
from bot.timezones import refresh_timezone, timezone_stale
from models.audit import Source
from models.records import forget_candidate, recent_rejections

LIST_LIMIT = 10


def handle_rejected(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger, respond: Respond
) -> None:
    """Route `/rejected …` by its first word; everything is answered ephemerally."""
    route(REJECTED, ack=ack, body=command, client=client, context=context, logger=logger, respond=respond)


def _record(asked: Asked, text: str) -> None:
    try:
        entry = parse_rejection_command(text)
    except InputErrors as error:
        asked.answer(build_usage(error.errors))
        return
    saved = asked.attempt(
        lambda: save_rejection(
            svc=asked.svc, team_id=asked.team_id, user_id=asked.user_id, entry=entry, source=Source.COMMAND
        ),
        failing=COULD_NOT_SAVE,
    )
    if saved is None:
        return
    asked.answer(saved.reply)
    if timezone_stale(saved.timezone_checked_at):
        refresh_timezone(sessions=asked.svc.sessions, client=asked.client, team_id=asked.team_id, user_id=asked.user_id)


def _list(asked: Asked, args: list[str]) -> None:
    """`list` shows your own; `list all` shows the team's, for admins only."""
    whole_team = [a.lower() for a in args] == ["all"]
    if args and not whole_team:
        asked.answer(build_list_usage(LIST_ONLY_ALL))
        return
    if whole_team and not asked.svc.access.is_admin(asked.user_id):
        asked.answer(build_list_usage(LIST_ALL_ADMINS_ONLY))
        return

    def listed(session: Session) -> Message:
        rejections = recent_rejections(
            session=session, team_id=asked.team_id, user_id=None if whole_team else asked.user_id, limit=LIST_LIMIT
        )
        return build_list(rejections, whole_team=whole_team, retention=asked.svc.settings.retention)

    asked.answer_from(listed, failing=COULD_NOT_LIST)


def _forget(asked: Asked, args: list[str]) -> None:
    """Erase a candidate by email: the candidate's right to be forgotten."""
    try:
        email = clean_email(unescape(args[0]) if len(args) == 1 else "")
    except InputErrors as error:
        asked.answer(build_forget_usage(error.errors))
        return

    def erased(session: Session) -> Message:
        is_admin = asked.svc.access.is_admin(asked.user_id)
        candidate = forget_candidate(
            session=session, team_id=asked.team_id, email=email, user_id=asked.user_id, is_admin=is_admin
        )
        return build_not_found(email) if candidate is None else build_forgotten(email, len(candidate.rejections))

    asked.answer_from(erased, failing=COULD_NOT_ERASE)


def _export(asked: Asked, args: list[str]) -> None:
    """Send everything Keepwarm holds about a candidate to the asker, as a JSON file in a DM: a subject access
    request. Read and checked now; uploaded after the answer (bot/candidate_export.py)."""
    raw = unescape(args[0]).strip() if len(args) == 1 else ""
    try:
        if not raw:
            raise InputErrors({"email": EXPORT_ONE_EMAIL})
        email = clean_email(raw)
    except InputErrors as error:
        asked.answer(build_export_usage(error.errors))
        return

    def read() -> Export | Message:
        with asked.svc.sessions.begin() as session:
            is_admin = asked.svc.access.is_admin(asked.user_id)
            found = read_export(session, team_id=asked.team_id, user_id=asked.user_id, email=email, is_admin=is_admin)
            return build_export_not_found(email) if found is None else found

    outcome = asked.attempt(read, failing=COULD_NOT_EXPORT)
    if outcome is None:
        return  # the database did not answer, and the asker was told
    if not isinstance(outcome, Export):
        asked.answer(outcome)
        return
    asked.answer(build_export_sending(email))
    asked.svc.exports.submit(
        run_export, outcome, svc=asked.svc, client=asked.client, respond=asked.respond, logger=asked.logger
    )


def _handover(asked: Asked, args: list[str]) -> None:
    """Move what one recruiter keeps warm to another, all of it or filtered: admins only, at any time."""
    if not asked.svc.access.is_admin(asked.user_id):
        asked.logger.info("refused a handover to %s, who is not an admin", asked.user_id)
        asked.answer(one_section(HANDOVER_ADMINS_ONLY))
        return
    try:
        wanted = parse_handover(" ".join(args))
    except HandoverInputError as error:
        asked.answer(build_handover_usage(error.message))
        return
    if wanted.from_user == wanted.to_user:
        asked.answer(one_section(f"<@{wanted.from_user}> already keeps them warm: name someone else. Nothing changed."))
        return
    outcome = asked.attempt(
        lambda: perform_handover(
            svc=asked.svc,
            client=asked.client,
            team_id=asked.team_id,
            admin=asked.user_id,
            from_user=wanted.from_user,
            to_user=wanted.to_user,
            source="command",
            only=wanted.only,
        ),
        failing=COULD_NOT_HAND_OVER,
    )
    if outcome is not None:
        asked.answer(one_section(outcome.text))


def _import(asked: Asked, args: list[str]) -> None:
    """Open the import form, for admins only; the form says the rest."""
    if args:
        asked.answer(build_import_usage())
    elif not asked.svc.access.is_admin(asked.user_id):
        asked.logger.info("refused the import form to %s, who is not an admin", asked.user_id)
        asked.answer(build_import_refused())
    else:
        asked.open_form(build_import_modal(), unopened=build_import_form_unopened(), what="import")


REJECTED = SlashCommand(
    name="rejection",
    usage=build_usage,
    modal=build_rejection_modal,
    form_unopened=build_form_unopened,
    subcommands={
        "list": _list,
        "forget": _forget,
        "export": _export,
        "import": _import,
        "handover": _handover,
        "optout": opt_out_command,
        "optin": opt_in_command,
        "audit": audit_command,
    },
    main=_record,
)
