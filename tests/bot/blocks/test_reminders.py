"""The reminder DM (bot.blocks.reminders): its items and buttons, what replaces them, and the button values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks import (
    reminders,
)
from bot.blocks.common import escape, truncate
from bot.blocks.reminders import MAX_ITEMS, ButtonValue
from bot.ids import (
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    CONSENT_AGREED,
    checkin_block_id,
)
from tests.bot.blocks.block_kit import LABELS, MESSAGE_BLOCKS_MAX, actions_blocks, date_of
from tests.bot.blocks.inputs import MINIMAL, POLICY, REALISTIC, SWEEP, WORST, checkin, many_checkins, record, reminder

# ---------------------------------------------------------------------------------------------------------------------
# Check-ins: the reminder DM, what replaces its buttons, the Home tab's check-ins, and the two modals.
# ---------------------------------------------------------------------------------------------------------------------

ACTION_IDS = [CHECKIN_DONE, CONSENT_AGREED, CHECKIN_SNOOZE_WEEK, CHECKIN_SNOOZE_MONTH, CHECKIN_STOP, CHECKIN_DRAFT]
WHY = {
    0: "thank them, share the feedback you promised, and keep the door open",
    1: "the probation window: more than one new hire in five leaves, so the role may reopen",
    2: "a periodic check-in to stay on their radar",
}


def test_each_reminder_item_has_the_six_buttons_carrying_its_check_in_and_step() -> None:
    items = many_checkins(REALISTIC, 4)
    assert [item.step for item in items] == [0, 1, 2, 3]
    message = reminders.build_reminder(items, more=0, policy=POLICY, now=SWEEP)
    found = actions_blocks(message["blocks"])
    assert [block["block_id"] for block in found] == [checkin_block_id(n) for n in (1, 2, 3, 4)]
    assert checkin_block_id(4) == "checkin_actions:4"
    for block, item in zip(found, items, strict=True):
        assert [element["type"] for element in block["elements"]] == ["button"] * 6
        assert [element["text"] for element in block["elements"]] == [
            {"type": "plain_text", "text": label} for label in LABELS
        ]
        assert [element["action_id"] for element in block["elements"]] == ACTION_IDS
        # A current button expects the row as the sweep leaves it once the message is sent.
        step, due = POLICY.after_send(step=item.step, due_at=item.due_at, now=SWEEP)
        expected = f"{item.id}:{item.step}:{step}:{int(due.timestamp())}"
        # She agreed names the candidate and their consent as drawn (none yet): a second click finds it recorded.
        consent = f"{item.candidate.id}:0"
        assert [element["value"] for element in block["elements"]] == [expected, consent] + [expected] * 4
        assert [element.get("style") for element in block["elements"]] == [
            "primary",
            None,
            None,
            None,
            "danger",
            None,
        ]


@pytest.mark.parametrize(("count", "more"), [(1, 0), (2, 5), (MAX_ITEMS - 1, 0), (MAX_ITEMS, 0), (MAX_ITEMS, 84)])
def test_a_reminder_lists_each_check_in_in_three_blocks_within_50(count: int, more: int) -> None:
    assert MAX_ITEMS == 16
    message = reminders.build_reminder(many_checkins(WORST, count), more=more, policy=POLICY, now=SWEEP)
    footer = ["context"] if more else []
    assert [block["type"] for block in message["blocks"]] == [
        "header",
        *["section", "context", "actions"] * count,
        *footer,
    ]
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX


@pytest.mark.parametrize("count", [MAX_ITEMS + 1, 40, 100])
def test_a_reminder_given_more_than_fit_still_keeps_within_50_blocks(count: int) -> None:
    message = reminders.build_reminder(many_checkins(REALISTIC, count), more=7, policy=POLICY, now=SWEEP)
    assert len(message["blocks"]) == 1 + 3 * MAX_ITEMS + 1 == MESSAGE_BLOCKS_MAX
    assert len(actions_blocks(message["blocks"])) == MAX_ITEMS


def test_reminder_header_fallback_and_footer_count_everyone_due() -> None:
    ann = checkin(record(name="Ann Lee"), checkin_id=1)
    omar = checkin(record(name="Omar Haddad", role="Data Engineer"), checkin_id=2)
    message = reminders.build_reminder([ann, omar], more=3, policy=POLICY, now=SWEEP)
    assert message["text"] == "Time to reconnect with Ann Lee, Omar Haddad and 3 more"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Time to reconnect with 5 candidates"},
    }
    assert message["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "3 more due: open Keepwarm's *Home* tab to see them all."}],
    }
    alone = reminders.build_reminder([ann], more=0, policy=POLICY, now=SWEEP)
    assert alone["text"] == "Time to reconnect with Ann Lee"
    assert alone["blocks"][0]["text"]["text"] == "Time to reconnect with 1 candidate"
    assert alone["blocks"][-1]["type"] == "actions"


def test_reminder_item_shows_who_which_role_when_how_to_reach_them_and_the_note() -> None:
    message = reminders.build_reminder([checkin(record())], more=0, policy=POLICY, now=SWEEP)
    assert message["blocks"][1] == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*Jane Doe*: Senior Backend Engineer · finalist · 5/5 · rejected 14 days ago\n"
            "<mailto:jane.doe@example.com|jane.doe@example.com> · <https://linkedin.com/in/jane-doe|LinkedIn> · "
            "`python` `postgres` `kubernetes`\n"
            "_Great system design round; promised written feedback by Friday._",
        },
    }


def test_reminder_escapes_what_recruiters_typed_in_blocks_and_fallback() -> None:
    rejection = record(
        MINIMAL,
        name="Zoë O'Brien & <@U123>",
        role="R&D Lead <!here>",
        stage="final",
        note="Ask about <!channel> & <https://evil.example|this>",
    )
    message = reminders.build_reminder([checkin(rejection)], more=0, policy=POLICY, now=SWEEP)
    assert message["text"] == "Time to reconnect with Zoë O'Brien &amp; &lt;@U123&gt;"
    assert message["blocks"][1]["text"]["text"] == (
        "*Zoë O'Brien &amp; &lt;@U123&gt;*: R&amp;D Lead &lt;!here&gt; · finalist · rejected 14 days ago\n"
        "_Ask about &lt;!channel&gt; &amp; &lt;https://evil.example|this&gt;_"
    )
    shown = json.dumps(message, ensure_ascii=False)
    for raw in ("<@U123>", "<!here>", "<!channel>", "<https://evil"):
        assert raw not in shown


def test_reminder_of_hostile_maximum_input_escapes_every_name_and_note() -> None:
    items = many_checkins(WORST, MAX_ITEMS)
    message = reminders.build_reminder(items, more=0, policy=POLICY, now=SWEEP)
    name = escape(items[0].candidate.name)
    assert message["text"] == truncate("Time to reconnect with " + ", ".join([name] * MAX_ITEMS), 3000)
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    assert len(sections) == MAX_ITEMS
    assert all(text.startswith(f"*{name}*: ") for text in sections)
    shown = json.dumps(message, ensure_ascii=False)
    for raw in ("<@U123>", "<!here>", "<!channel>"):
        assert raw not in shown


@pytest.mark.parametrize(("step", "why"), [(0, WHY[0]), (1, WHY[1]), (2, WHY[2]), (7, WHY[2])])
def test_reminder_says_why_now_for_the_step_being_sent(step: int, why: str) -> None:
    message = reminders.build_reminder([checkin(record(), step=step)], more=0, policy=POLICY, now=SWEEP)
    assert message["blocks"][2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Why now: {why}."}]}


def test_outcome_says_what_was_done_by_whom_and_what_comes_next() -> None:
    when = datetime(2025, 3, 28, 16, tzinfo=UTC)
    done = reminders.build_outcome(
        ":white_check_mark: Reached out", user_id="U0RECRUIT1", when=when, next_due=when + POLICY.gap(1)
    )
    assert done == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": f":white_check_mark: Reached out by <@U0RECRUIT1> on {date_of(when)}. "
                f"Next check-in around {date_of(when + timedelta(days=76))}.",
            }
        ],
    }
    assert date_of(when + timedelta(days=76)).endswith("|2025-06-12>")
    stopped = reminders.build_outcome(":no_entry_sign: Stopped (other)", user_id="U0RECRUIT2", when=when, next_due=None)
    assert stopped["elements"][0]["text"] == f":no_entry_sign: Stopped (other) by <@U0RECRUIT2> on {date_of(when)}."


def test_replace_actions_swaps_only_that_check_ins_buttons() -> None:
    blocks = reminder(REALISTIC, 3)["blocks"]
    outcome = reminders.build_outcome("Reached out", user_id="U0RECRUIT1", when=SWEEP, next_due=None)
    after = reminders.replace_actions(blocks, 2, outcome)
    assert len(after) == len(blocks) == 10
    assert after[6] == outcome and blocks[6]["block_id"] == "checkin_actions:2"
    assert after[:6] == blocks[:6] and after[7:] == blocks[7:]
    assert [block["block_id"] for block in actions_blocks(after)] == ["checkin_actions:1", "checkin_actions:3"]
    assert reminders.replace_actions(blocks, 99, outcome) == blocks


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12:0:1:1768900000", (12, 0, 1, 1768900000)),
        ("1:5:5:0", (1, 5, 5, 0)),
        ("2147483647:0:1:1768900000", (2147483647, 0, 1, 1768900000)),
    ],
)
def test_button_values_round_trip(raw: str, value: tuple[int, int, int, int]) -> None:
    decoded = ButtonValue.decode(raw)
    assert decoded == ButtonValue(*value)
    assert decoded.encode() == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "1:2",
        "1:2:3",
        "1:2:3:4:5",
        "-1:0:1:0",
        "2147483648:0:1:0",
        "²:0:1:0",
        "1:0:x",
        " 1:0:1",
        "1.0:0:1",
        "1::1",
        "999999999999:0:1",
        "1:0:" + "9" * 40,
    ],
)
def test_forged_button_values_decode_to_none(raw: str) -> None:
    assert ButtonValue.decode(raw) is None
