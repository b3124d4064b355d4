"""Send requests to the app exactly as Slack does: signed, form-encoded, with the fields Slack really includes."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

SIGNING_SECRET = "test-signing-secret"
TEAM_DOMAIN = "keepwarm-test"
API_APP_ID = "A0APP"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
# The deprecated verification token Slack still sends in every payload; Bolt ignores it in favour of the signature.
VERIFICATION_TOKEN = "verification-token-test"
# Slack waits 3 s for an answer. Tests of hostile input bound the CPU time a request costs rather than the wall clock,
# because the work an input causes is what they are about and CPU time does not grow with whatever else the machine
# is doing: a loaded CI run once took 3.3 s of wall clock for a request that costs 0.1 s. The wall-clock answer times
# under load are the acknowledgement benchmark's (bench/ack_latency.py) and the database-outage test's.
SLACK_ACK_SECONDS = 3.0

T = TypeVar("T")

_event_serial = itertools.count(1)
_trigger_serial = itertools.count(1)


def _trigger_id() -> str:
    """Slack gives every command and submission its own trigger_id, so two alike are never the same signed bytes
    (the app refuses a signature it has already taken as a replay)."""
    return f"1337.{next(_trigger_serial)}.abcd"


@dataclass
class HttpReply:
    """What the app answered; non-2xx statuses are data here, not exceptions, because tests assert on them."""

    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def _canonical_header(name: str) -> str:
    """Servers differ in header case; normalise so tests can write "Content-Type" whatever the app sent."""
    return "-".join(part.capitalize() for part in name.split("-"))


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature, written from the spec rather than borrowed from slack_sdk, to cross-check it."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def _send(request: urllib.request.Request) -> HttpReply:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, headers = error.code, error.read(), error.headers
    return HttpReply(
        status=status,
        body=raw.decode("utf-8", errors="replace"),
        headers={_canonical_header(key): value for key, value in headers.items()},
    )


def post_signed(
    url: str,
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    extra_headers: dict[str, str] | None = None,
) -> HttpReply:
    """POST `body` signed as Slack would; pass `timestamp` or `signature` to forge stale or tampered requests."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature if signature is not None else sign(body, ts, secret),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        **(extra_headers or {}),
    }
    return _send(urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST"))


def post(url: str, body: bytes, headers: dict[str, str]) -> HttpReply:
    """POST raw bytes with exactly these headers: what another service (an ATS) sends."""
    return _send(urllib.request.Request(url, data=body, headers=headers, method="POST"))


def cpu_seconds(exchange: Callable[[], T]) -> tuple[T, float]:
    """The result of `exchange` and the CPU time this process, the client and the app it serves, spent on it."""
    started = time.process_time()
    result = exchange()
    return result, time.process_time() - started


def get(url: str, headers: dict[str, str] | None = None) -> HttpReply:
    return _send(urllib.request.Request(url, headers=headers or {}, method="GET"))


def _user(user_id: str, team_id: str) -> dict[str, str]:
    username = user_id.lower()
    return {"id": user_id, "username": username, "name": username, "team_id": team_id}


def _channel_name(channel_id: str) -> str:
    """Slack's placeholder names for conversations the app may not see by name."""
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return "general"


def slash_command_body(
    *,
    command: str = "/rejected",
    text: str = "",
    user_id: str = "U0REC",
    team_id: str = "T0TEST",
    channel_id: str = "C0CHAN",
    response_url: str = "https://hooks.slack.com/commands/T0TEST/1/x",
    trigger_id: str | None = None,
) -> str:
    """The form body of a slash command, field for field as Slack sends it."""
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": _channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or _trigger_id(),
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    """Interactivity arrives as one form field holding JSON, not as a JSON body."""
    return urlencode({"payload": json.dumps(payload)})


def view_submission_payload(
    *,
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    private_metadata: str = "",
    user_id: str = "U0REC",
    team_id: str = "T0TEST",
    view_id: str = "V0VIEW",
) -> dict[str, Any]:
    """A modal submission; `values` is state.values: {block_id: {action_id: {"type": ..., "value": ...}}}."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1700000000.abcdef12",
            "title": {"type": "plain_text", "text": "Keepwarm", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Save", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def file_input_state(files: list[dict[str, Any]]) -> dict[str, Any]:
    """A file_input's state in a view_submission: each uploaded file's object, whole, under `files` (Slack's
    file_input reference; a submission recorded in talosgh/omega-slackbot shows the shape)."""
    return {"type": "file_input", "files": files}


def checkboxes_state(options: list[dict[str, Any]], chosen: list[str]) -> dict[str, Any]:
    """A checkboxes element's state: the options ticked, each as the view offered it (text, value, description)."""
    return {"type": "checkboxes", "selected_options": [option for option in options if option["value"] in chosen]}


def shortcut_payload(*, callback_id: str, user_id: str = "U0REC", team_id: str = "T0TEST") -> dict[str, Any]:
    """A global shortcut (Slack's shortcuts payload reference): no channel, no message and no response_url."""
    return {
        "type": "shortcut",
        "token": VERIFICATION_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": _trigger_id(),
    }


def block_actions_payload(
    *,
    action_id: str,
    value: str = "",
    block_id: str = "b",
    user_id: str = "U0REC",
    team_id: str = "T0TEST",
    channel_id: str | None = "D0DM",
    message_ts: str | None = "1700000000.000100",
    response_url: str = "https://hooks.slack.com/actions/T0TEST/1/x",
    container_type: str = "message",
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button click; container_type="view" with `view` for clicks in the App Home or a modal."""
    if container_type == "view":
        container: dict[str, Any] = {"type": "view", "view_id": (view or {}).get("id", "V0VIEW")}
    else:
        container = {"type": container_type, "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": "1337.42.action",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": "Button", "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": _channel_name(channel_id)}
    if message_ts is not None:
        payload["message"] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": API_APP_ID,
            "team": team_id,
            "text": "",
            "ts": message_ts,
            "blocks": [],
        }
    if view is not None:
        payload["view"] = view
    return payload


def home_click_payload(
    *, view: dict[str, Any], action_id: str, value: str, user_id: str, team_id: str = "T0TEST", block_id: str = "b"
) -> dict[str, Any]:
    """A button click on the App Home tab: Slack sends the published view, and no message, channel or response_url."""
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        block_id=block_id,
        user_id=user_id,
        team_id=team_id,
        channel_id=None,
        message_ts=None,
        container_type="view",
        view={**view, "id": "V0HOME", "team_id": team_id, "state": {"values": {}}, "hash": "1768908600.home"},
    )
    del payload["response_url"]
    return payload


def home_user_choice_payload(
    *, view: dict[str, Any], action_id: str, block_id: str, selected_user: str, user_id: str, team_id: str = "T0TEST"
) -> dict[str, Any]:
    """A person chosen in a users_select on the App Home tab. Slack's block_actions reference: the action carries
    `selected_user` and no `value`, and the view's state holds the choice under its block and action ids."""
    payload = home_click_payload(view=view, action_id=action_id, value="", user_id=user_id, team_id=team_id)
    payload["actions"] = [
        {
            "type": "users_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_user": selected_user,
            "action_ts": f"{time.time():.6f}",
        }
    ]
    choice = {"type": "users_select", "selected_user": selected_user}
    payload["view"]["state"] = {"values": {block_id: {action_id: choice}}}
    return payload


def event_body(event: dict[str, Any], *, team_id: str = "T0TEST") -> str:
    """An Events API envelope; send it with content_type="application/json"."""
    now = int(time.time())
    return json.dumps(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "api_app_id": API_APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{next(_event_serial):08d}",  # unique, as Bolt-side dedup may key on it
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{team_id}-{now}",
        }
    )


def everything(payload: dict[str, Any]) -> str:
    """All the text a recruiter would read in a reply, fallback and blocks."""
    parts = [payload.get("text", "")]
    for block in payload.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(element.get("text", "") for element in block.get("elements", []))
    return "\n".join(parts)


def as_slack_sends(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A message's blocks as Slack echoes them in block_actions: `emoji` flags added, every block given an id."""

    def echo(node: Any) -> Any:
        if isinstance(node, list):
            return [echo(item) for item in node]
        if not isinstance(node, dict):
            return node
        echoed = {key: echo(value) for key, value in node.items()}
        if echoed.get("type") == "plain_text":
            echoed.setdefault("emoji", True)
        return echoed

    echoed = echo(blocks)
    for n, block in enumerate(echoed):
        block.setdefault("block_id", f"Xq{n:03d}")
    return echoed


def message_user_choice_payload(
    *,
    action_id: str,
    block_id: str,
    selected_user: str,
    channel_id: str,
    message_ts: str,
    response_url: str,
    user_id: str,
    team_id: str = "T0TEST",
) -> dict[str, Any]:
    """A person chosen in a users_select of a message the bot posted (a DM): Slack's block_actions reference, the
    action carrying `selected_user` and no `value`, the message's state holding the choice."""
    payload = block_actions_payload(
        action_id=action_id,
        block_id=block_id,
        user_id=user_id,
        team_id=team_id,
        channel_id=channel_id,
        message_ts=message_ts,
        response_url=response_url,
    )
    payload["actions"] = [
        {
            "type": "users_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_user": selected_user,
            "action_ts": f"{time.time():.6f}",
        }
    ]
    payload["state"] = {"values": {block_id: {action_id: {"type": "users_select", "selected_user": selected_user}}}}
    return payload


def user_change_event(
    user_id: str, *, deleted: bool, name: str = "Alex Kim", team_id: str = "T0TEST", tz: str = "Europe/Berlin"
) -> dict[str, Any]:
    """The user_change event as Slack's reference shows it (docs.slack.dev/reference/events/user_change): the whole
    user object, `deleted` true once the member is deactivated, then `cache_ts` and `event_ts`."""
    first, _, last = name.partition(" ")
    now = int(time.time())
    return {
        "type": "user_change",
        "user": {
            "id": user_id,
            "team_id": team_id,
            "name": user_id.lower(),
            "deleted": deleted,
            "color": "4bbe2e",
            "real_name": name,
            "tz": tz,
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "profile": {
                "title": "",
                "phone": "",
                "skype": "",
                "real_name": name,
                "real_name_normalized": name,
                "display_name": "",
                "display_name_normalized": "",
                "fields": {},
                "status_text": "",
                "status_emoji": "",
                "status_emoji_display_info": [],
                "status_expiration": 0,
                "avatar_hash": "g12345678910",
                "first_name": first,
                "last_name": last,
                "team": team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": now,
            "is_email_confirmed": True,
            "who_can_share_contact_card": "EVERYONE",
            "locale": "en-US",
        },
        "cache_ts": now,
        "event_ts": f"{now}.000100",
    }
