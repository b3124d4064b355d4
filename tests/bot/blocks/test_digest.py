"""The channel digest and its reveal (bot.blocks.digest)."""

from __future__ import annotations

import json
import re

import pytest

from bot.blocks import digest, roles
from bot.blocks.common import section
from bot.blocks.digest import TOP_MATCHES, DigestEntry
from bot.ids import (
    DIGEST_REVEAL,
    ROLE_REACH_OUT,
)
from tests.bot.blocks.block_kit import MESSAGE_BLOCKS_MAX, TEXT_OBJECT_MAX, buttons
from tests.bot.blocks.inputs import (
    EXPANDING,
    NOW,
    REALISTIC,
    ROLE_EXPANDING,
    ROLE_REALISTIC,
    ROLE_WORST,
    WORST,
    digest_entries,
    many_roles,
    matches,
    open_role,
)


def named_entries(count: int) -> list[DigestEntry]:
    """Roles with distinctly named candidates, the last one with nobody who fits."""
    listed = many_roles(ROLE_REALISTIC, count)
    entries = [DigestEntry(role, matches(REALISTIC, role, TOP_MATCHES, named=True), more=True) for role in listed]
    return [*entries[:-1], DigestEntry(listed[-1], [])]


def test_digest_without_names_shows_only_counts_owners_and_a_reveal_button_per_role() -> None:
    entries = named_entries(4)
    message = digest.build_digest(entries, show_names=False, now=NOW)
    shown = json.dumps(message, ensure_ascii=False)
    for match in (match for entry in entries for match in entry.matches):
        assert match.name not in shown and match.name.split()[0] not in shown
        assert roles.match_reason(match, NOW) not in shown
    for private in ("jane.doe@example.com", "@example.com", "linkedin", "Great system design", "feedback"):
        assert private not in shown.lower()
    assert buttons(message, ROLE_REACH_OUT) == []
    reveal = buttons(message, DIGEST_REVEAL)
    assert [button["value"] for button in reveal] == [str(entry.role.id) for entry in entries[:-1]]
    assert {button["text"]["text"] for button in reveal} == {"Show names"}
    for entry, block in zip(entries[:-1], message["blocks"][1:4], strict=True):
        assert "5+ past candidate(s) fit · owners: <@U0RECRUIT1>, <@U0RECRUIT2>, <@W0RECRUIT3>" in block["text"]["text"]
        assert f"(#{entry.role.id})" in block["text"]["text"]
    assert message["blocks"][4] == section(
        "*<https://jobs.example.com/backend-engineer|Senior Backend Engineer>* (#4)\nBerlin · Platform · opened with"
        " /role\nNo past candidate fits yet."
    )
    assert "Show names" in message["blocks"][-1]["elements"][0]["text"]


def test_digest_with_names_shows_each_match_with_a_reach_out_button_and_still_no_contact_details() -> None:
    entries = named_entries(3)
    message = digest.build_digest(entries, show_names=True, now=NOW)
    shown = json.dumps(message, ensure_ascii=False)
    for entry in entries:
        for match in entry.matches:
            assert f"*{match.name}*: {roles.match_reason(match, NOW)} · owner <@{match.owner_user_id}>" in shown
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"{entry.role.id}:{match.candidate_id}" for entry in entries for match in entry.matches
    ]
    assert buttons(message, DIGEST_REVEAL) == []
    for private in ("@example.com", "linkedin", "Great system design", "feedback"):
        assert private not in shown.lower()


@pytest.mark.parametrize("show_names", [True, False])
@pytest.mark.parametrize(("role_raw", "candidate_raw"), [(ROLE_WORST, WORST), (ROLE_EXPANDING, EXPANDING)])
def test_a_digest_of_60_roles_keeps_within_50_blocks_and_accounts_for_every_role(
    show_names: bool, role_raw: dict[str, str | None], candidate_raw: dict[str, str | None]
) -> None:
    entries = digest_entries(role_raw, candidate_raw, 60)
    message = digest.build_digest(entries, show_names=show_names, now=NOW)
    blocks = message["blocks"]
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    per_role = 1 + TOP_MATCHES if show_names else 1
    assert len(blocks) + per_role > MESSAGE_BLOCKS_MAX, "room was left for another role in full"
    action = ROLE_REACH_OUT if show_names else DIGEST_REVEAL
    full = list(dict.fromkeys(int(button["value"].split(":")[0]) for button in buttons(message, action)))
    compact = blocks[-2]["text"]["text"]
    assert compact.startswith(f"*{60 - len(full)} more new role(s)*")
    listed = [int(n) for n in re.findall(r" \(#(\d+)\): 5\+?$", compact, flags=re.MULTILINE)]
    left = re.search(r"… and (\d+) more: see `/role list`$", compact)
    assert full + listed == list(range(1, len(full) + len(listed) + 1))
    assert len(full) + len(listed) + (int(left.group(1)) if left else 0) == 60
    assert len(compact) <= TEXT_OBJECT_MAX


def test_reveal_shows_at_most_the_top_matches_only_to_whoever_asked() -> None:
    role = open_role()
    found = matches(REALISTIC, role, 8, named=True)
    message = digest.build_reveal(role, found, now=NOW)
    assert "only you can see this" in message["blocks"][0]["text"]["text"]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"12:{match.candidate_id}" for match in found[:TOP_MATCHES]
    ]
    none_left = digest.build_reveal(role, [], now=NOW)
    assert "No past candidate fits" in none_left["text"] and buttons(none_left, ROLE_REACH_OUT) == []
