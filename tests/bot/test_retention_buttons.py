"""Retention's buttons end to end: the warning the sweep posts to the fake Slack, clicked as Slack sends block_actions
(signed, over HTTP), the consent form submitted as Slack sends view_submission; then the database, the audit log, the
message as Slack shows it, and later sweeps. Both databases.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.ids import CHECKIN_DRAFT, CONSENT_AGREED, CONSENT_DRAFT, CONSENT_MODAL, RETENTION_ERASE
from jobs.reminders import SweepReport, run_reminders
from models import AuditEntry, Candidate
from testkit.data import reject
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, submit_view
from testkit.slack_http import (
    as_slack_sends,
    block_actions_payload,
    interactive_body,
    post_signed,
    view_submission_payload,
)

TEAM = "T0TEST"
REC = "U0REC"
OTHER = "U0OTHER"
ADMIN = "U0ADMIN"
DM = "DU0REC"
REJECTED = datetime(2026, 1, 5, 10, tzinfo=UTC)  # Monday; erased 180 days on, Saturday 4 July 2026 at 10:00
EXPIRY = REJECTED + timedelta(days=180)
WARNED = EXPIRY - timedelta(days=30)  # Thursday 4 June, 10:00 UTC: working hours
CLICK = datetime(2026, 6, 5, 11, 30, tzinfo=UTC)  # the next day
NOT_FOUND = "That candidate is no longer in Keepwarm, or is not yours to act on."


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"RETENTION_DAYS": "180", "CONSENT_RETENTION_DAYS": "730", "ADMIN_USER_IDS": ADMIN}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the click time, so consent and erasure instants can be asserted exactly."""
    monkeypatch.setattr("bot.listeners.actions.retention_buttons.utcnow", lambda: CLICK)
    monkeypatch.setattr("bot.listeners.actions.checkin_action.utcnow", lambda: CLICK)
    monkeypatch.setattr("bot.home.utcnow", lambda: CLICK)


def sweep(app: RunningApp, fake: FakeSlack, now: datetime) -> SweepReport:
    client = WebClient(token="xoxb-test-token", base_url=fake.api_url)
    return run_reminders(sessions=app.sessions, client=client, settings=app.settings, now=now)


@dataclass(frozen=True)
class Warning:
    """The DM the sweep posted, as the recruiter's Slack shows it, and the candidate it warns about."""

    ts: str
    text: str
    blocks: list[dict[str, Any]]
    candidate_id: int

    def value(self, action_id: str, block_prefix: str = "retention:") -> str:
        [value] = [
            element["value"]
            for block in self.blocks
            if str(block.get("block_id", "")).startswith(block_prefix)
            for element in block.get("elements", [])
            if element.get("action_id") == action_id
        ]
        return value


@pytest.fixture
def warned(running: RunningApp, fake_slack: FakeSlack) -> Warning:
    """Priya Raman, rejected at screen (no check-ins), warned about by the sweep 30 days before her erasure."""
    fake_slack.set_user(REC, tz="UTC")
    made = reject(running.sessions, "Priya Raman", email="priya@example.com", stage="screen", at=REJECTED)
    report = sweep(running, fake_slack, WARNED)
    assert (report.messages, report.warnings) == (1, 1)
    [message] = fake_slack.messages(DM)
    return Warning(message["ts"], message["text"], message["blocks"], made.candidate_id)


def click(
    app: RunningApp,
    fake: FakeSlack,
    where: Warning,
    action_id: str,
    value: str,
    *,
    block_id: str | None = None,
    user: str = REC,
    team: str = TEAM,
    answer_to: str = "click",
) -> None:
    """Click a button in the DM: Slack sends the message as the recruiter's client shows it."""
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        block_id=block_id or f"retention:{where.candidate_id}",
        user_id=user,
        team_id=team,
        channel_id=DM,
        message_ts=where.ts,
        response_url=fake.response_url(answer_to),
    )
    payload["message"] |= {"text": where.text, "blocks": as_slack_sends(where.blocks)}
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")


