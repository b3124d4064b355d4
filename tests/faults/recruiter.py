"""What a recruiter does in Slack, against a real `python -m bot`: commands, the Home tab, buttons; each one timed.

Slack allows three seconds for an answer. Commands answer in the HTTP acknowledgement; the Home tab and buttons
answer through the Web API (views.publish, a response_url, chat.update), so those are timed until the answer reached
the fake Slack.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from testkit.data import reject
from testkit.fakeslack import TEAM_ID, Call, FakeSlack
from testkit.processes import Bot
from testkit.slack_http import (
    as_slack_sends,
    block_actions_payload,
    event_body,
    everything,
    home_click_payload,
    interactive_body,
    post_signed,
    slash_command_body,
)
from testkit.sweeps import checkins_in, dm

SLACK_SECONDS = 3.0


@dataclass
class Timed:
    """A request, how long the recruiter waited for its answer, and the answer."""

    seconds: float
    text: str = ""
    calls: list[Call] = field(default_factory=list)


def wait(condition: Callable[[], Any], what: str, timeout: float, *, alive: Sequence[Bot] = ()) -> Any:
    """Poll until `condition()` is truthy and return it; fail with the processes' output if one dies or time is up."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        for bot in alive:
            assert bot.process.poll() is None, f"a process exited ({bot.process.returncode}):\n{bot.output()}"
        if time.monotonic() > deadline:
            logs = "\n".join(bot.output()[-4000:] for bot in alive)
            raise AssertionError(f"timed out after {timeout}s waiting for {what}:\n{logs}")
        time.sleep(0.02)
    return result


def command(web: Bot, text: str, user: str) -> Timed:
    """`/rejected <text>`; the answer is in the acknowledgement."""
    started = time.monotonic()
    reply = post_signed(web.url + "/slack/events", slash_command_body(text=text, user_id=user))
    assert reply.status == 200, reply.body
    return Timed(time.monotonic() - started, everything(reply.json()))


def answered(fake: FakeSlack, send: Callable[[], None], match: Callable[[Call], bool], what: str) -> Timed:
    """Send a request answered through the Web API; timed until the first call `match` accepts reached Slack."""
    seen = len(fake.calls)
    started = time.monotonic()
    send()
    calls = wait(lambda: [call for call in fake.calls[seen:] if match(call)], what, 10 * SLACK_SECONDS)
    return Timed(time.monotonic() - started, calls=calls)


def publishes_home(user: str) -> Callable[[Call], bool]:
    return lambda call: call.method == "views.publish" and call.params["user_id"] == user


def open_home(web: Bot, fake: FakeSlack, user: str) -> Timed:
    event = {"type": "app_home_opened", "user": user, "channel": dm(user), "tab": "home", "event_ts": "1.1"}

    def send() -> None:
        reply = post_signed(web.url + "/slack/events", event_body(event), content_type="application/json")
        assert reply.status == 200, reply.body

    return answered(fake, send, publishes_home(user), f"{user}'s Home tab")


def button_value(blocks: list[dict[str, Any]], checkin: int, action_id: str) -> str:
    """The value of the `action_id` button drawn for this check-in."""
    [value] = [
        element["value"]
        for block in blocks
        if block.get("block_id") == f"checkin_actions:{checkin}"
        for element in block["elements"]
        if element.get("action_id") == action_id
    ]
    return value


def _send_click(web: Bot, payload: dict[str, Any]) -> Callable[[], None]:
    def send() -> None:
        reply = post_signed(web.url + "/slack/events", interactive_body(payload))
        assert (reply.status, reply.body) == (200, "")

    return send


def click_in_dm(
    web: Bot, fake: FakeSlack, user: str, message: dict[str, Any], checkin: int, action_id: str, name: str
) -> Timed:
    """Click a button of a reminder DM as Slack sends it; answered by updating the DM, or to the response_url `name`."""
    payload = block_actions_payload(
        action_id=action_id,
        value=button_value(message["blocks"], checkin, action_id),
        block_id=f"checkin_actions:{checkin}",
        user_id=user,
        channel_id=dm(user),
        message_ts=message["ts"],
        response_url=fake.response_url(name),
    )
    payload["message"] |= {"text": message["text"], "blocks": as_slack_sends(message["blocks"])}

    def answer(call: Call) -> bool:
        if call.method == "response_url":
            return call.params["_name"] == name
        return call.method == "chat.update" and call.params.get("ts") == message["ts"]

    return answered(fake, _send_click(web, payload), answer, f"an answer to {name}")


def click_on_home(web: Bot, fake: FakeSlack, user: str, view: dict[str, Any], checkin: int, action_id: str) -> Timed:
    """Click a button on the Home tab: Slack sends the view and no response_url, so the answer is Home redrawn."""
    payload = home_click_payload(
        view=view,
        action_id=action_id,
        value=button_value(view["blocks"], checkin, action_id),
        block_id=f"checkin_actions:{checkin}",
        user_id=user,
        team_id=TEAM_ID,
    )
    return answered(fake, _send_click(web, payload), publishes_home(user), f"{user}'s Home tab redrawn")


def home_text(call: Call) -> str:
    return str(call.params["view"]["blocks"])


def record_checkin(sessions: sessionmaker[Session], settings: Settings, user: str, name: str, at: datetime) -> int:
    """Record a strong rejection of `user`'s as /rejected does, dated `at`; the id of the check-in it started."""
    checkin = reject(sessions, user=user, name=name, at=at, policy=settings.policy).checkin_id
    assert checkin is not None
    return checkin


def posted_checkins(fake: FakeSlack) -> Counter[int]:
    """How often each check-in was in a reminder Slack received (a later click replaces its buttons in the DM)."""
    return Counter(checkin for call in fake.calls_to("chat.postMessage") for checkin in checkins_in(call.params))
