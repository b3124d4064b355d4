"""Reading the body of a request from Slack: what it is (a command, a click, a form, an event) and that it has the
fields Slack always sends, checked once here so that neither Bolt nor a listener crashes on a body of another shape.

Only a holder of the signing secret can send a body that reaches this point (bot.web checks the signature first), so a
wrong shape is a bug or a forgery, never Slack: it is refused with the reason, not half-handled.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request.internals import extract_team_id, extract_user_id

INTERACTIVE_TYPES = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")


class BodyError(ValueError):
    """The body is not a Slack payload; the message says why, for the 400 answer."""


def read_body(text: str, content_type: str) -> dict[str, Any]:
    """The JSON object a Slack request body stands for; raises BodyError for anything else.

    Slack sends events as JSON, slash commands as a form, and interactivity as a form whose one `payload` field holds
    JSON. Which one it is comes from the form's fields, never from the word "payload" appearing somewhere in the text
    (Bolt 1.30's parse_body reads any form containing it as interactivity, so `/role Payments payload engineer`
    reached no listener).
    """
    if not text:
        return {}
    media_type = content_type.split(";")[0].strip().lower()
    try:
        if media_type == "application/json" or text.startswith("{"):
            body = json.loads(text)
        else:
            body = dict(parse_qsl(text, keep_blank_values=True))
            if "payload" in body:
                body = json.loads(body["payload"])
    except (ValueError, RecursionError):
        raise BodyError("the body is not a Slack payload: it does not parse") from None
    if not isinstance(body, dict):
        raise BodyError("the body is not a Slack payload: it is not a JSON object")
    problem = _shape_problem(body)
    if problem is not None:
        raise BodyError(f"the body is not a Slack payload: {problem}")
    return body


def _shape_problem(body: dict[str, Any]) -> str | None:
    """What is missing or of the wrong type among the fields Bolt and the listeners read without checking."""
    kind = body.get("type")
    if "command" in body:
        missing = [key for key in ("command", "team_id", "user_id", "text", "trigger_id") if not _is_str(body.get(key))]
        return f"a slash command without {', '.join(missing)}" if missing else _ids_problem("a slash command", body)
    if kind in INTERACTIVE_TYPES:
        return _interactive_problem(kind, body)
    if kind == "event_callback" and not (isinstance(body.get("event"), dict) and _is_str(body["event"].get("type"))):
        return "an event_callback without an event type"
    return None


def _interactive_problem(kind: str, body: dict[str, Any]) -> str | None:
    user, team = body.get("user"), body.get("team")
    if not (isinstance(user, dict) and _is_str(user.get("id"))):
        return f"a {kind} without a user id"
    if not (team is None or isinstance(team, dict)):
        return f"a {kind} without a team id"
    problem = _ids_problem(f"a {kind}", body)
    if problem is not None:
        return problem
    if kind == "block_actions":
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions and all(_is_action(action) for action in actions)):
            return "a block_actions without a list of actions, each with an action_id"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not (isinstance(view, dict) and _is_str(view.get("callback_id"))):
            return f"a {kind} without a view callback_id"
        if not _is_form_state(view.get("state")):
            return f"a {kind} whose form values are not Slack's {{block: {{action: state}}}}"
    if kind in ("shortcut", "message_action") and not _is_str(body.get("callback_id")):
        return f"a {kind} without a callback_id"
    return None


def _ids_problem(what: str, body: dict[str, Any]) -> str | None:
    """The listeners act for context.team_id and context.user_id, which Bolt reads from the body by its own rules
    (slack_bolt.request.internals): both must come out as text, or a listener would act for no team or no one.

    For Slack's payloads they are the ids the body names: a command's team_id and user_id; a click's or a form's
    team.id, or user.team_id in an org-wide install (team is null there), and user.id. One exception, by Bolt's
    design: a modal or Home tab opened in another workspace through Slack Connect carries view.app_installed_team_id,
    the workspace that installed Keepwarm, and Bolt reads that rather than team.id.
    """
    try:
        team_id, user_id = extract_team_id(body), extract_user_id(body)
    except (
        AttributeError,
        TypeError,
        IndexError,
        KeyError,
    ):  # a shape Bolt itself cannot read (it would crash on it too)
        team_id = user_id = None
    if not (_is_str(team_id) and team_id):
        return f"{what} without a team id"
    if not (_is_str(user_id) and user_id):
        return f"{what} without a user id"
    return None


def _is_action(action: object) -> bool:
    return isinstance(action, dict) and _is_str(action.get("action_id"))


def _is_form_state(state: object) -> bool:
    """state.values as Slack sends it: block id -> action id -> element state, a chosen option an object or null."""
    values = state.get("values") if isinstance(state, dict) else None
    return isinstance(values, dict) and all(
        isinstance(block, dict)
        and all(isinstance(element, dict) and _is_option(element.get("selected_option")) for element in block.values())
        for block in values.values()
    )


def _is_option(option: object) -> bool:
    return option is None or (isinstance(option, dict) and _is_str(option.get("value")))


def _is_str(value: object) -> bool:
    return isinstance(value, str)
