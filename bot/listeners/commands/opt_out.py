"""`/rejected optout <email>` and `/rejected optin <email>`: the candidate asked not to be contacted, or changed their
mind. The same people may as may erase them (their owner or an admin), and the refusal reveals as little."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.blocks.opt_out import (
    COULD_NOT_OPT_IN,
    COULD_NOT_OPT_OUT,
    OPT_EMAIL_MISSING,
    OPT_ONE_EMAIL,
    build_already_opted,
    build_opt_not_found,
    build_opt_usage,
    build_opted_in,
    build_opted_out,
)
from bot.command_text import unescape
from bot.fields import InputErrors
from bot.listeners.commands.routing import Asked
from bot.rejection_input import clean_email
from models.audit import Source
from models.base import utcnow
from models.opt_out import OptChange, Opted, opt_in, opt_out


def opt_out_command(asked: Asked, args: list[str]) -> None:
    """`optout <email>`."""
    email = _email(asked, args, verb="optout")
    if email is None:
        return

    def opted(session: Session) -> Message:
        done = opt_out(
            session,
            team_id=asked.team_id,
            email=email,
            user_id=asked.user_id,
            is_admin=asked.svc.access.is_admin(asked.user_id),
            source=Source.COMMAND,
            now=utcnow(),
        )
        return _said(done, email, opted_out=True)

    asked.answer_from(opted, failing=COULD_NOT_OPT_OUT)


def opt_in_command(asked: Asked, args: list[str]) -> None:
    """`optin <email>`."""
    email = _email(asked, args, verb="optin")
    if email is None:
        return

    def opted(session: Session) -> Message:
        done = opt_in(
            session,
            team_id=asked.team_id,
            email=email,
            user_id=asked.user_id,
            is_admin=asked.svc.access.is_admin(asked.user_id),
            source=Source.COMMAND,
            policy=asked.svc.settings.policy,
            now=utcnow(),
        )
        return _said(done, email, opted_out=False)

    asked.answer_from(opted, failing=COULD_NOT_OPT_IN)


def _email(asked: Asked, args: list[str], *, verb: str) -> str | None:
    """The one valid email the command names, or None once the asker has been told what is wrong."""
    if not args:
        asked.answer(build_opt_usage(OPT_EMAIL_MISSING.format(verb=verb)))
        return None
    if len(args) > 1:
        asked.answer(build_opt_usage(OPT_ONE_EMAIL.format(verb=verb)))
        return None
    try:
        return clean_email(unescape(args[0]))
    except InputErrors as error:
        asked.answer(build_opt_usage(" ".join(error.errors.values())))
        return None


def _said(done: Opted, email: str, *, opted_out: bool) -> Message:
    """What the asker is told: the change made, or that it was made before, or that no such candidate is theirs."""
    if done.change is OptChange.NOT_FOUND or done.name is None:
        return build_opt_not_found(email)
    if done.change is OptChange.ALREADY:
        return build_already_opted(done.name, email, opted_out=opted_out)
    return build_opted_out(done.name, email) if opted_out else build_opted_in(done.name, email, done.resumes_at)
