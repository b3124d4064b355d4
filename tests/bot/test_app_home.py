"""The Home tab is published when a recruiter opens it, with their own recent rejections."""

from __future__ import annotations

import time

import pytest

from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, open_home, run


def test_home_lists_the_recruiters_own_rejections(running: RunningApp, fake_slack: FakeSlack) -> None:
    run(running, "Ann Lee role=Backend stage=final", user_id="U0REC")
    run(running, "Other Person role=Sales stage=final", user_id="U0OTHER")
    open_home(running)
    [call] = fake_slack.wait_for("views.publish")
    assert call.params["user_id"] == "U0REC"
    view = call.params["view"]
    assert view["type"] == "home"
    shown = str(view["blocks"])
    assert "Ann Lee" in shown and "Other Person" not in shown


def test_home_for_a_new_recruiter_says_how_to_start(running: RunningApp, fake_slack: FakeSlack) -> None:
    open_home(running)
    assert "Record your first with `/rejected`" in str(fake_slack.wait_for("views.publish")[0].params["view"])


def test_the_messages_tab_publishes_nothing(running: RunningApp, fake_slack: FakeSlack) -> None:
    open_home(running, tab="messages")
    open_home(running)
    fake_slack.wait_for("views.publish")
    time.sleep(0.3)  # room for a wrongly handled messages-tab event to publish too
    assert len(fake_slack.calls_to("views.publish")) == 1


class TestRestricted:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USER_IDS": "U0REC"}

    def test_outsiders_see_the_refusal_not_data(self, running: RunningApp, fake_slack: FakeSlack) -> None:
        run(running, "Ann Lee role=Backend stage=final", user_id="U0REC")
        open_home(running, user_id="U0STRANGER")
        shown = str(fake_slack.wait_for("views.publish")[0].params["view"])
        assert "limited to the recruiting team" in shown and "Ann Lee" not in shown
