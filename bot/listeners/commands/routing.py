"""What `/rejected` and `/role` share: only recruiters get in; the command alone opens its form; `help` shows its
usage; a first word naming a subcommand runs it, unless the text has key=value options, which only the main action
takes; anything else is the main action (record a rejection, open a role). Every answer is ephemeral."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from logging import Logger
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.blocks.rejections import build_access_unknown, build_refusal, build_unavailable
from bot.listeners.replies import ack_ephemeral, admit_recruiter, ephemeral
from bot.services import Services, services

T = TypeVar("T")


@dataclass(frozen=True)
class Asked:
    """A recruiter's slash command, as its subcommands need it."""

    ack: Ack
    svc: Services
    client: WebClient
    team_id: str
    user_id: str
    logger: Logger
    trigger_id: str
    respond: Respond

    def answer(self, reply: Message) -> None:
        """Answer in the acknowledgement, only to whoever typed the command."""
        ack_ephemeral(self.ack, reply)

    def open_form(self, view: dict[str, Any], *, unopened: Message, what: str) -> None:
        """Acknowledge, then open a modal; when Slack does not open it, say so where the command was typed. `what`
        names the form in logs."""
        self.ack()
        try:
            self.client.views_open(trigger_id=self.trigger_id, view=view)
        except (SlackApiError, SlackClientError, OSError):
            self.logger.exception("could not open the %s form", what)
            self.respond(**ephemeral(unopened))

    def attempt(self, work: Callable[[], T], *, failing: str) -> T | None:
        """What `work` returns; or None once the person has been told that the database did not answer, so Keepwarm
        could not do what `failing` says (e.g. "load the open roles") and nothing changed."""
        try:
            return work()
        except SQLAlchemyError:
            self.logger.exception("could not %s", failing)
            self.answer(build_unavailable(failing))
            return None

    def answer_from(self, build: Callable[[Session], Message], *, failing: str) -> None:
        """Answer with the reply `build` makes in one transaction (see `attempt` for a database that fails)."""

        def in_one_transaction() -> Message:
            with self.svc.sessions.begin() as session:
                return build(session)

        reply = self.attempt(in_one_transaction, failing=failing)
        if reply is not None:
            self.answer(reply)


@dataclass(frozen=True)
class SlashCommand:
    """What differs between the two commands."""

    name: str  # for logs: "rejection", "role"
    usage: Callable[[], Message]  # the help `help` shows
    modal: Callable[[str], dict[str, Any]]  # the form, given its private_metadata
    form_unopened: Callable[[], Message]  # the answer when Slack does not open the form
    subcommands: Mapping[str, Callable[[Asked, list[str]], None]]  # first word -> run with the words after it
    main: Callable[[Asked, str], None]  # run with the whole text


def route(
    command: SlashCommand,
    *,
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    logger: Logger,
    respond: Respond,
) -> None:
    """Run what the command's text asks for, for a recruiter; tell anyone else why not."""
    svc = services(context)
    asked = Asked(
        ack=ack,
        svc=svc,
        client=client,
        team_id=context.team_id,
        user_id=context.user_id,
        logger=logger,
        trigger_id=body["trigger_id"],
        respond=respond,
    )
    if not admit_recruiter(
        svc, asked.user_id, logger, unknown=build_access_unknown(), refused=build_refusal(), answer=asked.answer
    ):
        return
    text = (body.get("text") or "").strip()
    words = text.split()
    verb = words[0].lower() if words else ""
    if not text:
        metadata = json.dumps({"response_url": body.get("response_url", "")})
        asked.open_form(command.modal(metadata), unopened=command.form_unopened(), what=command.name)
    elif text.lower() == "help":
        asked.answer(command.usage())
    elif verb in command.subcommands and "=" not in text:
        command.subcommands[verb](asked, words[1:])
    else:
        command.main(asked, text)
