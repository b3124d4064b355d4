"""The reopen alert DM (bot.blocks.role_alerts)."""

from __future__ import annotations

from bot.blocks import (
    role_alerts,
)
from bot.blocks.common import escape
from bot.ids import (
    ROLE_REACH_OUT,
)
from tests.bot.blocks.block_kit import MESSAGE_BLOCKS_MAX, buttons
from tests.bot.blocks.inputs import (
    MINIMAL,
    NOW,
    REALISTIC,
    ROLE_MINIMAL,
    ROLE_REALISTIC,
    ROLE_WORST,
    WORST,
    finalists,
    open_role,
    reopened,
)


def test_role_alert_keeps_within_50_blocks_with_many_roles_and_finalists() -> None:
    alerts = reopened(ROLE_WORST, WORST, 60, 15)
    message = role_alerts.build_role_alert(alerts, now=NOW)
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX
    shown = alerts[: role_alerts.ROLES_MAX]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"{role.id}:{finalist.candidate_id}"
        for role, found in shown
        for finalist in found[: role_alerts.FINALISTS_PER_ROLE]
    ]
    contexts = [block["elements"][0]["text"] for block in message["blocks"] if block["type"] == "context"]
    assert contexts == [*["and 5 more"] * len(shown), "and 56 more reopened role(s): see `/role list`"]


def test_role_alert_names_the_roles_in_its_fallback_escaped() -> None:
    alerts = reopened(ROLE_REALISTIC, REALISTIC, 1, 2) + reopened(ROLE_MINIMAL, MINIMAL, 1, 1)
    message = role_alerts.build_role_alert(alerts, now=NOW)
    assert message["text"] == "Open again, and you have finalists for it: Senior Backend Engineer, QA"
    hostile = role_alerts.build_role_alert([(open_role(ROLE_WORST), finalists(WORST, 1))], now=NOW)
    assert hostile["text"] == "Open again, and you have finalists for it: " + escape(open_role(ROLE_WORST).title)
