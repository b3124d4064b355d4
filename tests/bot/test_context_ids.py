"""The listeners act for Bolt's context.team_id and context.user_id rather than reading the ids from each body.

Pinned here against Bolt's own reading of every kind of body Keepwarm handles, as bot.web hands it over (read by
bot.slack_body, then given to Bolt as JSON): a Bolt upgrade that reads them otherwise fails here, not in a workspace.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_bolt import BoltContext, BoltRequest

from bot.slack_body import BodyError, read_body
from testkit.slack_http import (
    block_actions_payload,
    home_click_payload,
    interactive_body,
    slash_command_body,
    view_submission_payload,
)

FORM = "application/x-www-form-urlencoded"
TEAM, USER = "T0ALPHA", "U0AREC"


def context_of(text: str, content_type: str = FORM) -> BoltContext:
    body = read_body(text, content_type)
    return BoltRequest(body=json.dumps(body), headers={"content-type": "application/json"}).context


def ids(context: BoltContext) -> tuple[str | None, str | None]:
    return context.team_id, context.user_id


def test_a_slash_command_is_its_team_id_and_user_id() -> None:
    assert ids(context_of(slash_command_body(text="list", team_id=TEAM, user_id=USER))) == (TEAM, USER)


@pytest.mark.parametrize(
    "payload",
    [
        block_actions_payload(action_id="checkin_done", team_id=TEAM, user_id=USER),
        home_click_payload(view={"type": "home", "blocks": []}, action_id="x", value="1", user_id=USER, team_id=TEAM),
        view_submission_payload(callback_id="rejection_modal", values={}, team_id=TEAM, user_id=USER),
    ],
    ids=["a click in a DM", "a click on the Home tab", "a form"],
)
def test_a_click_or_a_form_is_its_team_and_user(payload: dict[str, Any]) -> None:
    assert ids(context_of(interactive_body(payload))) == (TEAM, USER)


def test_an_org_wide_install_without_a_team_is_the_users_team() -> None:
    payload = {**block_actions_payload(action_id="checkin_done", user_id=USER), "team": None}
    payload["user"]["team_id"] = TEAM
    assert ids(context_of(interactive_body(payload))) == (TEAM, USER)


def test_a_form_opened_in_another_workspace_is_the_installing_workspaces() -> None:
    """The one case where Bolt's team differs from team.id: a modal opened through Slack Connect in another
    workspace names the workspace that installed the app in view.app_installed_team_id, and Bolt reads that."""
    payload = view_submission_payload(callback_id="role_modal", values={}, team_id="T0ELSEWHERE", user_id=USER)
    payload["view"]["app_installed_team_id"] = TEAM
    assert ids(context_of(interactive_body(payload))) == (TEAM, USER)


@pytest.mark.parametrize(
    "change",
    [
        {"team": {"id": ""}},  # Bolt reads the empty id and sets no team at all
        {"team": {"id": None}},
        {"team": None, "user": {"id": USER, "team_id": ""}},
        {"user": {"id": "", "team_id": TEAM}},
    ],
)
def test_a_body_whose_ids_bolt_cannot_read_is_refused(change: dict[str, Any]) -> None:
    """Even where the user's own team_id is there: Bolt would put no team (or no user) on the context."""
    payload = block_actions_payload(action_id="checkin_done", team_id=TEAM, user_id=USER) | change
    with pytest.raises(BodyError, match=r"a block_actions without a (team|user) id"):
        read_body(interactive_body(payload), FORM)


def test_a_command_whose_ids_bolt_cannot_read_is_refused() -> None:
    with pytest.raises(BodyError, match="a slash command without a team id"):
        read_body(slash_command_body(text="list", team_id=""), FORM)