def submit_consent(app: RunningApp, metadata: str, how: str | None, *, user: str = REC) -> dict[str, Any]:
    payload = view_submission_payload(
        callback_id=CONSENT_MODAL,
        values={"how": {"value": {"type": "plain_text_input", "value": how}}},
        private_metadata=metadata,
        user_id=user,
    )
    return submit_view(app, payload)


def candidate(app: RunningApp, candidate_id: int) -> Candidate:
    with app.sessions() as session:
        return session.get_one(Candidate, candidate_id)


def audit(app: RunningApp) -> list[tuple[Any, ...]]:
    with app.sessions() as session:
        return [
            (e.act, e.actor, e.source, e.candidate_id, e.subject, e.detail, e.at)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def state(app: RunningApp) -> dict[str, Any]:
    """Everything a click could change: the candidates' data-protection fields, the audit log, every table's size."""
    with app.sessions() as session:
        candidates = [
            (c.id, c.name, c.email, c.erased, c.consent_at, c.consent_by, c.consent_how)
            for c in session.scalars(select(Candidate).order_by(Candidate.id))
        ]
    return {"candidates": candidates, "audit": audit(app), "rows": row_counts(app.engine)}


def answers(fake: FakeSlack) -> list[tuple[str, str]]:
    return [(call.params["_name"], call.params["text"]) for call in fake.calls_to("response_url")]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


# ---------------------------------------------------------------------------------------------------------------------
# She agreed, Draft a consent request, Erase now.
# ---------------------------------------------------------------------------------------------------------------------


def test_she_agreed_asks_how_records_consent_and_restarts_the_period(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning
) -> None:
    before = state(running)
    click(running, fake_slack, warned, CONSENT_AGREED, warned.value(CONSENT_AGREED))
    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == CONSENT_MODAL
    assert view["blocks"][1]["element"]["max_length"] == 100
    assert json.loads(view["private_metadata"]) == {
        "value": f"{warned.candidate_id}:0",
        "channel": DM,
        "ts": warned.ts,
        "block_id": f"retention:{warned.candidate_id}",
        "response_url": fake_slack.response_url("click"),
    }
    assert state(running) == before  # opening the form records nothing

    assert submit_consent(running, view["private_metadata"], "  email   reply ") == {}
    fake_slack.wait_for("views.publish")
    priya = candidate(running, warned.candidate_id)
    assert (priya.consent_at, priya.consent_by, priya.consent_how) == (CLICK, REC, "email reply")
    assert audit(running) == [
        ("consented", REC, "button", warned.candidate_id, "Priya Raman <priya@example.com>", "email reply", CLICK)
    ]
    [update] = fake_slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (DM, warned.ts)
    shown = update.params["blocks"]
    assert shown[:-1] == warned.blocks[:-1]
    assert shown[-1] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": ":white_check_mark: Consent recorded (email reply) by <@U0REC> on 5 Jun 2026. "
                "Kept until 4 Jun 2028.",  # 730 days: 2028 has a 29 February,
            }
        ],
    }

    # The 730 days count from the consent: kept at the old expiry, and to the minute before the new one.
    assert sweep(running, fake_slack, EXPIRY).erased == 0
    assert sweep(running, fake_slack, CLICK + timedelta(days=730) - timedelta(minutes=1)).erased == 0
    assert not candidate(running, warned.candidate_id).erased
    assert sweep(running, fake_slack, CLICK + timedelta(days=730)).erased == 1


@pytest.mark.parametrize(
    ("how", "error"),
    [
        (None, "Say how they agreed, e.g. email reply."),
        ("   ", "Say how they agreed, e.g. email reply."),
        ("x" * 101, "Keep it to 100 characters, e.g. email reply."),
    ],
)
def test_consent_without_a_clear_how_is_refused_next_to_the_field(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning, how: str | None, error: str
) -> None:
    click(running, fake_slack, warned, CONSENT_AGREED, warned.value(CONSENT_AGREED))
    [opened] = fake_slack.wait_for("views.open")
    before = state(running)
    answer = submit_consent(running, opened.params["view"]["private_metadata"], how)
    assert answer == {"response_action": "errors", "errors": {"how": error}}
    time.sleep(0.3)
    assert state(running) == before
    assert fake_slack.calls_to("chat.update") == []


