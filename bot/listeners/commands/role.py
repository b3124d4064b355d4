"""`/role`: open a role and see the past candidates who fit, open the form, list, close or reopen roles."""

from __future__ import annotations

import re
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.blocks.role_modal import build_role_modal
from bot.blocks.roles import (
    COULD_NOT_CLOSE,
    COULD_NOT_LIST,
    COULD_NOT_OPEN,
    COULD_NOT_REOPEN,
    build_already_open,
    build_role_closed,
    build_role_form_unopened,
    build_role_list,
    build_role_list_usage,
    build_role_not_found,
    build_role_number_usage,
    build_role_opened,
    build_role_reopened,
    build_role_usage,
)
from bot.fields import InputErrors
from bot.listeners.commands.routing import Asked, SlashCommand, route
from bot.role_input import RoleInput, parse_role_command
from bot.services import Services
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
_ROLE_NUMBER = re.compile(r"#?([0-9]{1,18})")
_ID_MAX = 2**31 - 1  # the largest id the database can hold; anything above is simply not a role


def handle_role(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger, respond: Respond
) -> None:
    """Route `/role …` by its first word; everything is answered ephemerally."""
    route(ROLE, ack=ack, body=command, client=client, context=context, logger=logger, respond=respond)


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


def _open_role(asked: Asked, text: str) -> None:
    try:
        entry = parse_role_command(text)
    except InputErrors as error:
        asked.answer(build_role_usage(error.errors))
        return
    reply = asked.attempt(
        lambda: save_role(svc=asked.svc, team_id=asked.team_id, user_id=asked.user_id, entry=entry),
        failing=COULD_NOT_OPEN,
    )
    if reply is not None:
        asked.answer(reply)


def _list(asked: Asked, args: list[str]) -> None:
    if args:
        asked.answer(build_role_list_usage())
        return

    def listed(session: Session) -> Message:
        roles = open_roles(session=session, team_id=asked.team_id, limit=LIST_LIMIT)
        return build_role_list(roles, total=count_open_roles(session=session, team_id=asked.team_id))

    asked.answer_from(listed, failing=COULD_NOT_LIST)


def _role_number(asked: Asked, verb: str, args: list[str]) -> int | None:
    """The one role number after `close`/`reopen`, or None once the user has been told what is wrong with it."""
    found = _ROLE_NUMBER.fullmatch(args[0]) if len(args) == 1 else None
    if found is None:
        asked.answer(build_role_number_usage(verb))
        return None
    role_id = int(found[1])
    if role_id > _ID_MAX:
        asked.answer(build_role_not_found(role_id))
        return None
    return role_id


def _close(asked: Asked, args: list[str]) -> None:
    role_id = _role_number(asked, "close", args)
    if role_id is None:
        return

    def closed(session: Session) -> Message:
        change = close_role(
            session=session, team_id=asked.team_id, role_id=role_id, user_id=asked.user_id, now=utcnow()
        )
        if change.role is None:
            return build_role_not_found(role_id)
        return build_role_closed(change.role, changed=change.changed)

    asked.answer_from(closed, failing=COULD_NOT_CLOSE)


def _reopen(asked: Asked, args: list[str]) -> None:
    """Reopen, queue one alert per recruiter who owns a finalist, answer, then deliver those inside working hours."""
    role_id = _role_number(asked, "reopen", args)
    if role_id is None:
        return
    svc = asked.svc
    now = utcnow()

    def reopen() -> tuple[Message, int | None]:
        """The reply, and the role's id when it was closed until now and has alerts to deliver."""
        with svc.sessions.begin() as session:
            change = reopen_role(session=session, team_id=asked.team_id, role_id=role_id, now=now)
            if change.role is None:
                return build_role_not_found(role_id), None
            if not change.changed:
                return build_already_open(change.role), None
            finalists = role_finalists(session=session, role=change.role)
            queue_role_alerts(session=session, role=change.role, finalists=finalists, now=now)
            reply = build_role_reopened(change.role, finalists, now=now, digest_channel=svc.settings.digest.channel)
            return reply, change.role.id

    done = asked.attempt(reopen, failing=COULD_NOT_REOPEN)
    if done is None:
        return
    reply, reopened = done
    asked.answer(reply)
    if reopened is not None:
        try:
            svc.deliver_reopen_alerts(
                sessions=svc.sessions,
                client=asked.client,
                settings=svc.settings,
                now=utcnow(),
                role_id=reopened,
                team_id=asked.team_id if svc.settings.multi_workspace else None,  # its token serves that one only
            )
        except (SQLAlchemyError, SlackClientError, OSError):
            asked.logger.exception(
                "could not deliver the alerts for reopened role %s; the reminder sweep will", role_id
            )


ROLE = SlashCommand(
    name="role",
    usage=build_role_usage,
    modal=build_role_modal,
    form_unopened=build_role_form_unopened,
    subcommands={"list": _list, "close": _close, "reopen": _reopen},
    main=_open_role,
)
