"""Slack's OAuth install driven over real HTTP as a browser does it: the app's install page, the fake Slack's
authorize page, and the redirect back, with the state cookie the install page set."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from jobs.reminders import run_reminders
from jobs.workspaces import for_each_workspace
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp
from testkit.slack_http import HttpReply

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "test-client-secret"
OAUTH_ENV = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
STATE_COOKIE = "slack-app-oauth-state"
# The multi-workspace tests' two workspaces: each one's admin (who installs the app) and recruiter.
TEAMS = {"T0ONE": ("U0ONEADM", "U0ONEREC"), "T0TWO": ("U0TWOADM", "U0TWOREC")}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, cookie: str | None = None) -> HttpReply:
    """GET without following redirects, so each hop can be checked (a redirect is answered as itself)."""
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=10) as response:
            status, raw, answered = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, answered = error.code, error.read(), error.headers
    return HttpReply(
        status, raw.decode("utf-8", errors="replace"), {key.title(): value for key, value in answered.items()}
    )


@dataclass
class Install:
    """One pass through the install: what the browser got at each step."""

    page: HttpReply
    cookie: str  # "slack-app-oauth-state=<state>", as the browser would send it back
    state: str
    redirect: str  # where Slack's authorize page sent the browser: the app's redirect URL with code and state


def register(fake: FakeSlack, app: RunningApp, *, rotation: bool = False, expires_in: int = 43200) -> None:
    """The app as Slack knows it: its credentials and its Redirect URL on the test server."""
    fake.register_app(
        CLIENT_ID, CLIENT_SECRET, app.url + "/slack/oauth_redirect", rotation=rotation, expires_in=expires_in
    )


def begin_install(app: RunningApp) -> Install:
    """Open the install page, follow "Add to Slack" to the authorize page, which redirects back with a code."""
    page = fetch(app.url + "/slack/install")
    assert page.status == 200, page.body
    link = re.search(r'href="([^"]+)"[^>]*>Add to Slack<', page.body)
    assert link is not None, page.body
    authorize = fetch(unescape(link.group(1)))
    assert authorize.status == 302, authorize.body
    morsel = SimpleCookie(page.headers["Set-Cookie"])[STATE_COOKIE]
    state = parse_qs(urlsplit(authorize.headers["Location"]).query)["state"][0]
    return Install(page, f"{STATE_COOKIE}={morsel.value}", state, authorize.headers["Location"])


def install(fake: FakeSlack, app: RunningApp, team_id: str, user_id: str) -> HttpReply:
    """`user_id` installs the app in `team_id`, all the way; returns the page the redirect showed."""
    fake.install_as(team_id, user_id)
    begun = begin_install(app)
    return fetch(begun.redirect, cookie=begun.cookie)


def install_teams(
    fake: FakeSlack, app: RunningApp, *, tz: str = "Europe/Paris", rotation: bool = False, expires_in: int = 43200
) -> None:
    """Both TEAMS install the app, each by its admin, and each one's recruiter is a member (in `tz`)."""
    register(fake, app, rotation=rotation, expires_in=expires_in)
    for team, (admin, recruiter) in TEAMS.items():
        assert install(fake, app, team, admin).status == 200
        fake.set_user(recruiter, team=team, tz=tz)


def sweep_workspaces(app: RunningApp, now: datetime) -> None:
    """What the clock's sweep does for reminders, as of `now`: each installed workspace with its own token and
    settings."""
    for_each_workspace(
        app.settings,
        app.sessions,
        lambda w: run_reminders(
            sessions=app.sessions, client=w.client, settings=w.settings, now=now, team_id=w.team_id
        ),
        what="the test sweep",
    )
