"""What the rejection and role forms do on Save: let only recruiters through, check every field, save, and answer
where the command was typed. Problems go back into the form, next to their field, and the form stays open with what
was typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from logging import Logger
from typing import Any, Generic, TypeVar

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import Message
from bot.blocks.rejection_modal import submitted_values
from bot.blocks.rejections import build_refusal
from bot.fields import InputErrors
from bot.listeners.replies import admit_recruiter, answer_form
from bot.services import services

Entry = TypeVar("Entry")  # the cleaned input, e.g. a RejectionInput
Saved = TypeVar("Saved")  # what saving it returns, the reply among it


@dataclass(frozen=True)
class Form(Generic[Entry, Saved]):
    """What differs between two forms: their fields, how they are checked and saved, and their words."""

    fields: tuple[str, ...]  # the block ids; a problem with anything else is shown on the first
    validate: Callable[[Mapping[str, str | None]], Entry]  # raises InputErrors
    save: Callable[..., Saved]  # save(svc=, team_id=, user_id=, entry=), in one transaction
    reply: Callable[[Saved], Message]
    access_unknown: str  # when Slack cannot say who the recruiters are
    unavailable: str  # when the database does not answer
    saving: str  # for logs: "save a rejection"
    answer: str  # for logs: "the saved rejection's confirmation"


def submit_form(
    form: Form[Entry, Saved], *, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> Saved | None:
    """Save the form for the person who submitted it; what was saved, or None when the form was sent back."""
    svc, team_id, user_id = services(context), context.team_id, context.user_id
    first = form.fields[0]
    if not admit_recruiter(
        svc,
        user_id,
        logger,
        unknown=form.access_unknown,
        refused=build_refusal()["text"],
        answer=lambda problem: ack(response_action="errors", errors={first: problem}),
    ):
        return None
    try:
        entry = form.validate(submitted_values(view))
    except InputErrors as error:
        errors = {field if field in form.fields else first: problem for field, problem in error.errors.items()}
        ack(response_action="errors", errors=errors)
        return None
    try:
        saved = form.save(svc=svc, team_id=team_id, user_id=user_id, entry=entry)
    except SQLAlchemyError:
        logger.exception("could not %s from the form", form.saving)
        ack(response_action="errors", errors={first: form.unavailable})
        return None
    ack()
    answer_form(
        client,
        user_id=user_id,
        private_metadata=view.get("private_metadata") or "",
        reply=form.reply(saved),
        what=form.answer,
        logger=logger,
    )
    return saved
