"""Multi-workspace mode over real HTTP: Slack's OAuth install by state and code against the fake Slack, every request
answered with its own workspace's token, and a workspace that never installed refused without touching data."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from bot.app import NOT_INSTALLED
from bot.oauth import manifest_scopes
from models import Candidate, Recruiter, Rejection, Workspace
from models.workspace import INSTALLATIONS, OAUTH_STATES
from testkit.fakeslack import Call, FakeSlack
from testkit.installs import CLIENT_ID, OAUTH_ENV, begin_install, fetch, install, register
from testkit.running import RunningApp, open_home, run
from testkit.slack_http import event_body, post_signed, slash_command_body

pytestmark = pytest.mark.usefixtures("multi_workspace")


@pytest.fixture
def multi_workspace(app_env: dict[str, str]) -> None:
    app_env.update(OAUTH_ENV)


@pytest.fixture
def app(running: RunningApp, fake_slack: FakeSlack) -> RunningApp:
    register(fake_slack, running)
    return running


def test_an_install_by_state_and_code_stores_the_workspace_and_its_first_admin(
    app: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.install_as("T0ACME", "U0BOSS", team_name="Acme")
    begun = begin_install(app)
    assert "Add to Slack" in begun.page.body
    assert "slack-edge.com" not in begun.page.body  # nothing on the page is fetched from elsewhere
    link = unescape(re.search(r'href="([^"]+)">Add to Slack', begun.page.body).group(1))  # type: ignore[union-attr]
    asked = parse_qs(urlsplit(link).query)
    assert link.startswith(fake_slack.authorize_url)
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["scope"] == [",".join(manifest_scopes())]
    assert manifest_scopes()[:3] == ("commands", "chat:write", "im:write")

    done = fetch(begun.redirect, cookie=begun.cookie)

    assert done.status == 200, done.body
    assert "Keepwarm is installed" in done.body and "Acme" in done.body
    [access] = fake_slack.calls_to("oauth.v2.access")
    assert access.params["code"] and access.headers["Authorization"].startswith("Basic ")
    with app.sessions() as session:
        [row] = session.execute(select(INSTALLATIONS)).mappings().all()
        assert (row["team_id"], row["user_id"], row["client_id"]) == ("T0ACME", "U0BOSS", CLIENT_ID)
        assert row["bot_token"].startswith("xoxb-T0ACME-")
        workspace = session.get_one(Workspace, "T0ACME")
        assert (workspace.installed_by, workspace.admins, workspace.uninstalled_at) == ("U0BOSS", {"U0BOSS"}, None)
        assert session.scalar(select(func.count()).select_from(OAUTH_STATES)) == 0  # the state was used up


def test_the_stores_are_keepwarms_database_not_bolts_files(app: RunningApp) -> None:
    """Bolt falls back to files in the home folder when SLACK_CLIENT_ID/SECRET are set and no store is
    given; the install must go to the database."""
    begun = begin_install(app)
    with app.sessions() as session:
        assert session.scalar(select(OAUTH_STATES.c.state)) == begun.state


def test_a_forged_state_is_refused(app: RunningApp, fake_slack: FakeSlack) -> None:
    begun = begin_install(app)
    forged = begun.redirect.replace(begun.state, "forged-state")
    refused = fetch(forged, cookie="slack-app-oauth-state=forged-state")
    assert refused.status == 401
    assert "already used or has expired" in refused.body
    assert fake_slack.calls_to("oauth.v2.access") == []
    assert installations(app) == 0


def test_a_replayed_state_is_refused(app: RunningApp, fake_slack: FakeSlack) -> None:
    begun = begin_install(app)
    assert fetch(begun.redirect, cookie=begun.cookie).status == 200
    replayed = fetch(begun.redirect, cookie=begun.cookie)
    assert replayed.status == 401
    assert len(fake_slack.calls_to("oauth.v2.access")) == 1
    assert installations(app) == 1


def test_a_redirect_without_the_install_pages_cookie_is_refused(app: RunningApp, fake_slack: FakeSlack) -> None:
    begun = begin_install(app)
    refused = fetch(begun.redirect)
    assert refused.status == 400
    assert "did not start the install" in refused.body
    assert fake_slack.calls_to("oauth.v2.access") == []
    assert installations(app) == 0


def test_two_workspaces_each_answered_with_their_own_token(app: RunningApp, fake_slack: FakeSlack) -> None:
    for team, admin, recruiter in (("T0ONE", "U0ONEADM", "U0ONEREC"), ("T0TWO", "U0TWOADM", "U0TWOREC")):
        assert install(fake_slack, app, team, admin).status == 200
        fake_slack.set_user(recruiter, team=team, tz="Europe/Paris")
    tokens = installed_tokens(app)

    run(app, 'Jane Doe role="Engineer" stage=final', team_id="T0ONE", user_id="U0ONEREC")
    run(app, 'Ada Lovelace role="Analyst" stage=final', team_id="T0TWO", user_id="U0TWOREC")
    calls = fake_slack.wait_for("users.info", 2)

    assert {(c.params["user"], c.team, bearer(c)) for c in calls} == {
        ("U0ONEREC", "T0ONE", tokens["T0ONE"]),
        ("U0TWOREC", "T0TWO", tokens["T0TWO"]),
    }
    with app.sessions() as session:
        query = select(Candidate.name, Rejection.team_id, Recruiter.user_id).join(Rejection.candidate)
        saved = set(session.execute(query.join(Recruiter, Rejection.recruiter_id == Recruiter.id)).tuples())
    assert saved == {("Jane Doe", "T0ONE", "U0ONEREC"), ("Ada Lovelace", "T0TWO", "U0TWOREC")}

    open_home(app, "U0TWOADM", team_id="T0TWO")
    [home] = fake_slack.wait_for("views.publish")
    assert (home.team, bearer(home)) == ("T0TWO", tokens["T0TWO"])


def test_a_workspace_that_did_not_install_is_refused_without_touching_data(
    app: RunningApp, fake_slack: FakeSlack
) -> None:
    install(fake_slack, app, "T0ONE", "U0ONEADM")
    body = slash_command_body(
        text='Jane Doe role="Engineer" stage=final',
        team_id="T0NONE",
        user_id="U0STRANGER",
        response_url=fake_slack.response_url("stranger"),
    )
    assert post_signed(app.events_url, body).status == 200
    [said] = fake_slack.wait_for("response_url")
    assert said.params["text"] == NOT_INSTALLED
    event = {"type": "app_home_opened", "user": "U0STRANGER", "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
    refused = post_signed(app.events_url, event_body(event, team_id="T0NONE"), content_type="application/json")
    assert refused.status == 200
    assert [c.method for c in fake_slack.calls if c.team == "T0NONE" or c.method == "views.publish"] == []
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Candidate)) == 0
        assert session.scalar(select(func.count()).select_from(Recruiter)) == 0


def installations(app: RunningApp) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(INSTALLATIONS)) or 0


def installed_tokens(app: RunningApp) -> dict[str, str]:
    with app.sessions() as session:
        return dict(session.execute(select(INSTALLATIONS.c.team_id, INSTALLATIONS.c.bot_token)).tuples().all())


def bearer(call: Call) -> str:
    return call.headers["Authorization"].removeprefix("Bearer ")
