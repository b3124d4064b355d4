"""`/rejected audit [email]`: the last entries of the team's audit log, or one candidate's, for admins only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.audit import (
    AUDIT_USAGE,
    COULD_NOT_READ_AUDIT,
    build_audit,
    build_audit_refused,
    build_audit_unknown,
    build_audit_usage,
)
from bot.blocks.common import Message
from bot.command_text import unescape
from bot.fields import InputErrors
from bot.listeners.commands.routing import Asked
from bot.rejection_input import clean_email
from models.audit import audit_entries
from models.candidate import Candidate

AUDIT_LIMIT = 20


def audit_command(asked: Asked, args: list[str]) -> None:
    """Admins first, before the email is even read: anyone else learns nothing, not even whether it is valid."""
    if not asked.svc.access.is_admin(asked.user_id):
        asked.logger.info("refused the audit log to %s, who is not an admin", asked.user_id)
        asked.answer(build_audit_refused())
        return
    if len(args) > 1:
        asked.answer(build_audit_usage(f"Give at most one email. {AUDIT_USAGE}."))
        return
    email = None
    if args:
        try:
            email = clean_email(unescape(args[0]))
        except InputErrors as error:
            asked.answer(build_audit_usage(" ".join(error.errors.values())))
            return

    def read(session: Session) -> Message:
        candidate_id = None
        if email is not None:
            candidate_id = session.scalar(
                select(Candidate.id).where(Candidate.team_id == asked.team_id, Candidate.email == email)
            )
            if candidate_id is None:
                return build_audit_unknown(email)
        entries = audit_entries(session, team_id=asked.team_id, candidate_id=candidate_id, limit=AUDIT_LIMIT)
        return build_audit(entries, email=email)

    asked.answer_from(read, failing=COULD_NOT_READ_AUDIT)
