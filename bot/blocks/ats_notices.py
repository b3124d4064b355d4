"""What the ATS told Keepwarm, in the recruiter's DM: rejections to keep warm or not, rejections kept without asking,
hires and new applications; the Keep warm form; and what a decision leaves in the DM.

The ATS's words (names, roles, stage names, reasons) are shown as it sent them, escaped. We do not know pronouns:
sentences say "they", or use the name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.blocks.common import Block, Message, context, escape, header, message, plain, section, slack_date, truncate
from bot.blocks.rejection_modal import View, build_rejection_modal
from bot.ids import (
    ATS_KEEP_MODAL,
    ATS_NOTICE_DISMISS,
    ATS_NOTICE_KEEP,
    ATS_NOTICE_RATE,
    ATS_NOTICE_UNDO,
    notice_block_id,
)
from models.ats_decisions import NoticeRefusal, RefusedNotice
from models.ats_intake import UNKNOWN_ROLE, entry_for
from models.ats_notice import AtsNotice, Decision, NoticeKind

SOURCE_NAMES = {"greenhouse": "Greenhouse", "lever": "Lever", "ashby": "Ashby"}
MESSAGE_BLOCKS_MAX = 50
# Header and the "more" footer take two blocks; every notice takes at most two (its sentence and its actions).
MAX_NOTICES = (MESSAGE_BLOCKS_MAX - 2) // 2
REASON_PREVIEW = 300
FALLBACK_MAX = 3000
FALLBACK_NOTICE = (
    "From your ATS"  # the notification text of a DM updated in place, should the message clicked have none
)
KEEP_WARM, NOT_THIS_ONE, UNDO = "Keep warm", "Not this one", "Undo"
RATE_AND_KEEP = "Rate and keep…"
NOTICE_NOT_FOUND = (
    "That notice no longer exists (the candidate was erased, or deleted in the ATS), or it is not yours to decide. "
    "Nothing changed."
)
NOTICE_UNAVAILABLE = (
    "Could not save that just now: Keepwarm's database is not answering. Nothing changed; try again in a minute."
)


def source_name(source: str) -> str:
    """The ATS as its users call it."""
    return SOURCE_NAMES.get(source, escape(source))


def rejected_sentence(notice: AtsNotice) -> str:
    """Who was rejected, for what, at which stage as the ATS names it, and why; who said no when it was them."""
    name = f"*{escape(notice.name)}*"
    role = "" if not notice.role_title else f" {escape(notice.role_title)}"
    stage = "" if not notice.stage_name else f" at {escape(notice.stage_name)}"
    reason = "" if not notice.reason else f" ({escape(truncate(notice.reason, REASON_PREVIEW))})"
    source = source_name(notice.source)
    if notice.rejected_by_candidate:
        return f"From {source}: they rejected us: {name} withdrew{' from' + role if role else ''}{stage}{reason}."
    return f"From {source}: you rejected {name}{' for' + role if role else ''}{stage}{reason}."


def _button(action_id: str, label: str, notice_id: int, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(label), "value": str(notice_id)}
    if style:
        element["style"] = style
    return element


def _rating_select(notice_id: int) -> dict[str, Any]:
    """One click keeps with a rating: 4 or 5 starts check-ins, as the form's rating does."""
    return {
        "type": "static_select",
        "action_id": ATS_NOTICE_RATE,
        "placeholder": plain(RATE_AND_KEEP),
        "options": [{"text": plain("★" * n + "☆" * (5 - n)), "value": f"{notice_id}:{n}"} for n in range(5, 0, -1)],
    }


def _kept_without_asking(first_checkin: datetime | None) -> str:
    if first_checkin is None:
        return (
            "Kept without asking (ATS_KEEP_WITHOUT_ASKING): it is in your history, with no check-ins "
            "(only strong candidates get them)."
        )
    return f"Kept without asking (ATS_KEEP_WITHOUT_ASKING): check-ins start on {slack_date(first_checkin)}."


def _notice_blocks(notice: AtsNotice, first_checkin: datetime | None) -> list[Block]:
    """A notice's sentence, and the actions it still offers."""
    source, name = source_name(notice.source), f"*{escape(notice.name)}*"
    role = "" if not notice.role_title else escape(notice.role_title)
    if notice.kind == NoticeKind.HIRED:
        hired = f" for {role}" if role else ""
        return [section(f":tada: From {source}: {name} was hired{hired}: the check-ins worked, and they have stopped.")]
    if notice.kind == NoticeKind.APPLIED:
        return [section(f":wave: From {source}: {name} applied again{', for ' + role if role else ''}.")]
    actions: dict[str, Any] = {"type": "actions", "block_id": notice_block_id(notice.id)}
    if notice.auto_kept:
        text = f"{rejected_sentence(notice)} {_kept_without_asking(first_checkin)}"
        actions["elements"] = [_button(ATS_NOTICE_UNDO, UNDO, notice.id)]
    else:
        text = f"{rejected_sentence(notice)} Keep them warm?"
        actions["elements"] = [
            _button(ATS_NOTICE_KEEP, KEEP_WARM, notice.id, "primary"),
            _button(ATS_NOTICE_DISMISS, NOT_THIS_ONE, notice.id),
            _rating_select(notice.id),
        ]
    return [section(text), actions]


