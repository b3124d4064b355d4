"""What the buttons under matches ("Show names", "I'll reach out") do around their own work: acknowledge, let only
recruiters through, and answer the person who clicked, and only them, with what the work returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import Message
from bot.listeners.replies import admit_recruiter, answer_click, one_section
from bot.services import Services, services


@dataclass(frozen=True)
class MatchClick:
    """A recruiter's click on a button under a match: who, in which workspace, and the button's value."""

    svc: Services
    client: WebClient
    team_id: str
    user_id: str
    value: str
    logger: Logger


def match_click_listener(
    *, cannot_check: str, not_allowed: str, work: Callable[[MatchClick], Message]
) -> Callable[[Ack, dict[str, Any], BoltContext, Respond, Logger], None]:
    """The Bolt listener of one such button: `work` runs for a recruiter and its reply is shown to them;
    `cannot_check` and `not_allowed` say, in this button's words, why anyone else's click did nothing."""

    def listener(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, logger: Logger) -> None:
        ack()
        svc = services(context)
        if admit_recruiter(
            svc,
            context.user_id,
            logger,
            unknown=one_section(cannot_check),
            refused=one_section(not_allowed),
            answer=lambda reply: answer_click(respond, reply, logger),
        ):
            click = MatchClick(
                svc=svc,
                client=context.client,
                team_id=context.team_id,
                user_id=context.user_id,
                value=str(body["actions"][0].get("value", "")),
                logger=logger,
            )
            answer_click(respond, work(click), logger)

    return listener
