"""What the Home tab shows (bot.blocks.home): the newest rejections, due and upcoming check-ins, failed deliveries."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from bot.blocks import (
    home,
)
from bot.blocks.common import escape
from bot.ids import (
    RETRY_DELIVERY,
)
from tests.bot.blocks.block_kit import LABELS, VIEW_BLOCKS_MAX, actions_blocks, date_of, mrkdwn_texts
from tests.bot.blocks.inputs import POLICY, REALISTIC, SWEEP, WORST, checkin, many, many_checkins, record


def test_home_shows_the_newest_rejections_and_points_to_the_rest() -> None:
    rows = many(REALISTIC, 200)
    view = home.build_home(rejections=rows)
    assert [block["type"] for block in view["blocks"]] == [
        "header",
        "section",
        "divider",
        "header",
        *["section"] * home.REJECTIONS_MAX,
        "context",
    ]
    assert home.REJECTIONS_MAX == 10
    shown = [block["text"]["text"] for block in view["blocks"][4:-1]]
    assert [re.search(r"<!date\^(\d+)\^", text).group(1) for text in shown] == [
        str(int(row.rejected_at.timestamp())) for row in rows[:10]
    ]
    assert view["blocks"][-1]["elements"][0]["text"] == "See more with `/rejected list`."
    assert not any("<@" in text for text, _ in mrkdwn_texts(view["blocks"]))


def test_home_lists_due_check_ins_with_their_buttons_then_upcoming_ones() -> None:
    ann = checkin(record(name="Ann Lee"), checkin_id=1, step=0, due_at=SWEEP - timedelta(days=2))
    bo = checkin(record(name="Bo Chen", role="Data Engineer"), checkin_id=2, step=1, due_at=SWEEP)
    cy = checkin(record(name="Cy Diaz"), checkin_id=3, step=2, due_at=SWEEP + timedelta(days=9))
    view = home.build_home(rejections=[], checkins=[ann, bo, cy], policy=POLICY, now=SWEEP)
    blocks = view["blocks"]
    assert [block["type"] for block in blocks] == [
        "header",
        "section",
        "header",
        *["section", "context", "actions"] * 2,
        "header",
        "section",
        "context",
        "actions",
        "context",
        "divider",
        "header",
        "section",
    ]
    assert [block["text"]["text"] for block in blocks if block["type"] == "header"] == [
        "Keepwarm",
        "Due now (2)",
        "Coming up",
        "Your recent rejections",
    ]
    assert [blocks[n]["text"]["text"].split(":")[0] for n in (3, 6, 10)] == ["*Ann Lee*", "*Bo Chen*", "*Cy Diaz*"]
    found = actions_blocks(blocks)
    assert [block["block_id"] for block in found] == ["checkin_actions:1", "checkin_actions:2", "checkin_actions:3"]
    # A Home button acts on the check-in at the step it is at now.
    assert [block["elements"][0]["value"] for block in found] == [
        f"{c.id}:{c.step}:{c.step}:{int(c.due_at.timestamp())}" for c in (ann, bo, cy)
    ]
    assert all([element["text"]["text"] for element in block["elements"]] == LABELS for block in found)
    assert blocks[13]["elements"][0]["text"] == f"Due {date_of(SWEEP + timedelta(days=9))}"


def test_home_with_nothing_due_or_coming_up_says_so() -> None:
    view = home.build_home(rejections=[], checkins=[], now=SWEEP)
    texts = [block["text"]["text"] for block in view["blocks"] if "text" in block]
    assert texts[2:5] == ["Due now (0)", "Nothing is due. Well done.", "Coming up"]
    assert texts[5] == "No check-ins in the next weeks."
    assert actions_blocks(view["blocks"]) == []


def test_home_caps_due_and_upcoming_check_ins_and_counts_all_that_are_due() -> None:
    items = many_checkins(REALISTIC, 100)
    view = home.build_home(rejections=many(REALISTIC, 50), checkins=items, now=SWEEP)
    assert view["blocks"][2]["text"]["text"] == "Due now (51)"
    ids = [int(block["block_id"].split(":")[1]) for block in actions_blocks(view["blocks"])]
    assert ids == [*range(1, home.DUE_MAX + 1), *range(52, 52 + home.UPCOMING_MAX)]
    assert (home.DUE_MAX, home.UPCOMING_MAX) == (10, 8)
    assert len(view["blocks"]) <= VIEW_BLOCKS_MAX


@pytest.mark.parametrize("is_admin", [True, False])
def test_delivery_failures_and_retry_buttons_are_for_admins_only(is_admin: bool) -> None:
    failed = checkin(record(WORST), checkin_id=7, due_at=SWEEP, error="messages_tab_disabled")
    view = home.build_home(rejections=[], checkins=[failed], failures=[failed], now=SWEEP, is_admin=is_admin)
    retry = [block for block in view["blocks"] if "accessory" in block]
    headers = [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]
    if not is_admin:
        assert retry == []
        assert "Reminders Slack refused to deliver" not in headers
        assert "messages_tab_disabled" not in json.dumps(view)
        return
    assert headers[-1] == "Reminders Slack refused to deliver"
    [block] = retry
    assert block["text"]["text"] == (
        f"<@U0RECRUIT1> · {escape(failed.candidate.name)} · Slack said `messages_tab_disabled` ({date_of(SWEEP)})"
    )
    assert block["accessory"] == {
        "type": "button",
        "action_id": RETRY_DELIVERY,
        "text": {"type": "plain_text", "text": "Retry delivery"},
        "value": "7",
    }
