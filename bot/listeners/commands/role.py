"""`/role`: open a role and see the past candidates who fit, open the form, list, close or reopen roles."""

from __future__ import annotations

import json
import re
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import Message
from bot.blocks.rejections import build_unavailable
from bot.blocks.role_modal import build_role_modal
from bot.blocks.roles import (
    build_already_open,
    build_role_closed,
    build_role_list,
    build_role_not_found,
    build_role_opened,
    build_role_reopened,
    build_role_usage,
)
from bot.fields import InputErrors
from bot.listeners.replies import ack_ephemeral, admit_recruiter, ephemeral
from bot.role_input import RoleInput, parse_role_command
from bot.services import Services, services
from jobs.role_alerts import deliver_role_alerts
from models.base import utcnow
from models.matching import find_matches
from models.roles import (
    close_role,
    count_open_roles,
    create_role,
    open_roles,
    queue_role_alerts,
    reopen_role,
    role_finalists,
)

MATCHES = 5
LIST_LIMIT = 25
SUBCOMMANDS = ("list", "close", "reopen")
_ROLE_NUMBER = re.compile(r"#?([0-9]{1,18})")
_ID_MAX = 2**31 - 1  # the largest id the database can hold; anything above is simply not a role
_TITLE_HINT = "To open a role whose title starts with that word, put the title in double quotes."


def handle_role(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger, respond: Respond
) -> None:
    """Route `/role …` by its first word; everything is answered ephemerally."""
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
        ack_ephemeral(ack, build_role_usage())
    elif verb not in SUBCOMMANDS or "=" in text:
        _open_role(ack, svc, team_id, user_id, text, logger)
    elif verb == "list":
        _list(ack, svc, team_id, words[1:], logger)
    elif verb == "close":
        _close(ack, svc, team_id, user_id, words[1:], logger)
    else:
        _reopen(ack, svc, client, team_id, words[1:], logger)


def save_role(*, svc: Services, team_id: str, user_id: str, entry: RoleInput) -> Message:
    """Open the role and find its matches in one transaction; a database error propagates with nothing written.

    Shared by the command and the form, so both answer the same way.
    """
    now = utcnow()
    with svc.sessions.begin() as session:
        role = create_role(
            session=session,
            team_id=team_id,
            opened_by=user_id,
            title=entry.title,
            tags=entry.tags,
            location=entry.location,
            url=entry.url,
            team_name=entry.team,
            now=now,
        )
        matches = find_matches(
            session=session, team_id=team_id, title=role.title, tags=role.tags, limit=MATCHES, role_id=role.id
        )
        return build_role_opened(role, matches, now=now, digest_channel=svc.settings.digest.channel)


def _open_form(ack: Ack, command: dict[str, Any], client: WebClient, logger: Logger, respond: Respond) -> None:
    """Open the modal; the matches will go back through this command's response_url."""
    ack()
    metadata = json.dumps({"response_url": command.get("response_url", "")})
    try:
        client.views_open(trigger_id=command["trigger_id"], view=build_role_modal(metadata))
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not open the role form")
        problem = {"form": "Could not open the form just now; type the role instead."}
        respond(**ephemeral(build_role_usage(problem, refused="No form")))


def _open_role(ack: Ack, svc: Services, team_id: str, user_id: str, text: str, logger: Logger) -> None:
    try:
        entry = parse_role_command(text)
    except InputErrors as error:
        ack_ephemeral(ack, build_role_usage(error.errors))
        return
    try:
        reply = save_role(svc=svc, team_id=team_id, user_id=user_id, entry=entry)
    except SQLAlchemyError:
        logger.exception("could not open a role")
        ack_ephemeral(ack, build_unavailable("open the role"))
        return
    ack_ephemeral(ack, reply)


def _list(ack: Ack, svc: Services, team_id: str, args: list[str], logger: Logger) -> None:
    if args:
        problem = {"list": f"`/role list` takes nothing after it. {_TITLE_HINT}"}
        ack_ephemeral(ack, build_role_usage(problem, refused="Cannot list"))
        return
    try:
        with svc.sessions.begin() as session:
            roles = open_roles(session=session, team_id=team_id, limit=LIST_LIMIT)
            reply = build_role_list(roles, total=count_open_roles(session=session, team_id=team_id))
    except SQLAlchemyError:
        logger.exception("could not list roles")
        ack_ephemeral(ack, build_unavailable("load the open roles"))
        return
    ack_ephemeral(ack, reply)


def _role_number(ack: Ack, verb: str, args: list[str]) -> int | None:
    """The one role number after `close`/`reopen`, or None once the user has been told what is wrong."""
    found = _ROLE_NUMBER.fullmatch(args[0]) if len(args) == 1 else None
    if found is None:
        problem = {
            "id": f"`/role {verb}` takes one role number from `/role list`, e.g. `/role {verb} 12`. {_TITLE_HINT}"
        }
        refused = "Nothing was closed" if verb == "close" else "Nothing was reopened"
        ack_ephemeral(ack, build_role_usage(problem, refused=refused))
        return None
    return int(found[1])


def _close(ack: Ack, svc: Services, team_id: str, user_id: str, args: list[str], logger: Logger) -> None:
    role_id = _role_number(ack, "close", args)
    if role_id is None:
        return
    if role_id > _ID_MAX:
        ack_ephemeral(ack, build_role_not_found(role_id))
        return
    try:
        with svc.sessions.begin() as session:
            change = close_role(session=session, team_id=team_id, role_id=role_id, user_id=user_id, now=utcnow())
            if change.role is None:
                reply = build_role_not_found(role_id)
            else:
                reply = build_role_closed(change.role, changed=change.changed)
    except SQLAlchemyError:
        logger.exception("could not close a role")
        ack_ephemeral(ack, build_unavailable("close the role"))
        return
    ack_ephemeral(ack, reply)


def _reopen(ack: Ack, svc: Services, client: WebClient, team_id: str, args: list[str], logger: Logger) -> None:
    """Reopen, queue one alert per recruiter who owns a finalist, answer, then deliver those inside working hours."""
    role_id = _role_number(ack, "reopen", args)
    if role_id is None:
        return
    if role_id > _ID_MAX:
        ack_ephemeral(ack, build_role_not_found(role_id))
        return
    now = utcnow()
    reopened: int | None = None
    try:
        with svc.sessions.begin() as session:
            change = reopen_role(session=session, team_id=team_id, role_id=role_id, now=now)
            if change.role is None:
                reply = build_role_not_found(role_id)
            elif not change.changed:
                reply = build_already_open(change.role)
            else:
                finalists = role_finalists(session=session, role=change.role)
                queue_role_alerts(session=session, role=change.role, finalists=finalists, now=now)
                reply = build_role_reopened(change.role, finalists, now=now, digest_channel=svc.settings.digest.channel)
                reopened = change.role.id
    except SQLAlchemyError:
        logger.exception("could not reopen a role")
        ack_ephemeral(ack, build_unavailable("reopen the role"))
        return
    ack_ephemeral(ack, reply)
    if reopened is not None:
        try:
            deliver_role_alerts(
                sessions=svc.sessions, client=client, settings=svc.settings, now=utcnow(), role_id=reopened
            )
        except (SQLAlchemyError, SlackClientError, OSError):
            logger.exception("could not deliver the alerts for reopened role %s; the reminder sweep will", role_id)