def test_a_second_consent_from_the_same_button_changes_nothing_and_says_why(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning
) -> None:
    click(running, fake_slack, warned, CONSENT_AGREED, warned.value(CONSENT_AGREED))
    [opened] = fake_slack.wait_for("views.open")
    metadata = opened.params["view"]["private_metadata"]
    submit_consent(running, metadata, "email reply")
    fake_slack.wait_for("views.publish")
    after_first = state(running)

    submit_consent(running, metadata, "phone call", user=ADMIN)  # the same form, submitted again
    fake_slack.wait_for("response_url")
    assert state(running) == after_first
    assert answers(fake_slack) == [
        ("click", "Consent for Priya Raman was already recorded by <@U0REC> on 5 Jun 2026; nothing changed.")
    ]
    # The old button, clicked again, does not even open the form.
    click(running, fake_slack, warned, CONSENT_AGREED, warned.value(CONSENT_AGREED), answer_to="late")
    fake_slack.wait_for("response_url", count=2)
    assert len(fake_slack.calls_to("views.open")) == 1


def test_draft_a_consent_request_shows_a_message_to_copy_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning
) -> None:
    before, start = state(running), len(fake_slack.calls)
    click(running, fake_slack, warned, CONSENT_DRAFT, warned.value(CONSENT_DRAFT))
    [opened] = fake_slack.wait_for("views.open")
    draft = opened.params["view"]["blocks"][1]["text"]["text"]
    assert draft.startswith("Hi Priya,\n\n")
    assert "may we keep them on file a while longer?" in draft
    assert "you can ask us to at any time" in draft
    time.sleep(0.3)
    assert state(running) == before
    assert [call.method for call in fake_slack.calls[start:]] == ["views.open"]


def test_erase_now_erases_logs_the_recruiter_and_takes_the_name_out_of_the_message(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning
) -> None:
    [erase] = [
        element
        for block in warned.blocks
        for element in block.get("elements", [])
        if element.get("action_id") == RETENTION_ERASE
    ]
    assert erase["confirm"]["confirm"]["text"] == "Erase"  # Slack asks before the click reaches Keepwarm

    click(running, fake_slack, warned, RETENTION_ERASE, warned.value(RETENTION_ERASE))
    fake_slack.wait_for("views.publish")
    priya = candidate(running, warned.candidate_id)
    assert (priya.erased, priya.erased_at, priya.name, priya.email) == (True, CLICK, "(erased)", None)
    assert audit(running) == [("erased", REC, "button", warned.candidate_id, None, None, CLICK)]
    [update] = fake_slack.calls_to("chat.update")
    shown = json.dumps(update.params)
    assert "Priya" not in shown and "priya@" not in shown
    assert update.params["blocks"][-1]["elements"][0]["text"] == ":wastebasket: Erased by <@U0REC> on 5 Jun 2026."
    assert fake_slack.messages(DM)[0]["blocks"] == update.params["blocks"]

    # Clicked again (a client that has not refreshed): nothing more, and it says so.
    click(running, fake_slack, warned, RETENTION_ERASE, warned.value(RETENTION_ERASE), answer_to="late")
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("late", NOT_FOUND)]
    assert len(audit(running)) == 1


def test_an_admin_may_erase_someone_elses_candidate(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning
) -> None:
    click(running, fake_slack, warned, RETENTION_ERASE, warned.value(RETENTION_ERASE), user=ADMIN)
    fake_slack.wait_for("views.publish")
    assert candidate(running, warned.candidate_id).erased
    assert audit(running) == [("erased", ADMIN, "button", warned.candidate_id, None, None, CLICK)]


# ---------------------------------------------------------------------------------------------------------------------
# Other people's buttons, other teams, forged values.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action_id", [CONSENT_AGREED, CONSENT_DRAFT, RETENTION_ERASE])
@pytest.mark.parametrize(("user", "team"), [(OTHER, TEAM), (REC, "T0OTHER"), (ADMIN, "T0OTHER")])
def test_someone_who_does_not_own_the_candidate_is_refused(
    running: RunningApp,
    fake_slack: FakeSlack,
    warned: Warning,
    caplog: pytest.LogCaptureFixture,
    action_id: str,
    user: str,
    team: str,
) -> None:
    before = state(running)
    click(running, fake_slack, warned, action_id, warned.value(action_id), user=user, team=team)
    fake_slack.wait_for("response_url")
    time.sleep(0.3)
    assert answers(fake_slack) == [("click", NOT_FOUND)]
    assert state(running) == before
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.update") == []
    assert errors_logged(caplog) == []


