"""What `/role`'s replies say (bot.blocks.roles): matches when a role opens, finalists when it reopens, the list."""

from __future__ import annotations

from bot.blocks import (
    digest,
    roles,
)
from bot.ids import (
    ROLE_REACH_OUT,
)
from tests.bot.blocks.block_kit import MESSAGE_BLOCKS_MAX, buttons
from tests.bot.blocks.inputs import (
    DIGEST_CHANNEL,
    EXPANDING,
    NOW,
    REALISTIC,
    ROLE_EXPANDING,
    ROLE_REALISTIC,
    ROLE_WORST,
    WORST,
    finalists,
    many_roles,
    matches,
    open_role,
)

# ---------------------------------------------------------------------------------------------------------------------
# Roles: the `/role` replies, the modal, the channel digest with its reveal, and the reopen DM.
# ---------------------------------------------------------------------------------------------------------------------


def test_role_opened_lists_each_match_with_why_its_owner_and_a_reach_out_button() -> None:
    role = open_role()
    found = matches(REALISTIC, role, 3, named=True)
    message = roles.build_role_opened(role, found, now=NOW, digest_channel=DIGEST_CHANNEL)
    assert message["text"] == "Opened role #12: Senior Backend Engineer; 3 past candidates fit"
    assert message["blocks"][0]["text"]["text"] == (
        ":briefcase: Opened role #12 <https://jobs.example.com/backend-engineer|*Senior Backend Engineer*> · Berlin"
        " · Platform. Past candidates who fit, best first:"
    )
    lines = [block["text"]["text"] for block in message["blocks"][1:-1]]
    assert lines == [f"*{m.name}*: {roles.match_reason(m, NOW)} · owner <@{m.owner_user_id}>" for m in found]
    assert "python, postgres; was finalist for Senior Backend Engineer" in lines[0]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [f"12:{m.candidate_id}" for m in found]
    assert f"<#{DIGEST_CHANNEL}>" in message["blocks"][-1]["elements"][0]["text"]
    unset = roles.build_role_opened(role, [], now=NOW, digest_channel=None)
    assert "No past finalists or strongly rated candidates fit it yet." in unset["blocks"][0]["text"]["text"]
    assert "No digest channel is set up" in unset["blocks"][0]["text"]["text"]
    assert buttons(unset, ROLE_REACH_OUT) == []


def test_role_reopened_lists_at_most_30_finalists_and_names_each_owner_once() -> None:
    message = roles.build_role_reopened(open_role(ROLE_WORST), finalists(WORST, 40), now=NOW, digest_channel=None)
    shown = [block for block in message["blocks"] if block["type"] == "section"][1:]
    assert len(shown) == roles.FINALISTS_SHOWN == 30
    assert message["blocks"][-2]["elements"][0]["text"] == "and 10 more"
    owners = message["blocks"][-1]["elements"][0]["text"]
    assert owners.startswith("Their owners (<@U0RECRUIT1>, <@U0RECRUIT2>, <@W0RECRUIT3>) get a DM")
    assert message["text"].endswith("; 40 past finalists")
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX


def test_role_list_says_where_each_role_came_from_and_whether_a_digest_showed_it() -> None:
    listed = many_roles(ROLE_REALISTIC, 3)
    message = roles.build_role_list(listed, total=30)
    assert message["text"] == "Open roles: 30"
    assert message["blocks"][0]["text"]["text"] == "Open roles (30)"
    texts = [block["text"]["text"] for block in message["blocks"][1:4]]
    assert "opened in Slack by <@U0RECRUIT1>" in texts[0] and "in the digest of <!date^" in texts[0]
    assert "from Greenhouse (acme)" in texts[1] and "waiting for the next digest" in texts[1]
    assert "<https://boards.greenhouse.io/acme/jobs/4000001|*Senior Backend Engineer*>" in texts[1]
    assert "from Lever (acme)" in texts[2]
    assert message["blocks"][-1]["elements"][0]["text"] == "27 older open roles are not shown."


def test_the_owner_of_a_match_stays_named_whatever_the_reason_is() -> None:
    role = open_role(ROLE_EXPANDING)
    found = matches(EXPANDING, role, 1)
    for message in (
        roles.build_role_opened(role, found, now=NOW, digest_channel=None),
        digest.build_reveal(role, found, now=NOW),
    ):
        [block] = [block for block in message["blocks"] if "accessory" in block]
        assert block["text"]["text"].endswith(f"<@{found[0].owner_user_id}>")
