"""The reminder DM: every due candidate of one recruiter in one message, each with its own one-click actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.checkin_modals import STOP_REASONS
from bot.blocks.common import (
    Block,
    Message,
    ago,
    context,
    escape,
    header,
    message,
    parse_id,
    section,
    slack_date,
    truncate,
)
from bot.blocks.rejections import contact_line, describe
from bot.blocks.retention import consent_button, day_month, warning_blocks
from bot.ids import (
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    checkin_block_id,
)
from models import Candidate, Checkin, StopReason
from models.policy import Policy

MESSAGE_BLOCKS_MAX = 50
BLOCKS_PER_ITEM = 3
# Header and the "more" footer take two blocks; the rest hold three blocks per candidate.
MAX_ITEMS = (MESSAGE_BLOCKS_MAX - 2) // BLOCKS_PER_ITEM
BLOCKS_PER_WARNING = 2
MAX_WARNINGS = 8  # beside them, ten check-ins (a day's default cap) still fit; more warnings wait for the next sweep
NOTE_PREVIEW = 300
FALLBACK_MAX = 3000
# The notification text of a reminder updated in place, should the message clicked have none.
FALLBACK_CHECKIN = "Keepwarm check-in"
# What a check-in's buttons become once pressed (see build_outcome): reached out, or snoozed by which button.
OUTCOME_REACHED_OUT = ":white_check_mark: Reached out"
OUTCOME_SNOOZED = {CHECKIN_SNOOZE_WEEK: ":zzz: Snoozed for a week", CHECKIN_SNOOZE_MONTH: ":zzz: Snoozed for a month"}


@dataclass(frozen=True)
class ButtonValue:
    """What a check-in button carries: which check-in, which reminder, and the state the row must still be in.

    The expected step and due time change with every send and every action, so any older button is stale.
    """

    checkin_id: int
    reminder_step: int
    expected_step: int
    expected_due: int  # epoch seconds

    @classmethod
    def current(cls, checkin: Checkin, *, reminder_step: int | None = None) -> ButtonValue:
        """A button for the check-in as the row stands now."""
        step = checkin.step if reminder_step is None else reminder_step
        return cls(checkin.id, step, checkin.step, int(checkin.due_at.timestamp()))

    def encode(self) -> str:
        return f"{self.checkin_id}:{self.reminder_step}:{self.expected_step}:{self.expected_due}"

    @classmethod
    def decode(cls, raw: str) -> ButtonValue | None:
        """None for anything that is not four ids."""
        parts = [parse_id(part) for part in raw.split(":")]
        if len(parts) != 4 or None in parts:
            return None
        checkin_id, reminder_step, expected_step, expected_due = (int(part) for part in parts if part is not None)
        return cls(checkin_id, reminder_step, expected_step, expected_due)


def purpose(policy: Policy, step: int) -> str:
    """Why check-in number `step` matters, in a phrase the reminder shows."""
    if step == 0:
        return "thank them, share the feedback you promised, and keep the door open"
    if step == 1 and len(policy.first_days) > 1:
        return "the probation window: more than one new hire in five leaves, so the role may reopen"
    return "a periodic check-in to stay on their radar"


def checkin_summary(checkin: Checkin, reminder_step: int, policy: Policy, now: datetime) -> list[Block]:
    """Who, which role, how long ago, how to reach them, the note, and why now."""
    rejection, candidate = checkin.rejection, checkin.candidate
    lines = [f"*{escape(candidate.name)}*: {describe(rejection)} · rejected {ago(rejection.rejected_at, now)}"]
    contact = contact_line(candidate)
    if contact:
        lines.append(contact)
    if rejection.note:
        lines.append(f"_{escape(truncate(rejection.note, NOTE_PREVIEW))}_")
    return [section("\n".join(lines)), context(f"Why now: {purpose(policy, reminder_step)}.")]


def checkin_actions(value: ButtonValue, candidate: Candidate) -> Block:
    """The actions, as buttons a recruiter can see at a glance (not hidden in an overflow menu); She agreed, beside
    Done, records the candidate's consent to stay on file (ask early, as the first check-in's draft does)."""
    raw = value.encode()

    def button(action_id: str, label: str, style: str | None = None) -> dict[str, object]:
        element: dict[str, object] = {
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": label},
            "value": raw,
        }
        if style:
            element["style"] = style
        return element

    return {
        "type": "actions",
        "block_id": checkin_block_id(value.checkin_id),
        "elements": [
            button(CHECKIN_DONE, "Done, I reached out", "primary"),
            consent_button(candidate),
            button(CHECKIN_SNOOZE_WEEK, "Snooze 1 week"),
            button(CHECKIN_SNOOZE_MONTH, "Snooze 1 month"),
            button(CHECKIN_STOP, "Stop", "danger"),
            button(CHECKIN_DRAFT, "Draft a message"),
        ],
    }


def checkin_room(warnings: int) -> int:
    """How many check-ins fit in a DM beside `warnings` retention warnings."""
    return min(MAX_ITEMS, (MESSAGE_BLOCKS_MAX - 2 - BLOCKS_PER_WARNING * warnings) // BLOCKS_PER_ITEM)


def build_reminder(
    checkins: Sequence[Checkin],
    *,
    more: int,
    policy: Policy,
    now: datetime,
    later: int = 0,
    per_day: int = 0,
    warnings: Sequence[tuple[Candidate, datetime]] = (),
) -> Message:
    """One DM for one sweep; `checkins` are at their pre-send step. Of those still due, `more` come in the next
    reminder (today's allowance covers them) and `later` wait for the next working days, `per_day` a day at most.

    `warnings` (candidate, expiry) are erasures coming up, told in the same DM, before the check-ins."""
    warnings = warnings[:MAX_WARNINGS]
    names = ", ".join(c.candidate.name for c in checkins)
    count = len(checkins) + more
    if checkins or more:
        title = f"Time to reconnect with {count} candidate{'s' if count != 1 else ''}"
    else:
        title = "1 candidate's data" if len(warnings) == 1 else f"{len(warnings)} candidates' data"
        title += " to be erased soon"
    blocks: list[Block] = [header(title)]
    for candidate, expiry in warnings:
        blocks.extend(warning_blocks(candidate, expiry, now))
    for checkin in checkins[: checkin_room(len(warnings))]:
        step = checkin.step
        blocks.extend(checkin_summary(checkin, step, policy, now))
        # The buttons must match the row as the sweep will leave it once this message is sent.
        after_step, after_due = policy.after_send(step=step, due_at=checkin.due_at, now=now)
        value = ButtonValue(checkin.id, step, after_step, int(after_due.timestamp()))
        blocks.append(checkin_actions(value, checkin.candidate))
    if more or later:
        blocks.append(context(still_due(more=more, later=later, per_day=per_day)))
    fallback = ""
    if checkins:
        fallback = f"Time to reconnect with {names}" + (f" and {more} more" if more else "")
        if later:
            fallback += f" ({later} more from the next working day on)"
    told = "; ".join(f"{c.name}'s data will be erased on {day_month(e, now)}" for c, e in warnings)
    fallback = ". ".join(part for part in (told, fallback) if part)
    return message(truncate(escape(fallback), FALLBACK_MAX), blocks)


def still_due(*, more: int, later: int, per_day: int) -> str:
    """The reminder's last line: how many more are due and when they come, so a backlog held back by the daily cap
    reads as spread on purpose, not lost."""
    see_all = "open Keepwarm's *Home* tab to see them all."
    if not later:
        return f"{more} more due: {see_all}"
    spread = f"from the next working day on, at most {per_day} a day, strongest and most recent first"
    if not more:
        return f"{later} more due {spread}: {see_all}"
    reminders = "reminder" if more <= MAX_ITEMS else "reminders"
    return f"{more + later} more due: {more} in your next {reminders}, {later} {spread}; {see_all}"


def outcome_stopped(reason: StopReason) -> str:
    """What a check-in's buttons become once the stop form is submitted, with the reason chosen."""
    return f":no_entry_sign: Stopped ({STOP_REASONS[reason]})"


def build_outcome(outcome: str, *, user_id: str, when: datetime, next_due: datetime | None) -> Block:
    """What replaces a check-in's buttons once acted on: what was done, by whom, and what comes next."""
    text = f"{outcome} by <@{user_id}> on {slack_date(when)}."
    if next_due is not None:
        text += f" Next check-in around {slack_date(next_due)}."
    return context(text)


def replace_actions(blocks: Sequence[Block], checkin_id: int, replacement: Block) -> list[Block]:
    """The message's blocks with one check-in's buttons swapped for its outcome."""
    block_id = checkin_block_id(checkin_id)
    return [replacement if block.get("block_id") == block_id else block for block in blocks]