@pytest.mark.parametrize(
    "value", ["", "abc", "1", "1:0:0", "-1:0", "999999:0", "2147483648:0", "²:0", "1:" + "9" * 40, "9" * 400]
)
@pytest.mark.parametrize("action_id", [CONSENT_AGREED, RETENTION_ERASE])
def test_forged_values_are_refused_cleanly(
    running: RunningApp,
    fake_slack: FakeSlack,
    warned: Warning,
    caplog: pytest.LogCaptureFixture,
    action_id: str,
    value: str,
) -> None:
    assert warned.candidate_id == 1  # so "1:..." values aim at a real candidate
    before = state(running)
    click(running, fake_slack, warned, action_id, value)
    fake_slack.wait_for("response_url")
    time.sleep(0.3)
    assert answers(fake_slack) == [("click", NOT_FOUND)]
    assert state(running) == before
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("metadata", ["", "not json", "[]", '{"value": "1:0"}', '{"value": "1:0", "ts": 5}'])
def test_a_forged_consent_form_records_nothing(
    running: RunningApp, fake_slack: FakeSlack, warned: Warning, caplog: pytest.LogCaptureFixture, metadata: str
) -> None:
    """Metadata comes back from the client: nothing is recorded for a candidate the submitter (here OTHER) does not
    own, or for a value that names none; without a response_url the refusal has nowhere to go."""
    before = state(running)
    submit_consent(running, metadata, "email reply", user=OTHER)
    fake_slack.wait_for("views.publish")
    assert state(running) == before
    assert errors_logged(caplog) == []


# ---------------------------------------------------------------------------------------------------------------------
# Ask early: the first check-in's draft, and She agreed beside Done.
# ---------------------------------------------------------------------------------------------------------------------


def test_the_check_in_dm_offers_she_agreed_and_the_first_draft_asks_for_consent(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    made = reject(running.sessions, "Jane Doe", email="jane@example.com", stage="final", at=REJECTED)
    assert sweep(running, fake_slack, REJECTED + timedelta(days=14)).checkins == 1
    [message] = fake_slack.messages(DM)
    dm = Warning(message["ts"], message["text"], message["blocks"], made.candidate_id)
    block_id = f"checkin_actions:{made.checkin_id}"
    labels = [e["text"]["text"] for b in dm.blocks if b.get("block_id") == block_id for e in b["elements"]]
    assert labels[:2] == ["Done, I reached out", "She agreed"]

    click(running, fake_slack, dm, CHECKIN_DRAFT, dm.value(CHECKIN_DRAFT, "checkin_actions:"), block_id=block_id)
    [opened] = fake_slack.wait_for("views.open")
    draft = opened.params["view"]["blocks"][1]["text"]["text"]
    assert "may we keep your details (name, contact details and notes from our process) on file?" in draft

    click(running, fake_slack, dm, CONSENT_AGREED, dm.value(CONSENT_AGREED, "checkin_actions:"), block_id=block_id)
    [_, consent_form] = fake_slack.wait_for("views.open", count=2)
    submit_consent(running, consent_form.params["view"]["private_metadata"], "said yes on a call")
    fake_slack.wait_for("views.publish")
    assert candidate(running, made.candidate_id).consent_how == "said yes on a call"
    [update] = fake_slack.calls_to("chat.update")
    [actions] = [b for b in update.params["blocks"] if b.get("block_id") == block_id]
    assert [e["text"]["text"] for e in actions["elements"]] == [
        "Done, I reached out",
        "Snooze 1 week",
        "Snooze 1 month",
        "Stop",
        "Draft a message",
    ]
    after = update.params["blocks"][update.params["blocks"].index(actions) + 1]
    assert after["elements"][0]["text"].startswith(
        ":white_check_mark: Consent recorded (said yes on a call) by <@U0REC>"
    )
