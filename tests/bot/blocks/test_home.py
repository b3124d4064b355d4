"""What the Home tab shows (bot.blocks.home): the newest rejections, due and upcoming check-ins, and for admins the
ATS rejections waiting for a recruiter and failed deliveries."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from bot.blocks import (
    ats_queue,
    handover,
    home,
)
from bot.blocks.common import escape
from bot.ids import (
    ATS_QUEUE_ASSIGN,
    HANDOVER_PICK,
    RETRY_DELIVERY,
)
from models import Candidate
from models.ats_queue import WaitingQueue
from models.handover import Held
from models.retention import Retention
from tests.bot.blocks.block_kit import LABELS, VIEW_BLOCKS_MAX, actions_blocks, date_of, mrkdwn_texts
from tests.bot.blocks.inputs import (
    POLICY,
    REALISTIC,
    STAGE_WORST,
    SWEEP,
    WORST,
    checkin,
    entry,
    many,
    many_checkins,
    queued,
    record,
)


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
    assert (home.DUE_MAX, home.UPCOMING_MAX, home.ERASING_MAX) == (10, 6, 3)
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


def queue_sections(view: dict[str, object]) -> list[dict[str, object]]:
    return [block for block in view["blocks"] if block.get("accessory", {}).get("action_id") == ATS_QUEUE_ASSIGN]


@pytest.mark.parametrize("is_admin", [True, False])
def test_the_ats_queue_is_for_admins_only(is_admin: bool) -> None:
    view = home.build_home(rejections=[], queue=queued(WORST, 2, stage_name=STAGE_WORST), is_admin=is_admin)
    headers = [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]
    if not is_admin:
        assert queue_sections(view) == [] and ATS_QUEUE_ASSIGN not in json.dumps(view)
        assert ats_queue.QUEUE_HEADER not in json.dumps(view)
        return
    assert headers[-1] == "ATS rejections waiting for a recruiter (2)"
    first, second = queue_sections(view)
    clean, notices = entry(WORST), queued(WORST, 2).notices
    assert first["text"]["text"] == (
        f"*{escape(clean.name)}* · {escape(clean.role)} · {escape(STAGE_WORST)} · Greenhouse\n"
        f"The ATS names {escape(clean.email or '')} (not found in Slack) · rejected {date_of(notices[0].rejected_at)}"
    )
    assert second["text"]["text"].endswith(
        f"· Lever\nThe ATS names no recruiter · rejected {date_of(notices[1].rejected_at)}"
    )
    assert [block["block_id"] for block in (first, second)] == ["ats_queue:1", "ats_queue:2"]
    assert first["accessory"] == {
        "type": "users_select",
        "action_id": ATS_QUEUE_ASSIGN,
        "placeholder": {"type": "plain_text", "text": "Assign to…"},
    }


def test_an_empty_queue_draws_nothing() -> None:
    plain = home.build_home(rejections=[], is_admin=True)
    assert home.build_home(rejections=[], queue=WaitingQueue([], 0), is_admin=True) == plain


def departures(count: int) -> list[Held]:
    """Recruiters who left, with the longest user ids Slack gives and counts in the billions."""
    return [Held(n, f"W{n:031d}", SWEEP, 2**31 - 1, 2**31 - 1, 2**31 - 1) for n in range(1, count + 1)]


@pytest.mark.parametrize("is_admin", [True, False])
def test_recruiters_who_left_are_for_admins_only_each_with_its_picker(is_admin: bool) -> None:
    view = home.build_home(rejections=[], is_admin=is_admin, departed=departures(2))
    pickers = [b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == HANDOVER_PICK]
    if not is_admin:
        assert pickers == []
        return
    assert [b["block_id"] for b in pickers] == ["handover:1", "handover:2"]
    assert [b["accessory"]["placeholder"]["text"] for b in pickers] == ["Hand over to…"] * 2
    assert pickers[0]["text"]["text"] == (f"<@W{1:031d}> left: 2147483647 candidates, 2147483647 check-ins due")


def test_the_fullest_admin_home_fits_slack_with_nothing_cut() -> None:
    """Every list at its cap, on an admin's tab redrawn after a click: exactly 100 blocks, the last list whole."""
    outcome = ats_queue.assigned(queued(REALISTIC, 1).notices[0], "U0RECRUIT1")
    view = home.build_home(
        rejections=many(WORST, 200),
        checkins=many_checkins(WORST, 100),
        failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
        policy=POLICY,
        now=SWEEP,
        is_admin=True,
        queue=queued(WORST, ats_queue.QUEUE_MAX, stage_name=STAGE_WORST, total=31),
        departed=departures(7),
        outcome=outcome,
        retention=Retention(),
        erasing=erasing(WORST, home.ERASING_MAX + 1),
    )
    blocks = view["blocks"]
    assert len(blocks) == VIEW_BLOCKS_MAX
    assert "To be erased soon" in [block["text"]["text"] for block in blocks if block["type"] == "header"]
    assert blocks[1]["text"]["text"] == outcome
    headers = [block["text"]["text"] for block in blocks if block["type"] == "header"]
    assert headers[-3:] == [
        f"Recruiters who left (7, the first {handover.HOME_DEPARTURES_MAX} below)",
        f"ATS rejections waiting for a recruiter (31, the oldest {ats_queue.QUEUE_MAX} below)",
        "Reminders Slack refused to deliver",
    ]
    assert len(queue_sections(view)) == ats_queue.QUEUE_MAX
    assert [block["accessory"]["value"] for block in blocks[-home.FAILURES_MAX :]] == [
        str(n) for n in range(101, 101 + home.FAILURES_MAX)
    ]


def erasing(raw: dict[str, str | None], count: int) -> list[tuple[Candidate, datetime]]:
    """`count` candidates with stored ids, each to be erased 20 days after SWEEP."""
    found = []
    for n in range(count):
        candidate = record(raw).candidate
        candidate.id = 500 + n
        found.append((candidate, SWEEP + timedelta(days=20)))
    return found


def test_erasures_coming_up_show_with_their_three_buttons_and_consent_state_beside_rejections() -> None:
    coming = erasing(REALISTIC, 2)
    rejected = record(REALISTIC, at=SWEEP)
    rejected.candidate.rejections = [rejected]
    view = home.build_home(rejections=[rejected], now=SWEEP, retention=Retention(), erasing=coming)
    texts = [block["text"]["text"] for block in view["blocks"] if block["type"] in ("header", "section")]
    at = texts.index("To be erased soon")
    name, soon = escape(coming[0][0].name), SWEEP + timedelta(days=20)
    assert soon.year == SWEEP.year  # so the date is shown without its year
    assert (
        texts[at + 1 : at + 3]
        == [
            f":hourglass_flowing_sand: *{name}*'s data will be erased on {soon.day} {soon:%B} unless they agree "
            "to stay on file."
        ]
        * 2
    )
    buttons = [b for b in actions_blocks(view["blocks"]) if b["block_id"].startswith("retention:")]
    assert [b["block_id"] for b in buttons] == ["retention:500", "retention:501"]
    assert [e["text"]["text"] for e in buttons[0]["elements"]] == ["She agreed", "Draft a consent request", "Erase now"]
    expiry = SWEEP + timedelta(days=180)
    assert any(f"no consent: erased after {expiry.day} {expiry:%b %Y}" in text for text in texts)


def test_a_tab_opened_without_a_click_has_no_outcome_line() -> None:
    view = home.build_home(rejections=[], outcome=None)
    assert view["blocks"][1]["text"]["text"].startswith("Record a candidate you turned down")
