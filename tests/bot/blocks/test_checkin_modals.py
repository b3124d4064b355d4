"""The check-in modals (bot.blocks.checkin_modals): why a recruiter stops, and the draft message."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.blocks import (
    checkin_modals,
)
from bot.blocks.common import escape, truncate
from bot.ids import (
    FIELD_ACTION,
    STOP_MODAL,
    STOP_REASON_BLOCK,
)
from tests.bot.blocks.block_kit import VIEW_BLOCKS_MAX, check_blocks, check_escaped, mrkdwn_texts
from tests.bot.blocks.inputs import AT, EXPANDING, REALISTIC, STOP_METADATA, SWEEP, WORST, checkin, record


def test_stop_modal_asks_why_with_the_known_reasons() -> None:
    item = checkin(record(WORST))
    view = checkin_modals.build_stop_modal(item, STOP_METADATA)
    assert (view["type"], view["callback_id"], view["private_metadata"]) == ("modal", STOP_MODAL, STOP_METADATA)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "Stop check-ins",
        "Stop",
        "Cancel",
    )
    assert view["blocks"][0]["text"] == {
        "type": "mrkdwn",
        "text": f"No more check-ins for *{escape(item.candidate.name)}*. Why?",
    }
    reason = view["blocks"][1]
    assert (reason["type"], reason["block_id"]) == ("input", STOP_REASON_BLOCK)
    assert (reason["element"]["type"], reason["element"]["action_id"]) == ("radio_buttons", FIELD_ACTION)
    assert [(option["value"], option["text"]["text"]) for option in reason["element"]["options"]] == [
        ("hired_elsewhere", "Hired elsewhere"),
        ("not_interested", "Not interested"),
        ("other", "Other"),
    ]
    assert list(checkin_modals.STOP_REASONS) == ["hired_elsewhere", "not_interested", "other"]
    assert "<@U123>" not in json.dumps(view) and "<!channel>" not in json.dumps(view)


DRAFT_CLOSE = (
    "I saw real talent in you during our process, and even though it did not work out that time, "
    "I would love to keep in touch. If a role comes up that fits you, may I reach out? "
    "And I am always happy to hear what you are working on.\n\nAll the best,"
)


def test_draft_for_the_first_check_in_gives_the_promised_feedback_and_asks_for_consent() -> None:
    assert checkin_modals.draft_text(checkin(record(), step=0), 0, SWEEP) == (
        "Hi Jane,\n\nThank you again for the time you gave us for the Senior Backend Engineer role. "
        "I promised you feedback, so here it is: [what the team liked, and what would make the difference next time]."
        "\n\n"
        + DRAFT_CLOSE.replace(
            "\n\nAll the best,",
            "\n\nSo that we can do that, may we keep your details (name, contact details and notes from our process) "
            "on file? We only keep them for a limited time unless you agree; a short yes is enough, and you can ask "
            "us to delete them at any time.\n\nAll the best,",
        )
    )


@pytest.mark.parametrize(
    ("step", "days", "since"), [(1, 90, "3 months"), (2, 270, "9 months"), (5, 800, "2 years"), (3, 40, "40 days")]
)
def test_draft_for_a_later_check_in_asks_how_they_are(step: int, days: int, since: str) -> None:
    text = checkin_modals.draft_text(checkin(record(), step=step), step, AT + timedelta(days=days))
    assert text == (
        f"Hi Jane,\n\nIt has been {since} since we spoke about the Senior Backend Engineer role, "
        f"and I wanted to check in: how are things?\n\n{DRAFT_CLOSE}"
    )
    assert "feedback" not in text


def test_draft_uses_the_first_name_and_the_role_as_typed() -> None:
    item = checkin(record(WORST), step=0)
    text = checkin_modals.draft_text(item, 0, SWEEP)
    assert text.startswith("Hi Zoë,\n\n")
    assert f"for the {item.rejection.role_title} role" in text  # shown as plain text: not escaped, not mrkdwn


def test_draft_modal_shows_the_draft_as_plain_text_and_escapes_the_name() -> None:
    for raw, step in ((REALISTIC, 0), (WORST, 2), (EXPANDING, 0)):
        item = checkin(record(raw), step=step)
        view = checkin_modals.build_draft_modal(item, step, SWEEP)
        check_blocks(view["blocks"], limit=VIEW_BLOCKS_MAX, where="draft modal")
        for mrkdwn, where in mrkdwn_texts(view["blocks"]):
            check_escaped(mrkdwn, where)
        assert f"your note to *{escape(item.candidate.name)}*." in view["blocks"][0]["text"]["text"]
        draft = view["blocks"][1]["text"]
        assert draft == {"type": "plain_text", "text": truncate(checkin_modals.draft_text(item, step, SWEEP), 3000)}
        assert (view["title"]["text"], view["close"]["text"]) == ("Draft a message", "Done")


def test_draft_modal_has_no_input_so_slack_needs_no_submit_button() -> None:
    """Slack refuses a modal with an input block and no submit; the draft is read-only text instead."""
    view = checkin_modals.build_draft_modal(checkin(record()), 0, SWEEP)
    assert not any(block["type"] == "input" for block in view["blocks"])
    assert "submit" not in view
