"""How a handler answers a slash command: ephemerally, in the HTTP acknowledgement itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.common import Message


def ephemeral(reply: Message) -> dict[str, Any]:
    """A reply only the person who asked sees: for ack(), respond() or a response_url."""
    return {"response_type": "ephemeral", "text": reply["text"], "blocks": reply["blocks"]}


def ack_ephemeral(ack: Ack, reply: Message) -> None:
    """Answer in the HTTP acknowledgement itself."""
    ack(**ephemeral(reply))
