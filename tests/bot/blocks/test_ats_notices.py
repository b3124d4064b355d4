"""The ATS notice DM (bot.blocks.ats_notices): its sentences for every shape of notice, escaping, and what a decision
leaves in place of the controls."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from bot.blocks.ats_notices import REASON_PREVIEW, build_notices, decision_block, rejected_sentence
from models import AtsNotice, Decision
from tests.bot.blocks.block_kit import date_of
from tests.bot.blocks.inputs import (
    FIRST_CHECKIN,
    NOTICE_MINIMAL,
    NOTICE_REALISTIC,
    NOTICE_WORST,
    RECRUITER_IDS,
    SWEEP,
    notice,
    notices_of_each_kind,
)


def sentences(notices: list[AtsNotice]) -> list[str]:
    message = build_notices(notices, first_checkins={}, more=0)
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


@pytest.mark.parametrize(
    ("source", "name"), [("greenhouse", "Greenhouse"), ("lever", "Lever"), ("ashby", "Ashby")], ids=str
)
def test_each_ats_is_named_as_its_users_call_it(source: str, name: str) -> None:
    assert rejected_sentence(notice(source=source)).startswith(f"From {name}: you rejected *Priya Raman*")


def test_what_the_ats_did_not_say_is_left_out() -> None:
    assert sentences(notices_of_each_kind(NOTICE_MINIMAL))[:2] == [
        "From Greenhouse: you rejected *Li*. Keep them warm?",
        "From Lever: they rejected us: *Li* withdrew. Keep them warm?",
    ]
    hired, applied = sentences(notices_of_each_kind(NOTICE_MINIMAL))[4:]
    assert hired == ":tada: From Greenhouse: *Li* was hired: the check-ins worked, and they have stopped."
    assert applied == ":wave: From Lever: *Li* applied again."


def test_no_sentence_guesses_a_pronoun() -> None:
    for text in sentences(notices_of_each_kind(NOTICE_REALISTIC)):
        assert not re.search(r"\b(she|her|hers|he|him|his)\b", text, re.IGNORECASE), text


def test_the_ats_words_are_escaped_and_a_long_reason_cut() -> None:
    text = rejected_sentence(notice(NOTICE_WORST))
    assert "<!channel>" not in text and "<@U123>" not in text and "&lt;!channel&gt;" in text
    reason = text[text.index(" (Reason:") + 2 : text.rindex(").")]
    assert len(html.unescape(reason)) <= REASON_PREVIEW and reason.endswith("…")  # cut as sent, then escaped


def test_a_decision_says_what_became_of_the_notice_by_whom_and_what_comes_next() -> None:
    def shown(decision: Decision, *, auto: bool = False, first: datetime | None = None) -> str:
        item = notice(decision=decision, decided_by=RECRUITER_IDS[1], auto_kept=auto)
        item.decided_at = SWEEP
        return decision_block(item, first_checkin=first)["elements"][0]["text"]

    by = f"by <@{RECRUITER_IDS[1]}> on {date_of(SWEEP)}"
    assert shown(Decision.KEPT, first=FIRST_CHECKIN) == (
        f":white_check_mark: Kept warm {by}. First check-in around {date_of(FIRST_CHECKIN)}."
    )
    assert shown(Decision.KEPT) == f":white_check_mark: Kept warm {by}."
    assert shown(Decision.DISMISSED) == f":heavy_minus_sign: Not kept {by}."
    assert shown(Decision.UNDONE, auto=True) == f":leftwards_arrow_with_hook: Undone {by}: not kept."
    assert shown(Decision.WITHDRAWN) == (
        ":leftwards_arrow_with_hook: Withdrawn in Greenhouse: they are no longer rejected, so nothing is kept."
    )


def test_only_rejections_offer_controls() -> None:
    message = build_notices(notices_of_each_kind(NOTICE_REALISTIC), first_checkins={}, more=0)
    controls = [block["block_id"] for block in message["blocks"] if block["type"] == "actions"]
    assert controls == [f"ats_notice:{n}" for n in (1, 2, 3, 4)]  # the hire and the new application only tell
