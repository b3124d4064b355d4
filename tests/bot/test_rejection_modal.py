"""The rejection form: submitted as Slack sends view_submission, validated inline, confirmed where it was opened."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from testkit.database import row_counts
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, candidates, fresh_recruiter, rejections, submit_view, transactions_begun
from testkit.slack_http import view_submission_payload


def state(**fields: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values as Slack fills it in: selects carry selected_option, inputs carry value."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for field, value in fields.items():
        if field in ("stage", "rating"):
            option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
            values[field] = {"value": {"type": "static_select", "selected_option": option}}
        elif field == "consent":
            values[field] = {"value": {"type": "datepicker", "selected_date": value}}
        else:
            kind = {"email": "email_text_input", "linkedin": "url_text_input"}.get(field, "plain_text_input")
            values[field] = {"value": {"type": kind, "value": value}}
    return values


FULL = {
    "name": "Zoë Ångström",
    "role": "Staff Engineer",
    "stage": "final",
    "rating": "4",
    "email": "Zoe@Example.com",
    "linkedin": "https://www.linkedin.com/in/zoe",
    "tags": "Rust, distributed systems",
    "note": "Brilliant on the system design round.",
}


def submit(app: RunningApp, values: dict[str, Any], metadata: str = "", user_id: str = "U0REC") -> dict[str, Any]:
    payload = view_submission_payload(
        callback_id="rejection_modal", values=values, private_metadata=metadata, user_id=user_id
    )
    return submit_view(app, payload)


def test_a_valid_form_is_saved_and_confirmed_through_the_commands_response_url(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    metadata = json.dumps({"response_url": fake_slack.response_url("cmd")})
    assert submit(running, state(**FULL), metadata) == {}  # an empty ack closes the modal

    [candidate] = candidates(running)
    assert (candidate.name, candidate.email, candidate.tags) == (
        "Zoë Ångström",
        "zoe@example.com",
        ["rust", "distributed systems"],
    )
    [rejection] = rejections(running)
    assert (rejection.role_title, rejection.stage, rejection.rating) == ("Staff Engineer", "final", 4)
    assert rejection.note == "Brilliant on the system design round."
    [confirmation] = fake_slack.wait_for("response_url")
    assert confirmation.params["_name"] == "cmd"
    assert confirmation.params["response_type"] == "ephemeral"
    assert "Recorded Zoë Ångström for Staff Engineer" in confirmation.params["text"]


def test_a_consent_date_chosen_in_the_form_is_kept(running: RunningApp, fake_slack: FakeSlack) -> None:
    metadata = json.dumps({"response_url": fake_slack.response_url("cmd")})
    assert submit(running, state(**FULL, consent="2026-03-02"), metadata) == {}
    [candidate] = candidates(running)
    assert (candidate.consent_at, candidate.consent_by, candidate.consent_how) == (
        datetime(2026, 3, 2, 12, tzinfo=UTC),
        "U0REC",
        "given with the rejection",
    )
    [confirmation] = fake_slack.wait_for("response_url")
    assert "Consent recorded." in json.dumps(confirmation.params)  # retention is off in this deployment


def test_a_consent_date_in_the_future_is_shown_next_to_the_field(running: RunningApp) -> None:
    answer = submit(running, state(**FULL, consent="2999-01-01"))
    assert answer == {
        "response_action": "errors",
        "errors": {"consent": "Consent “2999-01-01” is in the future; give the day they agreed."},
    }
    assert candidates(running) == []


def test_a_recruiter_whose_zone_is_fresh_costs_the_database_one_transaction(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    fresh_recruiter(running)
    with transactions_begun(running) as begun:
        submit(running, state(**FULL), json.dumps({"response_url": fake_slack.response_url("cmd")}))
        fake_slack.wait_for("response_url")
    assert len(begun) == 1
    assert fake_slack.calls_to("users.info") == []


def test_the_same_form_sent_again_closes_and_says_it_was_already_recorded(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    """The form filled in again with what the command just recorded, say: a double submit, so nothing new is saved."""
    metadata = json.dumps({"response_url": fake_slack.response_url("form")})
    assert submit(running, state(**FULL), metadata) == {}
    before = row_counts(running.engine)
    assert submit(running, state(**FULL), metadata) == {}
    assert row_counts(running.engine) == before
    # Each answer is sent after its form closes, so the two may arrive in either order.
    answers = sorted(call.params["text"] for call in fake_slack.wait_for("response_url", count=2))
    assert answers == [
        "Already recorded Zoë Ångström for Staff Engineer; nothing new was saved.",
        "Recorded Zoë Ångström for Staff Engineer.",
    ]


def test_optional_fields_may_be_left_empty(running: RunningApp, fake_slack: FakeSlack) -> None:
    metadata = json.dumps({"response_url": fake_slack.response_url()})
    submit(running, state(name="Sam Roe", role="Analyst", stage="screen", rating=None, email=None, note=None), metadata)
    [candidate] = candidates(running)
    assert (candidate.email, candidate.linkedin_url, candidate.tags) == (None, None, [])
    assert rejections(running)[0].rating is None


def test_without_a_response_url_the_confirmation_arrives_by_dm(running: RunningApp, fake_slack: FakeSlack) -> None:
    submit(running, state(name="Sam Roe", role="Analyst", stage="final"))
    [dm] = fake_slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U0REC"
    assert "Recorded Sam Roe for Analyst" in dm.params["text"]


def test_when_the_response_url_has_expired_the_confirmation_arrives_by_dm(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.script("response_url", Reply("expired_url", status=404))
    submit(
        running,
        state(name="Sam Roe", role="Analyst", stage="final"),
        json.dumps({"response_url": fake_slack.response_url()}),
    )
    assert "Recorded Sam Roe" in fake_slack.wait_for("chat.postMessage")[0].params["text"]


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name": "!!!"}, "name", "letter"),
        ({"name": None}, "name", "name"),
        ({"role": None}, "role", "Role"),
        ({"stage": None}, "stage", "Stage"),
        ({"email": "not an email"}, "email", "not a valid address"),
        ({"linkedin": "https://example.com/zoe"}, "linkedin", "LinkedIn"),
        ({"note": "x" * 3001}, "note", "3,001"),
        ({"tags": ",".join(f"t{n}" for n in range(21))}, "tags", "20"),
    ],
)
def test_bad_fields_are_shown_next_to_the_field_and_nothing_is_saved(
    running: RunningApp, fake_slack: FakeSlack, changes: dict[str, str | None], field: str, problem: str
) -> None:
    answer = submit(running, state(**{**FULL, **changes}))
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [field]
    assert problem.lower() in answer["errors"][field].lower()
    assert all(count == 0 for count in row_counts(running.engine).values())
    assert fake_slack.calls_to("response_url") == [] and fake_slack.calls_to("chat.postMessage") == []


def test_every_bad_field_is_reported_at_once(running: RunningApp) -> None:
    answer = submit(running, state(**{**FULL, "name": "", "email": "nope", "note": "x" * 3001}))
    assert set(answer["errors"]) == {"name", "email", "note"}


class TestRestricted:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USER_IDS": "U0REC"}

    def test_a_user_outside_the_team_cannot_save_through_the_form(self, running: RunningApp) -> None:
        answer = submit(running, state(**FULL), user_id="U0STRANGER")
        assert "limited to the recruiting team" in answer["errors"]["name"]
        assert all(count == 0 for count in row_counts(running.engine).values())
