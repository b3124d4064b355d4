"""What `/rejected`'s replies say (bot.blocks.rejections): the confirmation, the list, usage, and links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.blocks import (
    rejections,
)
from bot.blocks.common import escape
from bot.rejection_input import (
    InputErrors,
)
from tests.bot.blocks.block_kit import check_message
from tests.bot.blocks.inputs import AT, POLICY, REALISTIC, WORST, Json, many, record

# ---------------------------------------------------------------------------------------------------------------------
# What the messages say.
# ---------------------------------------------------------------------------------------------------------------------


def all_text(message: Json) -> str:
    parts = [message.get("text", "")]
    for block in message["blocks"]:
        texts = [block.get("text"), *block.get("elements", [])]
        parts.extend(text["text"] for text in texts if isinstance(text, dict) and "text" in text)
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("stage", "rating"), [("final", None), ("final", "1"), ("screen", "4"), ("interview", "5"), ("screen", "5")]
)
def test_confirmation_of_a_strong_rejection_promises_a_check_in(stage: str, rating: str) -> None:
    rejection = record(WORST, stage=stage, rating=rating)
    message = rejections.build_confirmation(rejection, POLICY)
    name, role = escape(rejection.candidate.name), escape(rejection.role_title)
    assert name in message["text"] and role in message["text"]
    first = message["blocks"][0]["text"]["text"]
    assert name in first and role in first
    then = message["blocks"][1]["text"]["text"]
    due = int(POLICY.first_checkin(AT).timestamp())
    assert "remind you to check in" in then and f"<!date^{due}^" in then
    assert name in then
    assert "No check-ins" not in all_text(message)


@pytest.mark.parametrize(
    ("stage", "rating", "opted_out", "says"),
    [
        ("screen", None, False, "No check-ins are scheduled"),
        ("interview", "3", False, "No check-ins are scheduled"),
        ("final", "5", True, "opted out"),
        ("screen", "4", True, "opted out"),
    ],
)
def test_confirmation_of_a_weak_or_opted_out_rejection_promises_nothing(
    stage: str, rating: str | None, opted_out: bool, says: str
) -> None:
    rejection = record(REALISTIC, stage=stage, rating=rating, opted_out=opted_out)
    message = rejections.build_confirmation(rejection, POLICY)
    assert "Jane Doe" in message["text"] and "Senior Backend Engineer" in message["text"]
    first = message["blocks"][0]["text"]["text"]
    assert "Jane Doe" in first and "Senior Backend Engineer" in first
    assert says in message["blocks"][1]["text"]["text"]
    assert "remind" not in all_text(message) and "<!date^" not in all_text(message)


def test_confirmation_counts_earlier_rejections() -> None:
    first = record()
    assert "earlier rejection" not in all_text(rejections.build_confirmation(first, POLICY))
    second = record(candidate=first.candidate, at=AT + timedelta(days=40))
    assert "1 earlier rejection on record" in all_text(rejections.build_confirmation(second, POLICY))
    third = record(candidate=first.candidate, at=AT + timedelta(days=80))
    assert "2 earlier rejections on record" in all_text(rejections.build_confirmation(third, POLICY))


def test_confirmation_shows_contact_details_as_links() -> None:
    text = all_text(rejections.build_confirmation(record(), POLICY))
    assert "<mailto:jane.doe@example.com|jane.doe@example.com>" in text
    assert "<https://linkedin.com/in/jane-doe|LinkedIn>" in text
    assert "`python` `postgres` `kubernetes`" in text


@pytest.mark.parametrize("whole_team", [False, True])
def test_list_names_the_recruiter_only_for_the_whole_team(whole_team: bool) -> None:
    rows = many(WORST, 6)
    message = rejections.build_list(rows, whole_team=whole_team)
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    assert len(sections) == len(rows)
    for row, text in zip(rows, sections, strict=True):
        assert escape(row.candidate.name) in text
        assert (f"<@{row.recruiter.user_id}>" in text) is whole_team
    assert ("<@" in all_text(message)) is whole_team
    assert ("team" in message["blocks"][0]["text"]["text"]) is whole_team


def test_list_keeps_the_newest_first() -> None:
    rows = many(REALISTIC, 3)
    texts = [block["text"]["text"] for block in rejections.build_list(rows, whole_team=False)["blocks"][1:]]
    assert [re.search(r"<!date\^(\d+)\^", text).group(1) for text in texts] == [
        str(int(row.rejected_at.timestamp())) for row in rows
    ]


def test_usage_leads_with_what_was_refused() -> None:
    message = rejections.build_usage(
        {"list": "Only Keepwarm admins can list the whole team's rejections."}, refused="Cannot list"
    )
    assert message["text"].startswith("Cannot list: ")
    assert message["blocks"][0]["text"]["text"].startswith(":warning: Cannot list:")
    assert rejections.build_usage()["text"] == "How to use /rejected"


# ---------------------------------------------------------------------------------------------------------------------
# Links: typed text can never end or split a Slack <url|label> link.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"), [("linkedin", "linkedin.com/in/jane><!channel>"), ("email", "jane|doe@example.com")]
)
def test_link_breaking_characters_are_refused_at_input(field: str, value: str) -> None:
    with pytest.raises(InputErrors) as refused:
        record(**{field: value})
    assert field in refused.value.errors


def test_a_stored_url_with_link_breaking_characters_stays_one_link() -> None:
    rejection = record()
    rejection.candidate.linkedin_url = "https://linkedin.com/in/jane><!channel>"
    reply = rejections.build_confirmation(rejection, POLICY)
    check_message(reply)
    shown = str(reply["blocks"])
    assert "<!channel>" not in shown and "%3E%3C!channel%3E" in shown
