"""Stop: ask why in a small modal; the submission (views/checkin_stop_submitted.py) does the stopping."""

from __future__ import annotations

import json
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.checkin_modals import build_stop_modal
from bot.blocks.reminders import ButtonValue
from bot.listeners.actions.checkin_action import Clicked, open_checkin_modal
from bot.services import services
from models import Checkin


def handle_checkin_stop(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    ack()
    clicked = Clicked.from_body(body, context)
    # Where the button was, so the submission can update that message in place.
    metadata = json.dumps(
        {
            "value": clicked.value.encode() if clicked.value else "",
            "channel": clicked.channel,
            "ts": clicked.message_ts,
            "response_url": clicked.response_url,
        }
    )

    def build(checkin: Checkin, _value: ButtonValue, _now: datetime) -> dict[str, Any]:
        return build_stop_modal(checkin, metadata)

    open_checkin_modal(
        svc=services(context), client=client, clicked=clicked, trigger_id=body["trigger_id"], build=build, logger=logger
    )