def build_notices(notices: Sequence[AtsNotice], *, first_checkins: Mapping[int, datetime], more: int) -> Message:
    """One DM for one sweep: every notice due to this recruiter (up to MAX_NOTICES), oldest first; `first_checkins`
    gives, by notice id, when the check-ins of a rejection kept without asking start; `more` wait for the next DM."""
    count = len(notices) + more
    blocks: list[Block] = [header(f"From your ATS: {count} update{'s' if count != 1 else ''}")]
    for notice in notices[:MAX_NOTICES]:
        blocks.extend(_notice_blocks(notice, first_checkins.get(notice.id)))
    if more:
        blocks.append(context(f"{more} more: they come in the next message."))
    names = ", ".join(notice.name for notice in notices)
    fallback = escape(f"From your ATS: {names}" + (f" and {more} more" if more else ""))
    return message(truncate(fallback, FALLBACK_MAX), blocks)


def build_keep_modal(notice: AtsNotice, private_metadata: str) -> View:
    """The rejection form, filled in with what the ATS sent, for the recruiter to check, rate and note."""
    given = entry_for(notice)
    if given.role == UNKNOWN_ROLE:
        given = dataclasses.replace(given, role="")  # the form asks for it rather than store a placeholder
    return build_rejection_modal(
        private_metadata,
        initial=given,
        callback_id=ATS_KEEP_MODAL,
        title="Keep warm",
        intro=f"{rejected_sentence(notice)} Check what the ATS sent, add a rating or a note, and save to keep them "
        "warm.",
    )


def decision_block(notice: AtsNotice, *, first_checkin: datetime | None) -> Block:
    """What replaces a notice's actions once it is decided: what became of it, by whom, and what comes next."""
    by = f" by <@{notice.decided_by}>" if notice.decided_by else ""
    on = f" on {slack_date(notice.decided_at)}" if notice.decided_at else ""
    match notice.decision:
        case Decision.KEPT:
            then = "" if first_checkin is None else f" First check-in around {slack_date(first_checkin)}."
            if notice.auto_kept:
                return context(f":white_check_mark: Kept without asking.{then}")
            return context(f":white_check_mark: Kept warm{by}{on}.{then}")
        case Decision.DISMISSED:
            return context(f":heavy_minus_sign: Not kept{by}{on}.")
        case Decision.UNDONE:
            return context(f":leftwards_arrow_with_hook: Undone{by}{on}: not kept.")
        case Decision.WITHDRAWN:
            return context(
                f":leftwards_arrow_with_hook: Withdrawn in {source_name(notice.source)}: they are no longer "
                "rejected, so nothing is kept."
            )
        case _:
            return context("Not decided yet.")


def replace_notice_actions(blocks: Sequence[Block], notice_id: int, replacement: Block) -> list[Block]:
    """The DM's blocks with one notice's actions swapped for what became of it."""
    block_id = notice_block_id(notice_id)
    return [replacement if block.get("block_id") == block_id else block for block in blocks]


def notice_refusal(refused: RefusedNotice) -> str:
    """Why a click on a notice changed nothing, in mrkdwn: gone or not theirs, or what became of it already."""
    notice = refused.notice
    if refused.refusal is NoticeRefusal.NOT_FOUND or notice is None:
        return NOTICE_NOT_FOUND
    name = f"*{escape(notice.name)}*"
    match notice.decision:
        case Decision.KEPT if notice.auto_kept:
            return f"{name} was kept without asking; Undo is there if you do not want that. Nothing changed."
        case Decision.KEPT:
            return f"{name} is already kept warm. Nothing changed."
        case Decision.DISMISSED:
            return f"{name} was already marked Not this one, so is not kept. Nothing changed."
        case Decision.UNDONE:
            return f"{name} was already undone: not kept. Nothing changed."
        case Decision.WITHDRAWN:
            return (
                f"{source_name(notice.source)} withdrew the rejection of {name}: they are no longer rejected, "
                "so there is nothing to keep. Nothing changed."
            )
        case _:
            return f"{name} is not kept: there is nothing to undo. Nothing changed."


def build_notice_answer(text: str) -> Message:
    """An answer to whoever clicked, and only them: one sentence of mrkdwn, escaped where it holds the ATS's words."""
    return message(text, [section(text)])
