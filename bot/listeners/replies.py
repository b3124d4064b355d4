"""How a handler answers a slash command: ephemerally, in the HTTP acknowledgement itself."""

from __future__ import annotations

from slack_bolt import Ack

from bot.blocks.common import Message


def ack_ephemeral(ack: Ack, reply: Message) -> None:
    """Only the person who typed the command sees the answer."""
    ack(response_type="ephemeral", text=reply["text"], blocks=reply["blocks"])
