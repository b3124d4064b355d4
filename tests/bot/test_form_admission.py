"""Who may save the rejection and role forms (bot.listeners.views.forms): someone who is not a recruiter, or anyone
while Slack cannot say who the recruiters are, gets the reason on the form's first field, and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.rejection_modal import REJECTION_FORM_ACCESS_UNKNOWN
from bot.blocks.role_modal import ROLE_FORM_ACCESS_UNKNOWN
from bot.ids import REJECTION_MODAL, ROLE_MODAL
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp
from testkit.slack_http import interactive_body, post_signed, view_submission_payload

REJECTION = {
    "name": {"value": {"value": "Nia New"}},
    "role": {"value": {"value": "Backend Engineer"}},
    "stage": {"value": {"selected_option": {"value": "final"}}},
}
ROLE = {"title": {"value": {"value": "Backend Engineer"}}}
FORMS = [(REJECTION_MODAL, REJECTION, "name"), (ROLE_MODAL, ROLE, "title")]


def submit(app: RunningApp, form: str, values: dict[str, Any], user_id: str) -> dict[str, Any]:
    payload = view_submission_payload(callback_id=form, values=values, user_id=user_id)
    reply = post_signed(app.events_url, interactive_body(payload))
    assert reply.status == 200, reply.body
    return reply.json()


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"RECRUITER_USER_IDS": "U0REC"}


@pytest.mark.parametrize(("form", "values", "first"), FORMS, ids=["rejection", "role"])
def test_someone_who_is_not_a_recruiter_cannot_save_a_form(
    running: RunningApp, form: str, values: dict[str, Any], first: str
) -> None:
    answer = submit(running, form, values, "U0STRANGER")
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [first]
    assert "limited to the recruiting team" in answer["errors"][first]
    assert all(count == 0 for count in row_counts(running.engine).values())


class TestUnknownGroup:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        """RECRUITER_USERGROUP_ID names a group Slack does not know: Keepwarm refuses rather than guess."""
        return {"RECRUITER_USERGROUP_ID": "S0GONE"}

    @pytest.mark.parametrize(
        ("form", "values", "first", "said"),
        [(*FORMS[0], REJECTION_FORM_ACCESS_UNKNOWN), (*FORMS[1], ROLE_FORM_ACCESS_UNKNOWN)],
        ids=["rejection", "role"],
    )
    def test_no_form_is_saved_while_slack_cannot_say_who_the_recruiters_are(
        self, running: RunningApp, fake_slack: FakeSlack, form: str, values: dict[str, Any], first: str, said: str
    ) -> None:
        answer = submit(running, form, values, "U0REC")
        assert answer == {"response_action": "errors", "errors": {first: said}}
        assert fake_slack.calls_to("usergroups.users.list")
        assert all(count == 0 for count in row_counts(running.engine).values())
