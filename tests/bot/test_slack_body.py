"""Reading Slack request bodies: each kind by its fields, and every shape Slack never sends refused with a reason."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.slack_body import BodyError, read_body
from testkit.slack_http import (
    block_actions_payload,
    event_body,
    interactive_body,
    slash_command_body,
    view_submission_payload,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.mark.parametrize(
    "text",
    ["Payments payload engineer", "payload=1", 'Jane role=QA stage=final note="the payload parser"', "payload"],
)
def test_a_command_is_read_as_a_command_whatever_its_text_says(text: str) -> None:
    """Bolt 1.30 reads any form containing "payload" as interactivity and returns {}."""
    body = slash_command_body(text=text)
    assert "payload" in body
    assert read_body(body, FORM) == dict(parse_qsl(body, keep_blank_values=True))
    assert read_body(body, FORM)["text"] == text


def test_interactivity_is_read_from_its_payload_field() -> None:
    payload = block_actions_payload(action_id="checkin_done", value="payload")
    assert read_body(interactive_body(payload), FORM) == payload
    assert read_body(interactive_body(payload), f"{FORM}; charset=utf-8") == payload
    encoded_key = interactive_body(payload).replace("payload=", "%70ayload=", 1)  # the same field, spelt otherwise
    assert read_body(encoded_key, FORM) == payload


def test_an_event_is_read_as_json_whatever_its_label() -> None:
    text = event_body({"type": "app_home_opened", "user": "U0REC", "tab": "home"})
    assert read_body(text, JSON) == json.loads(text)
    assert read_body(text, "text/plain") == json.loads(text)
    assert read_body(text, "Application/JSON; charset=utf-8") == json.loads(text)


def test_an_empty_body_is_an_empty_object() -> None:
    """Bolt answers it as an unhandled request (404), as it always has."""
    assert read_body("", FORM) == {}


def test_a_form_with_no_known_kind_is_passed_on_as_it_is() -> None:
    assert read_body("ssl_check=1&token=x", FORM) == {"ssl_check": "1", "token": "x"}


def refusal(text: str, content_type: str = FORM) -> str:
    with pytest.raises(BodyError) as refused:
        read_body(text, content_type)
    assert isinstance(refused.value, ValueError)
    return str(refused.value).removeprefix("the body is not a Slack payload: ")


@pytest.mark.parametrize(
    ("text", "content_type", "reason"),
    [
        ('{"type": ', JSON, "it does not parse"),
        ("payload=%7Bnot+json", FORM, "it does not parse"),
        ("[" * 50_000 + "]" * 50_000, JSON, "it does not parse"),
        (slash_command_body(text="Jane"), JSON, "it does not parse"),
        ("[1, 2]", JSON, "it is not a JSON object"),
        (urlencode({"payload": "null"}), FORM, "it is not a JSON object"),
    ],
    ids=["json", "payload", "nested too deep", "a form labelled json", "an array", "a null payload"],
)
def test_a_body_that_is_not_a_json_object_is_refused(text: str, content_type: str, reason: str) -> None:
    assert refusal(text, content_type) == reason


def without(payload: dict[str, object], key: str) -> dict[str, object]:
    return {name: value for name, value in payload.items() if name != key}


def test_a_command_without_the_fields_slack_always_sends_is_refused() -> None:
    command = dict(parse_qsl(slash_command_body(text="Jane")))
    assert refusal(urlencode(without(command, "team_id"))) == "a slash command without team_id"
    two_missing = without(without(command, "user_id"), "trigger_id")
    assert refusal(urlencode(two_missing)) == "a slash command without user_id, trigger_id"


def test_a_click_without_the_fields_slack_always_sends_is_refused() -> None:
    click = block_actions_payload(action_id="checkin_done")
    assert refusal(interactive_body(without(click, "actions"))).startswith("a block_actions without a list of actions")
    assert refusal(interactive_body({**click, "actions": [{"value": "1"}]})).startswith("a block_actions without")
    assert refusal(interactive_body({**click, "user": {"name": "x"}})) == "a block_actions without a user id"
    assert (
        refusal(interactive_body({**click, "team": None, "user": {"id": "U1"}})) == "a block_actions without a team id"
    )
    no_team_but_user_team = {**click, "team": None, "user": {"id": "U1", "team_id": "T1"}}  # an org-wide install
    assert read_body(interactive_body(no_team_but_user_team), FORM) == no_team_but_user_team


def test_a_form_without_slacks_state_values_is_refused() -> None:
    form = view_submission_payload(callback_id="rejection_modal", values={})
    view = form["view"]
    for state in (None, {}, {"values": []}, {"values": {"name": []}}, {"values": {"name": {"value": "x"}}}):
        reason = refusal(interactive_body({**form, "view": {**view, "state": state}}))
        assert reason == "a view_submission whose form values are not Slack's {block: {action: state}}", state
    chosen_as_text = {"values": {"stage": {"value": {"type": "static_select", "selected_option": "final"}}}}
    assert refusal(interactive_body({**form, "view": {**view, "state": chosen_as_text}})).endswith("state}}")
    assert refusal(interactive_body({**form, "view": without(view, "callback_id")})) == (
        "a view_submission without a view callback_id"
    )
    chosen = {"values": {"stage": {"value": {"type": "static_select", "selected_option": {"value": "final"}}}}}
    unchosen = {"values": {"stage": {"value": {"type": "static_select", "selected_option": None}}}}
    for state in (chosen, unchosen):
        assert read_body(interactive_body({**form, "view": {**view, "state": state}}), FORM)["view"]["state"] == state


def test_an_event_without_its_type_is_refused() -> None:
    event = json.loads(event_body({"type": "app_home_opened"}))
    assert refusal(json.dumps({**event, "event": "app_home_opened"}), JSON) == "an event_callback without an event type"
    assert refusal(json.dumps({**event, "event": {"user": "U1"}}), JSON) == "an event_callback without an event type"


def test_a_shortcut_without_its_callback_id_is_refused() -> None:
    shortcut = {"type": "shortcut", "user": {"id": "U1"}, "team": {"id": "T1"}}
    assert refusal(interactive_body(shortcut)) == "a shortcut without a callback_id"
    assert read_body(interactive_body({**shortcut, "callback_id": "x"}), FORM)["callback_id"] == "x"
