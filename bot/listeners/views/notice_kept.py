"""The Keep warm form was saved: the notice's rejection is kept as the form says, the notice marked kept, the
confirmation sent where the button was, and the DM updated in place.

The same checks and words as the `/rejected` form (forms.py); the notice is read again, locked, when saving, since it
may have been decided while the form was open (a second form, Not this one, or withdrawn in the ATS).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.ats_notices import NOTICE_NOT_FOUND, build_notice_answer, notice_refusal
from bot.blocks.common import Message
from bot.blocks.rejection_modal import REJECTION_FORM_ACCESS_UNKNOWN, REJECTION_FORM_UNAVAILABLE
from bot.blocks.rejections import build_confirmation
from bot.blocks.reminders import parse_id
from bot.listeners.actions.notice_action import Shown, show_in_dm, shown
from bot.listeners.replies import form_metadata
from bot.listeners.views.forms import Form, submit_form
from bot.rejection_input import FIELDS, validate_rejection
from bot.services import Services
from models.ats_decisions import RefusedNotice, decidable_notice, keep_notice
from models.base import utcnow
from models.rejection import RejectionInput


@dataclass(frozen=True)
class Kept:
    """The answer to whoever saved the form, and the notice as the DM should now show it (None: gone)."""

    reply: Message
    decided: Shown | None


def keep_from_form(*, svc: Services, team_id: str, user_id: str, entry: RejectionInput, notice_id: int | None) -> Kept:
    """Keep the notice's rejection as the form says, in one transaction; or say why it was not."""
    with svc.sessions.begin() as session:
        now = utcnow()
        if notice_id is None:
            return Kept(build_notice_answer(NOTICE_NOT_FOUND), None)
        found = decidable_notice(
            session=session,
            team_id=team_id,
            user_id=user_id,
            is_admin=svc.access.is_admin(user_id),
            notice_id=notice_id,
        )
        if isinstance(found, RefusedNotice):
            decided = None if found.notice is None else shown(session, found.notice)
            return Kept(build_notice_answer(notice_refusal(found)), decided)
        rejection = keep_notice(
            session=session, notice=found, user_id=user_id, entry=entry, policy=svc.settings.policy, now=now
        )
        return Kept(build_confirmation(rejection, svc.settings.policy, svc.settings.retention), shown(session, found))


def handle_notice_kept(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger) -> None:
    notice = form_metadata(view.get("private_metadata")).get("notice")
    form = Form(
        fields=FIELDS,
        validate=validate_rejection,
        save=partial(keep_from_form, notice_id=parse_id(str(notice))),
        reply=lambda kept: kept.reply,
        access_unknown=REJECTION_FORM_ACCESS_UNKNOWN,
        unavailable=REJECTION_FORM_UNAVAILABLE,
        saving="keep an ATS rejection",
        answer="the kept rejection's confirmation",
    )
    kept = submit_form(form, ack=ack, view=view, client=client, context=context, logger=logger)
    if kept is not None and kept.decided is not None:
        show_in_dm(client, kept.decided, click=None, logger=logger)
