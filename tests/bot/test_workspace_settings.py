"""Per-workspace settings over real HTTP (multi-workspace mode): an admin opens Settings from the App Home tab and
saves values checked by the environment's own parser, with its messages under the fields; a non-admin is refused;
the saved values apply to that workspace only (check-in cadence, ATS webhook secret), the environment's elsewhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.settings import SETTINGS_ADMINS_ONLY, SETTINGS_SAVED
from bot.config import ConfigError, load_settings
from bot.ids import FIELD_ACTION, SETTINGS_MODAL, SETTINGS_OPEN
from jobs.digest import run_digest
from jobs.workspaces import for_each_workspace
from models import Checkin, Rejection, Workspace
from testkit.ats import fixture, greenhouse_headers, lever_body
from testkit.digests import NOW, open_role, texts
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV, TEAMS, install_teams
from testkit.running import RunningApp, open_home, run, submit_view
from testkit.slack_http import home_click_payload, interactive_body, post, post_signed, view_submission_payload


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


@pytest.fixture
def two(running: RunningApp, fake_slack: FakeSlack) -> RunningApp:
    install_teams(fake_slack, running)
    return running


def home_of(app: RunningApp, fake: FakeSlack, user_id: str, team_id: str) -> dict[str, Any]:
    before = len(fake.calls_to("views.publish"))
    open_home(app, user_id, team_id=team_id)
    return fake.wait_for("views.publish", before + 1)[-1].params["view"]


def settings_button(view: dict[str, Any]) -> bool:
    return any(block.get("accessory", {}).get("action_id") == SETTINGS_OPEN for block in view["blocks"])


def click_settings(app: RunningApp, view: dict[str, Any], user_id: str, team_id: str) -> None:
    payload = home_click_payload(view=view, action_id=SETTINGS_OPEN, value="open", user_id=user_id, team_id=team_id)
    assert post_signed(app.events_url, interactive_body(payload)).status == 200


def submit(app: RunningApp, values: dict[str, str], user_id: str, team_id: str) -> dict[str, Any]:
    state = {name: {FIELD_ACTION: {"type": "plain_text_input", "value": value}} for name, value in values.items()}
    payload = view_submission_payload(callback_id=SETTINGS_MODAL, values=state, user_id=user_id, team_id=team_id)
    return submit_view(app, payload)


def saved(app: RunningApp, team_id: str) -> tuple[frozenset[str], dict[str, str]]:
    with app.sessions() as session:
        workspace = session.get_one(Workspace, team_id, populate_existing=True)
        return workspace.admins, workspace.overrides


def test_an_admin_opens_settings_from_home_with_the_values_in_force(two: RunningApp, fake_slack: FakeSlack) -> None:
    view = home_of(two, fake_slack, "U0ONEADM", "T0ONE")
    assert settings_button(view)
    click_settings(two, view, "U0ONEADM", "T0ONE")
    [opened] = fake_slack.wait_for("views.open")
    modal = opened.params["view"]
    assert (modal["callback_id"], opened.team) == (SETTINGS_MODAL, "T0ONE")
    initial = {b["block_id"]: b["element"].get("initial_value") for b in modal["blocks"] if b["type"] == "input"}
    assert initial["ADMIN_USER_IDS"] == "U0ONEADM"
    assert initial["CHECKIN_DAYS"] is None  # the environment's default applies: nothing set here


def test_a_non_admin_gets_no_button_and_no_form(two: RunningApp, fake_slack: FakeSlack) -> None:
    view = home_of(two, fake_slack, "U0ONEREC", "T0ONE")
    assert not settings_button(view)
    click_settings(two, view, "U0ONEREC", "T0ONE")  # a forged click
    redrawn = fake_slack.wait_for("views.publish", 2)[-1].params["view"]
    assert SETTINGS_ADMINS_ONLY in str(redrawn)
    assert fake_slack.calls_to("views.open") == []
    refused = submit(two, {"CHECKIN_DAYS": "7"}, "U0ONEREC", "T0ONE")
    assert refused == {"response_action": "errors", "errors": {"ADMIN_USER_IDS": SETTINGS_ADMINS_ONLY}}
    assert saved(two, "T0ONE") == ({"U0ONEADM"}, {})


def test_a_bad_value_is_refused_under_its_field_with_the_environments_message(
    two: RunningApp, fake_slack: FakeSlack
) -> None:
    refused = submit(two, {"ADMIN_USER_IDS": "U0ONEADM", "CHECKIN_DAYS": "90,14"}, "U0ONEADM", "T0ONE")
    with pytest.raises(ConfigError) as env_says:
        load_settings(make_env(database_url="sqlite://", fake_slack=fake_slack, CHECKIN_DAYS="90,14"))
    assert refused == {"response_action": "errors", "errors": {"CHECKIN_DAYS": str(env_says.value)}}
    assert saved(two, "T0ONE") == ({"U0ONEADM"}, {})
    no_admin = submit(two, {"ADMIN_USER_IDS": ""}, "U0ONEADM", "T0ONE")
    assert list(no_admin["errors"]) == ["ADMIN_USER_IDS"]
    assert saved(two, "T0ONE") == ({"U0ONEADM"}, {})


def test_saved_settings_apply_to_their_workspace_only(two: RunningApp, fake_slack: FakeSlack) -> None:
    values = {"ADMIN_USER_IDS": "U0ONEADM, U0DEPUTY", "CHECKIN_DAYS": "7,30", "GREENHOUSE_WEBHOOK_SECRET": "one-key"}
    assert submit(two, values, "U0ONEADM", "T0ONE") == {}
    assert saved(two, "T0ONE") == (
        {"U0ONEADM", "U0DEPUTY"},
        {"CHECKIN_DAYS": "7,30", "GREENHOUSE_WEBHOOK_SECRET": "one-key"},
    )
    assert SETTINGS_SAVED in str(fake_slack.wait_for("views.publish")[-1].params["view"])

    run(two, 'Jane Doe role="Engineer" stage=final', team_id="T0ONE", user_id="U0ONEREC")
    run(two, 'Ada Lovelace role="Analyst" stage=final', team_id="T0TWO", user_id="U0TWOREC")
    with two.sessions() as session:
        rows = session.execute(
            select(Rejection.team_id, Checkin.due_at, Rejection.rejected_at)
            .join(Checkin, Checkin.rejection_id == Rejection.id)
            .where(Checkin.step == 0)
        )
        first = {team: due - rejected for team, due, rejected in rows.tuples()}
    assert first == {"T0ONE": timedelta(days=7), "T0TWO": timedelta(days=14)}

    body = fixture("greenhouse", "reject_candidate")
    ours = post(two.url + "/ats/greenhouse/T0ONE", body, greenhouse_headers(body, secret="one-key", event_id="a"))
    assert ours.status == 200, ours.body
    forged = post(two.url + "/ats/greenhouse/T0ONE", body, greenhouse_headers(body, secret="other", event_id="b"))
    assert forged.status == 401
    assert post(two.url + "/ats/greenhouse/T0TWO", body, greenhouse_headers(body, secret="one-key")).status == 404

    deputy_view = home_of(two, fake_slack, "U0DEPUTY", "T0ONE")
    assert settings_button(deputy_view)
    assert not settings_button(home_of(two, fake_slack, "U0DEPUTY", "T0TWO"))


def test_a_workspaces_lever_tokens_and_key_are_its_own(two: RunningApp, fake_slack: FakeSlack) -> None:
    """Lever's signature tokens are secrets like the others: set in one workspace's Settings, they verify only the
    deliveries sent to that workspace's URL; tokens without the API key are refused with the environment's message."""
    alone = submit(two, {"ADMIN_USER_IDS": "U0ONEADM", "LEVER_WEBHOOK_TOKENS": "one-lever-token"}, "U0ONEADM", "T0ONE")
    assert "LEVER_API_KEY is not set" in str(alone["errors"])
    values = {"ADMIN_USER_IDS": "U0ONEADM", "LEVER_WEBHOOK_TOKENS": "one-lever-token", "LEVER_API_KEY": "one-key"}
    assert submit(two, values, "U0ONEADM", "T0ONE") == {}

    headers = {"Content-Type": "application/json"}
    ours = post(two.url + "/ats/lever/T0ONE", lever_body("candidateStageChange", key="one-lever-token"), headers)
    assert ours.status == 200, ours.body
    forged = post(two.url + "/ats/lever/T0ONE", lever_body("candidateStageChange", key="not-it"), headers)
    assert forged.status == 401
    body = lever_body("candidateStageChange", key="one-lever-token")
    assert post(two.url + "/ats/lever/T0TWO", body, headers).status == 404
    assert saved(two, "T0ONE")[1] == {"LEVER_WEBHOOK_TOKENS": "one-lever-token", "LEVER_API_KEY": "one-key"}


def test_each_workspaces_digest_goes_to_its_own_channel_with_its_own_token(
    two: RunningApp, fake_slack: FakeSlack
) -> None:
    for team, channel in (("T0ONE", "C0ONE"), ("T0TWO", "C0TWO")):
        admin = TEAMS[team][0]
        assert submit(two, {"ADMIN_USER_IDS": admin, "DIGEST_CHANNEL": channel}, admin, team) == {}
        open_role(two.sessions, f"Role of {team}", team=team)
    for_each_workspace(
        two.settings,
        two.sessions,
        lambda w: run_digest(sessions=two.sessions, client=w.client, settings=w.settings, now=NOW),
        what="the test digest",
    )
    posts = {c.params["channel"]: (c.team, texts(c.params)) for c in fake_slack.calls_to("chat.postMessage")}
    assert set(posts) == {"C0ONE", "C0TWO"}
    assert posts["C0ONE"][0] == "T0ONE" and "Role of T0ONE" in posts["C0ONE"][1]
    assert "Role of T0TWO" not in posts["C0ONE"][1]
    assert posts["C0TWO"][0] == "T0TWO" and "Role of T0TWO" in posts["C0TWO"][1]
