"""The install end to end in a real headless browser (Debian's chromium driven by Playwright): Bolt's state check
relies on the cookie the install page sets, which only a browser shows working. The install page, "Add to Slack",
the fake Slack's authorize redirect, and the success page; the same with the cookie removed fails cleanly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from models.workspace import INSTALLATIONS
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV, register
from testkit.running import RunningApp

CHROMIUM = Path("/usr/bin/chromium")
# Never a browser of Playwright's own (nothing may be downloaded), and nothing that calls home.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if TYPE_CHECKING:  # imported for real in the fixture, where its absence is reported
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, or a skip saying why outside CI; under CI a missing browser is a failure (.ci/run installs it)."""
    missing = None
    if not CHROMIUM.is_file():
        missing = f"{CHROMIUM} is missing: apt-get install -y chromium (Debian's package) to run the browser test"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "playwright is not installed: pip install -r requirements.txt"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def app_env(app_env: dict[str, str]) -> dict[str, str]:
    app_env.update(OAUTH_ENV)
    return app_env


def installations(app: RunningApp) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(INSTALLATIONS.c.team_id)))


def test_an_install_in_a_browser(browser: Browser, running: RunningApp, fake_slack: FakeSlack) -> None:
    register(fake_slack, running)
    fake_slack.install_as("T0ACME", "U0BOSS", team_name="Acme")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(running.url + "/slack/install")
        assert page.title() == "Add Keepwarm to Slack"
        with page.expect_navigation(url="**/slack/oauth_redirect?**") as landed:
            page.get_by_role("link", name="Add to Slack").click()
        assert landed.value is not None and landed.value.status == 200
        assert page.locator("h1").inner_text() == "Keepwarm is installed"
        assert "Acme" in page.content()
        assert [c["value"] for c in context.cookies() if c["name"] == "slack-app-oauth-state"] == []  # used up
    finally:
        context.close()
    assert installations(running) == ["T0ACME"]


def test_without_the_cookie_the_install_fails_cleanly(
    browser: Browser, running: RunningApp, fake_slack: FakeSlack
) -> None:
    register(fake_slack, running)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(running.url + "/slack/install")
        assert [c["name"] for c in context.cookies()] == ["slack-app-oauth-state"]
        context.clear_cookies()
        with page.expect_navigation(url="**/slack/oauth_redirect?**") as landed:
            page.get_by_role("link", name="Add to Slack").click()
        assert landed.value is not None and landed.value.status == 400
        assert page.locator("h1").inner_text() == "Keepwarm was not installed"
        assert "this browser did not start the install" in page.content()
        assert page.get_by_role("link", name="Start again").get_attribute("href") == "/slack/install"
    finally:
        context.close()
    assert installations(running) == []
    assert fake_slack.calls_to("oauth.v2.access") == []
