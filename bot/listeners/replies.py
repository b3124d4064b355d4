"""How a handler answers a slash command or a click: ephemerally, only to the person who asked."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk.errors import SlackClientError

from bot.blocks.common import Message


def ephemeral(reply: Message) -> dict[str, Any]:
    """A reply only the person who asked sees: for ack(), respond() or a response_url."""
    return {"response_type": "ephemeral", "text": reply["text"], "blocks": reply["blocks"]}


def ack_ephemeral(ack: Ack, reply: Message) -> None:
    """Answer in the HTTP acknowledgement itself."""
    ack(**ephemeral(reply))


def answer_click(respond: Respond, reply: Message, logger: Logger) -> None:
    """Answer a button click only to the person who clicked, leaving the message they clicked alone."""
    try:
        respond(**ephemeral(reply), replace_original=False)
    except (SlackClientError, OSError):
        logger.exception("could not answer a button click")
