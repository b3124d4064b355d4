"""`/rejected audit`: the last entries of the audit log, for admins, one line each."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, Message, context, escape, header, message, section, truncate
from bot.config import USER_ID
from models.audit import AuditEntry
from models.candidate import ERASED_NAME

AUDIT_USAGE = "`/rejected audit` shows the last entries of the audit log; `/rejected audit jane@x.io` one candidate's"
AUDIT_ADMINS_ONLY = "Only Keepwarm admins can read the audit log."
COULD_NOT_READ_AUDIT = "read the audit log"
DETAIL_PREVIEW = 300
ACTS = {"opted_out": "opted out", "opted_in": "opted in", "handed_over": "handed over"}  # the rest read as stored


def build_audit_refused() -> Message:
    """Anyone but an admin: the same answer whatever they asked about, so it reveals nothing."""
    return message(AUDIT_ADMINS_ONLY, [section(f":lock: {AUDIT_ADMINS_ONLY}")])


def build_audit_usage(problem: str) -> Message:
    """`audit` with something other than one valid email."""
    text = f":warning: {escape(problem)}"
    return message(f"Cannot read the audit log: {escape(problem)}", [section(text), context(AUDIT_USAGE)])


def build_audit_unknown(email: str) -> Message:
    """An email no candidate of this workspace has (an erased one's entries no longer name them)."""
    text = (
        f"No candidate with email {escape(email)} in this workspace. An erased candidate's entries stay in "
        "`/rejected audit`, shown as “(erased)”."
    )
    return message(text, [section(text)])


def build_audit(entries: Sequence[AuditEntry], *, email: str | None) -> Message:
    """The entries, newest first, each on one line: when (in the reader's time zone), who, what, from where, about
    whom, and the detail."""
    about = "" if email is None else f" about {escape(email)}"
    if not entries:
        text = f"Nothing is logged{about} yet."
        return message(text, [section(text)])
    title = f"Audit log{about}: the last {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    blocks: list[Block] = [
        header(title),
        context("Newest first. Times are in your own time zone (UTC where Slack cannot show that)."),
    ]
    blocks.extend(section(audit_line(entry)) for entry in entries)
    return message(title, blocks)


def audit_line(entry: AuditEntry) -> str:
    """`<date> · @who · recorded · from command · Jane Doe <jane@x.io> · Senior Backend Engineer`."""
    when = f"<!date^{int(entry.at.timestamp())}^{{date_short}} {{time}}|{entry.at:%Y-%m-%d %H:%M} UTC>"
    who = f"<@{entry.actor}>" if USER_ID.fullmatch(entry.actor) else f"`{escape(entry.actor)}`"
    parts = [when, who, f"*{ACTS.get(entry.act, entry.act)}*", f"from {escape(entry.source)}"]
    parts.append(ERASED_NAME if entry.subject is None else escape(entry.subject))
    if entry.detail:
        parts.append(f"_{escape(truncate(entry.detail, DETAIL_PREVIEW))}_")
    return " · ".join(parts)
