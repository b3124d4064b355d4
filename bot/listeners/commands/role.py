"""`/role` is in the app manifest already; until role matching ships it says so instead of failing."""

from __future__ import annotations

from slack_bolt import Ack

from bot.blocks.common import message, section
from bot.listeners.replies import ack_ephemeral

NOT_YET = "Role matching is not switched on in this version of Keepwarm yet. `/rejected` works today."


def handle_role(ack: Ack) -> None:
    ack_ephemeral(ack, message(NOT_YET, [section(NOT_YET)]))
