"""The App Home tab: due and upcoming check-ins with their actions, recent rejections, and for admins the
recruiters who left, the ATS rejections waiting for a recruiter and the reminders Slack refused.

At its fullest (an admin's, every list at its cap, after an action) the tab is exactly Slack's 100 blocks: 2 at the
top and 1 outcome line, 1 + 3 per due check-in, 1 + 4 per upcoming one, 1 + 2 per erasure coming (and 1 saying there
are more), 3 + 1 per recent rejection, 1 + 1 per recruiter who left, 2 + 1 per queued ATS rejection, 2 + 1 per
refused delivery. A cap raised anywhere must be paid for elsewhere (the recruiters who left were paid for by four
refused deliveries, the erasures coming by two upcoming check-ins).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.ats_queue import queue_blocks
from bot.blocks.common import Block, context, escape, header, plain, section, slack_date
from bot.blocks.handover import home_departures
from bot.blocks.rejections import rejection_section
from bot.blocks.reminders import ButtonValue, checkin_actions, checkin_summary
from bot.blocks.retention import warning_blocks
from bot.ids import RETRY_DELIVERY, SETTINGS_OPEN
from models import Candidate, Checkin, Rejection
from models.ats_queue import WaitingQueue
from models.handover import Held
from models.policy import Policy
from models.retention import Retention

HOME_BLOCKS_MAX = 100
DUE_MAX = 10
UPCOMING_MAX = 6  # 8 before the retention warnings took their blocks
ERASING_MAX = 3
REJECTIONS_MAX = 10
FAILURES_MAX = 4


def build_home(
    *,
    rejections: Sequence[Rejection],
    checkins: Sequence[Checkin] = (),
    failures: Sequence[Checkin] = (),
    policy: Policy | None = None,
    now: datetime | None = None,
    is_admin: bool = False,
    queue: WaitingQueue | None = None,
    departed: Sequence[Held] = (),
    outcome: str | None = None,
    retention: Retention | None = None,
    erasing: Sequence[tuple[Candidate, datetime]] = (),
    settings_button: bool = False,
) -> dict[str, Any]:
    """The Home tab; every section is capped so the whole stays within Slack's 100 blocks.

    `outcome` (mrkdwn) says what the click that redrew the tab did: a Home click has no response_url to answer
    through, and the tab is seen by its owner alone. `settings_button` (an admin, in multi-workspace mode) puts a
    Settings button beside the introduction, costing no block.
    """
    policy = policy or Policy()
    intro = section(
        "Record a candidate you turned down with `/rejected`, and Keepwarm reminds you when to reconnect "
        "with the strong ones. Type `/rejected help` for examples."
    )
    if settings_button:
        intro["accessory"] = {"type": "button", "action_id": SETTINGS_OPEN, "text": plain("Settings"), "value": "open"}
    blocks: list[Block] = [header("Keepwarm"), *outcome_blocks(outcome), intro]
    if now is not None:
        due = [c for c in checkins if c.due_at <= now]
        upcoming = [c for c in checkins if c.due_at > now]
        blocks.append(header(f"Due now ({len(due)})"))
        blocks.extend(_checkin_blocks(due[:DUE_MAX], policy, now) or [section("Nothing is due. Well done.")])
        blocks.append(header("Coming up"))
        for checkin in upcoming[:UPCOMING_MAX]:
            blocks.extend(_checkin_blocks([checkin], policy, now))
            blocks.append(context(f"Due {slack_date(checkin.due_at)}"))
        if not upcoming:
            blocks.append(section("No check-ins in the next weeks."))
        blocks.extend(_erasing_blocks(erasing, now))
    blocks.extend([{"type": "divider"}, header("Your recent rejections")])
    if rejections:
        blocks.extend(
            rejection_section(r, show_recruiter=False, retention=retention) for r in rejections[:REJECTIONS_MAX]
        )
        blocks.append(context("See more with `/rejected list`."))
    else:
        blocks.append(section("Nothing yet. Record your first with `/rejected`."))
    if is_admin:
        blocks.extend(home_departures(departed))
    if is_admin and queue is not None:
        blocks.extend(queue_blocks(queue))
    if is_admin and failures:
        blocks.extend([{"type": "divider"}, header("Reminders Slack refused to deliver")])
        blocks.extend(_failure(checkin) for checkin in failures[:FAILURES_MAX])
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}


def outcome_blocks(outcome: str | None) -> list[Block]:
    """The line saying what a click just did, at the top of the redrawn tab; none when the tab was simply opened."""
    return [section(outcome)] if outcome else []


def build_home_unavailable() -> dict[str, Any]:
    """The Home tab while the database does not answer: say so, instead of leaving an old tab that looks current."""
    return {
        "type": "home",
        "blocks": [
            header("Keepwarm"),
            section(
                ":warning: Keepwarm's database is not answering just now, so your check-ins and rejections cannot be "
                "shown. Nothing you recorded is lost; open this tab again in a minute."
            ),
        ],
    }


def _erasing_blocks(erasing: Sequence[tuple[Candidate, datetime]], now: datetime) -> list[Block]:
    """Your candidates to be erased soon, each with She agreed, Draft a consent request and Erase now; none: nothing."""
    if not erasing:
        return []
    blocks: list[Block] = [header("To be erased soon")]
    for candidate, expiry in erasing[:ERASING_MAX]:
        blocks.extend(warning_blocks(candidate, expiry, now))
    if len(erasing) > ERASING_MAX:
        blocks.append(context("More are listed in your reminder DMs, the soonest first."))
    return blocks


def _checkin_blocks(checkins: Sequence[Checkin], policy: Policy, now: datetime) -> list[Block]:
    blocks: list[Block] = []
    for checkin in checkins:
        blocks.extend(checkin_summary(checkin, checkin.step, policy, now))
        blocks.append(checkin_actions(ButtonValue.current(checkin), checkin.candidate))
    return blocks


def _failure(checkin: Checkin) -> Block:
    """One refused delivery: whose, which candidate, what Slack said, and a button to try again."""
    when = slack_date(checkin.delivery_failed_at) if checkin.delivery_failed_at else "recently"
    block = section(
        f"<@{checkin.recruiter.user_id}> · {escape(checkin.candidate.name)} · Slack said `{checkin.delivery_error}` "
        f"({when})"
    )
    block["accessory"] = {
        "type": "button",
        "action_id": RETRY_DELIVERY,
        "text": {"type": "plain_text", "text": "Retry delivery"},
        "value": str(checkin.id),
    }
    return block
