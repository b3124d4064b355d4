"""How a handler answers a slash command, a click or a form: ephemerally, only to whoever asked; and who may ask."""

from __future__ import annotations

import json
from collections.abc import Callable
from logging import Logger
from typing import Any, NamedTuple, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.access import AccessCheckFailed
from bot.blocks.common import Message, message, section
from bot.services import Services

T = TypeVar("T")


def ephemeral(reply: Message) -> dict[str, Any]:
    """A reply only the person who asked sees: for ack(), respond() or a response_url."""
    return {"response_type": "ephemeral", "text": reply["text"], "blocks": reply["blocks"]}


def one_section(text: str) -> Message:
    """A reply that is one mrkdwn sentence."""
    return message(text, [section(text)])


def ack_ephemeral(ack: Ack, reply: Message) -> None:
    """Answer in the HTTP acknowledgement itself."""
    ack(**ephemeral(reply))


class ClickedMessage(NamedTuple):
    """The message a button was clicked in: its channel and ts (both None on the Home tab), blocks and text."""

    channel: str | None
    ts: str | None
    blocks: list[dict[str, Any]]
    text: str


def clicked_message(body: dict[str, Any]) -> ClickedMessage:
    """Where a click came from, so its handler can redraw the message. Slack puts the channel and ts in
    `container`; `channel` and `message` hold them too."""
    message = body.get("message") or {}
    container = body.get("container") or {}
    return ClickedMessage(
        channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
        ts=container.get("message_ts") or message.get("ts"),
        blocks=list(message.get("blocks") or []),
        text=str(message.get("text") or ""),
    )


def answer_click(respond: Respond, reply: Message, logger: Logger) -> None:
    """Answer a button click only to the person who clicked, leaving the message they clicked alone."""
    try:
        respond(**ephemeral(reply), replace_original=False)
    except (SlackClientError, OSError):
        logger.exception("could not answer a button click")


def form_metadata(private_metadata: str | None) -> dict[str, Any]:
    """What Keepwarm kept in a form's private_metadata when it opened it (a JSON object), or {} when there is none
    or it is not one: forms opened elsewhere, or a forged submission, get nothing to act on."""
    try:
        kept = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return kept if isinstance(kept, dict) else {}


def answer_form(
    client: WebClient, *, user_id: str, private_metadata: str, reply: Message, what: str, logger: Logger
) -> None:
    """Answer a submitted form where its command was typed (the response_url kept in the form's private_metadata),
    or by DM when that is no longer possible. `what` names the answer in logs."""
    response_url = form_metadata(private_metadata).get("response_url")
    if response_url:
        try:
            sent = WebhookClient(response_url).send(**ephemeral(reply))
            if sent.status_code == 200:
                return
            logger.warning("response_url answered %s; sending %s by DM instead", sent.status_code, what)
        except (SlackClientError, OSError):
            logger.exception("could not answer through response_url; sending %s by DM instead", what)
    try:
        client.chat_postMessage(channel=user_id, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not send %s to %s", what, user_id)


def admit_recruiter(
    svc: Services, user_id: str, logger: Logger, *, unknown: T, refused: T, answer: Callable[[T], object]
) -> bool:
    """True when the user may use Keepwarm's commands, forms and match buttons; otherwise `answer` tells them why not,
    in the words of where they asked: `unknown` when Slack did not say who is in the recruiters' user group (Keepwarm
    refuses rather than guesses), `refused` when they are not a recruiter."""
    try:
        allowed = svc.access.may_record(user_id)
    except AccessCheckFailed:
        logger.exception("could not read the recruiters' user group to admit %s", user_id)
        answer(unknown)
        return False
    if not allowed:
        logger.info("refused %s, who is not a recruiter", user_id)
        answer(refused)
    return allowed
