"""Check-in buttons end to end: a real reminder DM from the sweep, clicked the way Slack sends block_actions.

Each test records strong rejections, lets `run_reminders` post the DM to the fake Slack, then clicks that message's
buttons with signed requests that carry the message's own blocks (as Slack echoes them), its channel and ts, and a
response_url; it then checks the database, the message as Slack now shows it, and the Home tab. Both databases.
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

from bot.ids import (
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    RETRY_DELIVERY,
    STOP_MODAL,
)
from jobs.reminders import SweepReport, run_reminders
from models import Checkin, RetentionWarning, Touchpoint
from testkit.data import reject
from testkit.database import row_counts
from testkit.fakeslack import Call, FakeSlack, Reply
from testkit.running import RunningApp, open_home, submit_view
from testkit.slack_http import (
    as_slack_sends,
    block_actions_payload,
    home_click_payload,
    interactive_body,
    post_signed,
    view_submission_payload,
)

TEAM = "T0TEST"
REC = "U0REC"
OTHER = "U0OTHER"
ADMIN = "U0ADMIN"
DM = "DU0REC"  # the fake's DM channel with U0REC
# Monday 5 January 2026, 10:00 UTC: the candidates are turned down. Their first check-ins fall due two weeks later,
# Monday 19 January at 10:00, when the sweep runs inside working hours (Mon-Fri 09-17, UTC for this recruiter).
REJECTED = datetime(2026, 1, 5, 10, tzinfo=UTC)
SWEEP = datetime(2026, 1, 19, 10, tzinfo=UTC)
# The recruiter clicks the next day; the app reads this as "now" when a button is clicked and when Home is drawn.
CLICK = datetime(2026, 1, 20, 11, 30, tzinfo=UTC)
NEXT_GAP = timedelta(days=76)  # from the 14-day check-in to the 90-day one
NOT_YOURS = "That check-in no longer exists, or is not one of yours."
LABELS = ["Done, I reached out", "She agreed", "Snooze 1 week", "Snooze 1 month", "Stop", "Draft a message"]
TRIGGER_ID = "1337.42.action"  # what block_actions_payload sends


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the click time, so due dates and touchpoints can be asserted exactly."""
    monkeypatch.setattr("bot.listeners.actions.checkin_action.utcnow", lambda: CLICK)
    monkeypatch.setattr("bot.home.utcnow", lambda: CLICK)


# ---------------------------------------------------------------------------------------------------------------------
# Test data through the real code, the sweep, and clicks as Slack sends them.
# ---------------------------------------------------------------------------------------------------------------------


def sweep(app: RunningApp, fake: FakeSlack, now: datetime) -> SweepReport:
    client = WebClient(token="xoxb-test-token", base_url=fake.api_url)
    return run_reminders(sessions=app.sessions, client=client, settings=app.settings, now=now)


def checkins_in(blocks: list[dict[str, Any]]) -> list[int]:
    """The check-in ids a message still has buttons for."""
    return [int(block["block_id"].split(":")[1]) for block in blocks if block["type"] == "actions"]


@dataclass(frozen=True)
class Reminder:
    """The DM the sweep posted, as the recruiter's Slack shows it, and the check-ins it lists."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    jane: int
    omar: int


@pytest.fixture
def dm(running: RunningApp, fake_slack: FakeSlack) -> Reminder:
    """Two strong rejections of U0REC's, both due on Monday, sent by the sweep in one DM."""
    fake_slack.set_user(REC, tz="UTC")
    jane = reject(running.sessions, "Jane Doe").checkin_id
    omar = reject(running.sessions, "Omar Haddad", role="Data Engineer").checkin_id
    assert jane is not None and omar is not None
    report = sweep(running, fake_slack, SWEEP)
    assert (report.messages, report.checkins, report.failed) == (1, 2, 0)
    [post] = fake_slack.calls_to("chat.postMessage")
    [message] = fake_slack.messages(DM)
    assert post.params["channel"] == REC
    assert message["blocks"] == post.params["blocks"]
    assert checkins_in(message["blocks"]) == [jane, omar]
    assert [element["text"]["text"] for element in message["blocks"][3]["elements"]] == LABELS
    return Reminder(DM, message["ts"], message["text"], message["blocks"], jane, omar)


def click(
    app: RunningApp,
    fake: FakeSlack,
    where: Reminder,
    action_id: str,
    value: str,
    *,
    user: str = REC,
    team: str = TEAM,
    answer_to: str = "click",
) -> None:
    """Click a button in the reminder: Slack sends the message as the recruiter's client shows it (`where`)."""
    checkin_id = value.split(":")[0]
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        block_id=f"checkin_actions:{checkin_id}",
        user_id=user,
        team_id=team,
        channel_id=where.channel,
        message_ts=where.ts,
        response_url=fake.response_url(answer_to),
    )
    payload["message"] |= {"text": where.text, "blocks": as_slack_sends(where.blocks)}
    send(app, payload)


def click_home(
    app: RunningApp, view: dict[str, Any], action_id: str, value: str, *, user: str, team: str = TEAM
) -> None:
    """Click a button on the Home tab."""
    send(app, home_click_payload(view=view, action_id=action_id, value=value, user_id=user, team_id=team))


def send(app: RunningApp, payload: dict[str, Any]) -> None:
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")


def submit_stop(app: RunningApp, metadata: str, reason: str | None, *, user: str = REC) -> dict[str, Any]:
    """Submit the stop modal with a radio button chosen (or none), as Slack fills in state.values."""
    labels = {"hired_elsewhere": "Hired elsewhere", "not_interested": "Not interested", "other": "Other"}
    selected = None if reason is None else {"text": {"type": "plain_text", "text": labels[reason], "emoji": True}}
    if selected is not None:
        selected["value"] = reason
    payload = view_submission_payload(
        callback_id=STOP_MODAL,
        values={"reason": {"value": {"type": "radio_buttons", "selected_option": selected}}},
        private_metadata=metadata,
        user_id=user,
    )
    return submit_view(app, payload)


def row(app: RunningApp, checkin_id: int) -> Checkin:
    with app.sessions() as session:
        return session.get_one(Checkin, checkin_id)


def touchpoints(app: RunningApp) -> list[tuple[Any, ...]]:
    with app.sessions() as session:
        rows = session.scalars(select(Touchpoint).order_by(Touchpoint.id))
        return [(t.checkin_id, t.team_id, t.user_id, t.kind, t.detail, t.at) for t in rows]


def state(app: RunningApp) -> dict[str, Any]:
    """Everything a click could change: every check-in's fields, every touchpoint, and every table's size."""
    with app.sessions() as session:
        checkins = [
            (c.id, c.step, c.due_at, c.status, c.stop_reason, c.stopped_at, c.retry_at, c.delivery_error, c.claim_token)
            for c in session.scalars(select(Checkin).order_by(Checkin.id))
        ]
    return {"checkins": checkins, "touchpoints": touchpoints(app), "rows": row_counts(app.engine)}


def date_of(when: datetime) -> str:
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def outcome(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def answers(fake: FakeSlack) -> list[tuple[str, str, str, bool]]:
    """What was said to whoever clicked, through a response_url: (which url, type, text, replace_original)."""
    return [
        (call.params["_name"], call.params["response_type"], call.params["text"], call.params["replace_original"])
        for call in fake.calls_to("response_url")
    ]


def home_texts(call: Call) -> list[str]:
    """Every header and section text of a published Home tab, in order."""
    return [block["text"]["text"] for block in call.params["view"]["blocks"] if block["type"] in ("header", "section")]


def drawn(where: Reminder, checkin_id: int) -> str:
    """The value the reminder's buttons for this check-in carry, as the recruiter's Slack shows them."""
    [values] = [
        {element["value"] for element in block["elements"] if element["action_id"] != "retention_consent"}
        for block in where.blocks
        if block.get("block_id") == f"checkin_actions:{checkin_id}"
    ]
    [value] = values
    return value


def drawn_now(app: RunningApp, checkin_id: int) -> str:
    """The value a button drawn now (Home) carries: the check-in's step, and the row's current step and due time."""
    checkin = row(app, checkin_id)
    return f"{checkin_id}:{checkin.step}:{checkin.step}:{int(checkin.due_at.timestamp())}"


def home_buttons(call: Call) -> dict[str, list[str]]:
    """The check-in buttons of a published Home tab: block id to the values of its buttons."""
    return {
        block["block_id"]: [
            element["value"] for element in block["elements"] if element["action_id"] != "retention_consent"
        ]
        for block in call.params["view"]["blocks"]
        if block["type"] == "actions" and block["block_id"].startswith("checkin_actions:")
    }


def methods_since(fake: FakeSlack, start: int) -> list[str]:
    return [call.method for call in fake.calls[start:]]


# ---------------------------------------------------------------------------------------------------------------------
# Done, Snooze, Stop, Draft.
# ---------------------------------------------------------------------------------------------------------------------


def test_done_logs_the_touchpoint_counts_the_next_gap_from_today_and_updates_the_message(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder
) -> None:
    click(running, fake_slack, dm, CHECKIN_DONE, drawn(dm, dm.jane))
    [publish] = fake_slack.wait_for("views.publish")

    assert touchpoints(running) == [(dm.jane, TEAM, REC, "reached_out", None, CLICK)]
    jane = row(running, dm.jane)
    assert (jane.step, jane.due_at, jane.status) == (1, CLICK + NEXT_GAP, "active")
    assert running.settings.policy.gap(1) == NEXT_GAP
    omar = row(running, dm.omar)
    assert (omar.step, omar.due_at) == (1, REJECTED + timedelta(days=90))  # untouched

    [update] = fake_slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"], update.params["text"]) == (DM, dm.ts, dm.text)
    sent = as_slack_sends(dm.blocks)
    done = outcome(
        f":white_check_mark: Reached out by <@U0REC> on {date_of(CLICK)}. "
        f"Next check-in around {date_of(CLICK + NEXT_GAP)}."
    )
    assert update.params["blocks"] == [*sent[:3], done, *sent[4:]]
    assert checkins_in(update.params["blocks"]) == [dm.omar]
    [shown] = fake_slack.messages(DM)
    assert (shown["ts"], shown["blocks"]) == (dm.ts, update.params["blocks"])

    assert publish.params["user_id"] == REC
    texts = home_texts(publish)
    assert texts[2:5] == ["Due now (0)", "Nothing is due. Well done.", "Coming up"]
    assert home_buttons(publish) == {}
    assert answers(fake_slack) == []


@pytest.mark.parametrize(
    ("action_id", "days", "said"), [(CHECKIN_SNOOZE_WEEK, 7, "a week"), (CHECKIN_SNOOZE_MONTH, 30, "a month")]
)
def test_snooze_brings_the_same_reminder_back_later(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder, action_id: str, days: int, said: str
) -> None:
    click(running, fake_slack, dm, action_id, drawn(dm, dm.omar))
    [publish] = fake_slack.wait_for("views.publish")

    back = CLICK + timedelta(days=days)
    omar = row(running, dm.omar)
    assert (omar.step, omar.due_at, omar.status) == (0, back, "active")  # step 0: the same, first reminder again
    assert touchpoints(running) == [(dm.omar, TEAM, REC, "snoozed", f"{days} days", CLICK)]
    assert row(running, dm.jane).step == 1

    [update] = fake_slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (DM, dm.ts)
    sent = as_slack_sends(dm.blocks)
    snoozed = outcome(
        f":zzz: Snoozed for {said} by <@U0REC> on {date_of(CLICK)}. Next check-in around {date_of(back)}."
    )
    assert update.params["blocks"] == [*sent[:6], snoozed, *sent[7:]]
    assert checkins_in(fake_slack.messages(DM)[0]["blocks"]) == [dm.jane]
    assert publish.params["user_id"] == REC

    # When the snooze is over, the first reminder comes back, with buttons that work again.
    assert back.weekday() < 5 and 9 <= back.hour < 17
    report = sweep(running, fake_slack, back)
    assert (report.messages, report.checkins) == (1, 1)
    again = fake_slack.messages(DM)[1]
    assert checkins_in(again["blocks"]) == [dm.omar]
    step, due = running.settings.policy.after_send(step=0, due_at=back, now=back)
    fresh = f"{dm.omar}:0:{step}:{int(due.timestamp())}"
    assert {e["value"] for e in again["blocks"][3]["elements"] if e["action_id"] != "retention_consent"} == {fresh}
    assert fresh != drawn(dm, dm.omar)  # the first message's buttons stay stale
    assert again["blocks"][2]["elements"][0]["text"].startswith("Why now: thank them, share the feedback")


def test_stop_asks_why_then_stops_the_check_ins_and_updates_the_message(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder
) -> None:
    before = state(running)
    click(running, fake_slack, dm, CHECKIN_STOP, drawn(dm, dm.jane))
    [opened] = fake_slack.wait_for("views.open")
    assert opened.params["trigger_id"] == TRIGGER_ID
    view = opened.params["view"]
    assert (view["type"], view["callback_id"]) == ("modal", STOP_MODAL)
    assert view["blocks"][0]["text"]["text"] == "No more check-ins for *Jane Doe*. Why?"
    assert json.loads(view["private_metadata"]) == {
        "value": drawn(dm, dm.jane),
        "channel": DM,
        "ts": dm.ts,
        "response_url": fake_slack.response_url("click"),
    }
    assert state(running) == before  # opening the modal stops nothing
    assert fake_slack.calls_to("chat.update") == []

    assert submit_stop(running, view["private_metadata"], "hired_elsewhere") == {}  # an empty ack closes the modal
    [publish] = fake_slack.wait_for("views.publish")
    jane = row(running, dm.jane)
    assert (jane.status, jane.stop_reason, jane.stopped_at, jane.step) == ("stopped", "hired_elsewhere", CLICK, 1)
    assert touchpoints(running) == [(dm.jane, TEAM, REC, "stopped", "hired elsewhere", CLICK)]
    assert row(running, dm.omar).status == "active"

    [update] = fake_slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"], update.params["text"]) == (DM, dm.ts, dm.text)
    stopped = outcome(f":no_entry_sign: Stopped (hired elsewhere) by <@U0REC> on {date_of(CLICK)}.")
    assert update.params["blocks"] == [*dm.blocks[:3], stopped, *dm.blocks[4:]]
    assert fake_slack.messages(DM)[0]["blocks"] == update.params["blocks"]
    assert publish.params["user_id"] == REC

    # Her other buttons, still on screen in a client that has not refreshed, now say why they no longer apply.
    click(running, fake_slack, dm, CHECKIN_SNOOZE_WEEK, drawn(dm, dm.jane), answer_to="late")
    fake_slack.wait_for("views.publish", count=2)
    assert answers(fake_slack) == [
        ("late", "ephemeral", "Check-ins for Jane Doe were stopped (hired elsewhere).", False)
    ]

    # Two years on, every sweep has passed her by, while Omar's check-ins went on.
    settled = state(running)
    for weeks in (12, 52, 104):
        sweep(running, fake_slack, SWEEP + timedelta(weeks=weeks))
    later = [checkins_in(call.params["blocks"]) for call in fake_slack.calls_to("chat.postMessage")[1:]]
    assert later == [[dm.omar], [dm.omar], [dm.omar]]
    assert row(running, dm.jane).status == "stopped"
    assert state(running)["checkins"][dm.jane - 1] == settled["checkins"][dm.jane - 1]


def test_stopping_without_a_reason_is_refused_next_to_the_field(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder
) -> None:
    click(running, fake_slack, dm, CHECKIN_STOP, drawn(dm, dm.jane))
    [opened] = fake_slack.wait_for("views.open")
    before = state(running)
    answer = submit_stop(running, opened.params["view"]["private_metadata"], None)
    assert answer == {"response_action": "errors", "errors": {"reason": "Choose why check-ins stop."}}
    time.sleep(0.3)  # room for a wrongly continuing handler to act
    assert state(running) == before
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.publish") == []


def test_draft_opens_a_note_to_copy_and_changes_or_sends_nothing(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder
) -> None:
    before, start = state(running), len(fake_slack.calls)
    click(running, fake_slack, dm, CHECKIN_DRAFT, drawn(dm, dm.omar))
    [opened] = fake_slack.wait_for("views.open")
    assert opened.params["trigger_id"] == TRIGGER_ID
    view = opened.params["view"]
    assert view["blocks"][0]["text"]["text"].startswith("A starting point for your note to *Omar Haddad*.")
    draft = view["blocks"][1]["text"]["text"]
    assert draft.startswith("Hi Omar,\n\n")
    assert "the Data Engineer role" in draft  # which sentence holds it depends on the step: see the next test
    time.sleep(0.3)  # room for anything else the handler might wrongly do
    assert state(running) == before
    assert methods_since(fake_slack, start) == ["views.open"]  # no message to anyone, no update
    assert fake_slack.messages(DM)[0]["blocks"] == dm.blocks


def test_the_draft_from_the_first_reminder_gives_the_promised_feedback(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder
) -> None:
    click(running, fake_slack, dm, CHECKIN_DRAFT, drawn(dm, dm.omar))
    [opened] = fake_slack.wait_for("views.open")
    draft = opened.params["view"]["blocks"][1]["text"]["text"]
    assert "Thank you again for the time you gave us for the Data Engineer role. I promised you feedback" in draft


# ---------------------------------------------------------------------------------------------------------------------
# Stale buttons, other people's buttons, forged buttons.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action_id", "due"),
    [
        pytest.param(CHECKIN_SNOOZE_WEEK, "27 Jan 2026", id="snooze week"),
        pytest.param(CHECKIN_SNOOZE_MONTH, "19 Feb 2026", id="snooze month"),
        pytest.param(
            CHECKIN_DONE,
            "06 Apr 2026",
            id="done",
        ),
    ],
)
def test_a_second_click_on_the_same_button_is_answered_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder, action_id: str, due: str
) -> None:
    value = drawn(dm, dm.jane)
    click(running, fake_slack, dm, action_id, value, answer_to="first")
    fake_slack.wait_for("views.publish")
    after_first = state(running)
    assert len(after_first["touchpoints"]) == 1

    # A double click: the recruiter's client still shows the message as it was.
    click(running, fake_slack, dm, action_id, value, answer_to="second")
    fake_slack.wait_for("views.publish", count=2)
    assert answers(fake_slack) == [
        (
            "second",
            "ephemeral",
            f"This reminder was already handled; the next check-in with Jane Doe is due {due}.",
            False,
        )
    ]
    assert state(running) == after_first
    assert len(fake_slack.calls_to("chat.update")) == 1


def test_the_already_handled_answer_escapes_the_candidates_name(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.set_user(REC, tz="UTC")
    ann = reject(running.sessions, "Ann <!here> & Co").checkin_id
    assert ann is not None
    sweep(running, fake_slack, SWEEP)
    [message] = fake_slack.messages(DM)
    where = Reminder(DM, message["ts"], message["text"], message["blocks"], ann, 0)
    for n in (1, 2):
        click(running, fake_slack, where, CHECKIN_SNOOZE_WEEK, drawn(where, ann))
        fake_slack.wait_for("views.publish", count=n)
    [(_, _, text, _)] = answers(fake_slack)
    assert "Ann &lt;!here&gt; &amp; Co" in text and "<!here>" not in text


@pytest.mark.parametrize(("user", "team"), [(OTHER, TEAM), (REC, "T0ELSE")], ids=["another recruiter", "another team"])
@pytest.mark.parametrize("action_id", [CHECKIN_DONE, CHECKIN_SNOOZE_MONTH, CHECKIN_STOP, CHECKIN_DRAFT])
def test_nobody_else_may_act_on_a_recruiters_check_in(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder, action_id: str, user: str, team: str
) -> None:
    before = state(running)
    click(running, fake_slack, dm, action_id, drawn(dm, dm.jane), user=user, team=team)
    fake_slack.wait_for("response_url")
    if action_id in (CHECKIN_DONE, CHECKIN_SNOOZE_MONTH):
        [publish] = fake_slack.wait_for("views.publish")  # their own Home, redrawn
        assert publish.params["user_id"] == user
    assert answers(fake_slack) == [("click", "ephemeral", NOT_YOURS, False)]
    assert state(running) == before
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []
    assert fake_slack.messages(DM)[0]["blocks"] == dm.blocks


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the app logged as an error or worse, from any of its threads: a clean refusal logs none."""
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        "1:2",
        "1:0:1:1:1",
        "-1:0:1:0",
        "1:0:x",
        "1:0:",
        "999999:0:1:0",
        "2147483648:0:1:0",
        "999999999999:0:1:0",
        "1:0:" + "9" * 40,
        "9" * 400,
    ],
)
@pytest.mark.parametrize("action_id", [CHECKIN_DONE, CHECKIN_STOP])
def test_forged_values_are_refused_cleanly(
    running: RunningApp,
    fake_slack: FakeSlack,
    dm: Reminder,
    caplog: pytest.LogCaptureFixture,
    action_id: str,
    value: str,
) -> None:
    assert dm.jane == 1  # so "1:..." values aim at a real check-in
    before = state(running)
    click(running, fake_slack, dm, action_id, value)
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("click", "ephemeral", NOT_YOURS, False)]
    assert state(running) == before
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("value", ["2147483648:0:1:0", "99999999999:0:1:0"])
def test_an_id_beyond_the_databases_integer_range_is_refused_as_not_found(
    running: RunningApp,
    fake_slack: FakeSlack,
    dm: Reminder,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
    database_url: str,
    value: str,
) -> None:
    before = state(running)
    click(running, fake_slack, dm, CHECKIN_DONE, value)
    fake_slack.wait_for("response_url")
    assert state(running) == before
    assert answers(fake_slack) == [("click", "ephemeral", NOT_YOURS, False)]
    assert errors_logged(caplog) == []


def test_a_forged_value_of_superscript_digits_is_answered(
    running: RunningApp, fake_slack: FakeSlack, dm: Reminder, caplog: pytest.LogCaptureFixture
) -> None:
    before = state(running)
    click(running, fake_slack, dm, CHECKIN_DONE, "²:0:1:0")
    time.sleep(0.5)
    assert state(running) == before
    assert errors_logged(caplog) == []
    assert answers(fake_slack) == [("click", "ephemeral", NOT_YOURS, False)]


class TestAdmin:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN}

    def test_an_admin_may_act_on_a_recruiters_check_in(
        self, running: RunningApp, fake_slack: FakeSlack, dm: Reminder
    ) -> None:
        click(running, fake_slack, dm, CHECKIN_DONE, drawn(dm, dm.jane), user=ADMIN)
        [publish] = fake_slack.wait_for("views.publish")
        assert publish.params["user_id"] == ADMIN
        assert touchpoints(running) == [(dm.jane, TEAM, ADMIN, "reached_out", None, CLICK)]
        jane = row(running, dm.jane)
        assert (jane.step, jane.due_at) == (1, CLICK + NEXT_GAP)
        [update] = fake_slack.calls_to("chat.update")
        assert update.params["blocks"][3] == outcome(
            f":white_check_mark: Reached out by <@U0ADMIN> on {date_of(CLICK)}. "
            f"Next check-in around {date_of(CLICK + NEXT_GAP)}."
        )
        assert answers(fake_slack) == []

    def test_an_admin_clicking_from_another_workspace_may_not(
        self, running: RunningApp, fake_slack: FakeSlack, dm: Reminder
    ) -> None:
        before = state(running)
        click(running, fake_slack, dm, CHECKIN_SNOOZE_WEEK, drawn(dm, dm.jane), user=ADMIN, team="T0ELSE")
        fake_slack.wait_for("views.publish")
        assert answers(fake_slack) == [("click", "ephemeral", NOT_YOURS, False)]
        assert state(running) == before
        assert fake_slack.calls_to("chat.update") == []


def test_the_buttons_of_a_late_reminder_still_work(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.set_user(REC, tz="UTC")
    jane = reject(
        running.sessions, "Jane Doe", at=SWEEP - timedelta(days=100)
    ).checkin_id  # both the 14- and the 90-day check-ins due
    assert jane is not None
    sweep(running, fake_slack, SWEEP)
    [message] = fake_slack.messages(DM)
    where = Reminder(DM, message["ts"], message["text"], message["blocks"], jane, 0)
    click(running, fake_slack, where, CHECKIN_DONE, message["blocks"][3]["elements"][0]["value"])
    fake_slack.wait_for("views.publish")
    assert answers(fake_slack) == []
    assert [(kind, user) for _, _, user, kind, _, _ in touchpoints(running)] == [("reached_out", REC)]


# ---------------------------------------------------------------------------------------------------------------------
# The Home tab: its check-ins, its buttons, and (for admins) refused deliveries.
# ---------------------------------------------------------------------------------------------------------------------


def test_home_lists_due_check_ins_with_their_buttons_and_upcoming_ones(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    due = reject(running.sessions, "Ann Lee", role="Backend Engineer", at=CLICK - timedelta(days=20)).checkin_id
    upcoming = reject(running.sessions, "Bo Chen", role="Data Engineer", at=CLICK - timedelta(days=5)).checkin_id
    assert (
        reject(running.sessions, "Cy Diaz", stage="screen", at=CLICK - timedelta(days=30)).checkin_id is None
    )  # weak: no check-ins
    reject(running.sessions, "Dee Evans", user=OTHER, at=CLICK - timedelta(days=20))  # someone else's
    open_home(running)
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.params["user_id"] == REC
    texts = home_texts(publish)
    assert (texts[0], texts[2]) == ("Keepwarm", "Due now (1)")
    assert texts[3].startswith("*Ann Lee*: Backend Engineer · finalist · rejected 20 days ago")
    assert texts[4] == "Coming up"
    assert texts[5].startswith("*Bo Chen*: Data Engineer · finalist · rejected 5 days ago")
    assert texts[6] == "Your recent rejections"
    assert [text.split("*")[1] for text in texts[7:]] == ["Bo Chen", "Ann Lee", "Cy Diaz"]
    assert home_buttons(publish) == {
        f"checkin_actions:{due}": [drawn_now(running, due)] * 5,
        f"checkin_actions:{upcoming}": [drawn_now(running, upcoming)] * 5,
    }
    blocks = publish.params["view"]["blocks"]
    for block in blocks:
        if block["type"] == "actions":
            assert [element["text"]["text"] for element in block["elements"]] == LABELS
    assert outcome(f"Due {date_of(CLICK + timedelta(days=9))}") in blocks
    shown = json.dumps(publish.params["view"])
    assert "Dee Evans" not in shown and "Retry delivery" not in shown and RETRY_DELIVERY not in shown


@pytest.mark.parametrize(
    ("action_id", "step", "due", "headers"),
    [
        (CHECKIN_DONE, 1, CLICK + NEXT_GAP, ["Due now (0)", "Nothing is due. Well done.", "Coming up"]),
        (CHECKIN_SNOOZE_WEEK, 0, CLICK + timedelta(days=7), ["Due now (0)", "Nothing is due. Well done.", "Coming up"]),
    ],
)
def test_a_button_on_the_home_tab_works_too(
    running: RunningApp, fake_slack: FakeSlack, action_id: str, step: int, due: datetime, headers: list[str]
) -> None:
    ann = reject(running.sessions, "Ann Lee", at=CLICK - timedelta(days=20)).checkin_id  # due; no reminder sent yet
    open_home(running)
    [first] = fake_slack.wait_for("views.publish")
    value = home_buttons(first)[f"checkin_actions:{ann}"][0]
    assert value == drawn_now(running, ann)

    click_home(running, first.params["view"], action_id, value, user=REC)
    _, second = fake_slack.wait_for("views.publish", count=2)
    checkin = row(running, ann)
    assert (checkin.step, checkin.due_at) == (step, due)
    kind = "reached_out" if action_id == CHECKIN_DONE else "snoozed"
    assert [(c, u, k, at) for c, _, u, k, _, at in touchpoints(running)] == [(ann, REC, kind, CLICK)]
    assert second.params["user_id"] == REC
    assert home_texts(second)[2:5] == headers
    # Snoozed, it is coming up in a week, with buttons for the step it is at; done, it is months away.
    expected = {f"checkin_actions:{ann}": [drawn_now(running, ann)] * 5} if action_id == CHECKIN_SNOOZE_WEEK else {}
    assert home_buttons(second) == expected
    assert fake_slack.calls_to("chat.update") == [] and answers(fake_slack) == []


class TestDeliveryFailures:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN}

    @pytest.fixture
    def refused(self, running: RunningApp, fake_slack: FakeSlack) -> int:
        """Jane's reminder, which Slack refused for good: the DM channel is gone."""
        fake_slack.set_user(REC, tz="UTC")
        jane = reject(running.sessions, "Jane Doe").checkin_id
        assert jane is not None
        fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "channel_not_found"}))
        report = sweep(running, fake_slack, SWEEP)
        assert (report.messages, report.failed) == (0, 1)
        checkin = row(running, jane)
        assert (checkin.delivery_error, checkin.delivery_failed_at, checkin.step) == ("channel_not_found", SWEEP, 0)
        return jane

    def test_admins_see_refused_deliveries_with_a_retry_button_and_recruiters_do_not(
        self, running: RunningApp, fake_slack: FakeSlack, refused: int
    ) -> None:
        open_home(running, user_id=ADMIN)
        [admin] = fake_slack.wait_for("views.publish")
        assert admin.params["user_id"] == ADMIN
        blocks = admin.params["view"]["blocks"]
        assert blocks[-2] == {
            "type": "header",
            "text": {"type": "plain_text", "text": "Reminders Slack refused to deliver"},
        }
        assert blocks[-1]["text"]["text"] == f"<@U0REC> · Jane Doe · Slack said `channel_not_found` ({date_of(SWEEP)})"
        assert blocks[-1]["accessory"] == {
            "type": "button",
            "action_id": RETRY_DELIVERY,
            "text": {"type": "plain_text", "text": "Retry delivery"},
            "value": str(refused),
        }

        open_home(running, user_id=REC)
        _, recruiter = fake_slack.wait_for("views.publish", count=2)
        assert recruiter.params["user_id"] == REC
        shown = json.dumps(recruiter.params["view"])
        assert "refused to deliver" not in shown and RETRY_DELIVERY not in shown and "channel_not_found" not in shown
        assert home_texts(recruiter)[2] == "Due now (1)"  # her own due check-in, with its buttons
        assert home_buttons(recruiter) == {f"checkin_actions:{refused}": [drawn_now(running, refused)] * 5}

    def test_an_admins_retry_clears_the_error_and_the_next_sweep_delivers(
        self, running: RunningApp, fake_slack: FakeSlack, refused: int
    ) -> None:
        open_home(running, user_id=ADMIN)
        [home] = fake_slack.wait_for("views.publish")
        click_home(running, home.params["view"], RETRY_DELIVERY, str(refused), user=ADMIN)
        _, after = fake_slack.wait_for("views.publish", count=2)
        checkin = row(running, refused)
        assert (checkin.delivery_error, checkin.delivery_failed_at, checkin.retry_at) == (None, None, None)
        assert after.params["user_id"] == ADMIN
        assert "refused to deliver" not in json.dumps(after.params["view"])

        report = sweep(running, fake_slack, SWEEP + timedelta(hours=1))
        assert (report.messages, report.checkins) == (1, 1)
        assert checkins_in(fake_slack.messages(DM)[0]["blocks"]) == [refused]

    @pytest.mark.parametrize(("user", "team"), [(REC, TEAM), (OTHER, TEAM)], ids=["the recruiter", "another recruiter"])
    def test_a_non_admins_retry_changes_nothing(
        self, running: RunningApp, fake_slack: FakeSlack, refused: int, user: str, team: str
    ) -> None:
        before, start = state(running), len(fake_slack.calls)
        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, str(refused), user=user, team=team)
        time.sleep(0.5)  # a refusal makes no call to wait for; give a wrong handler time to act
        assert state(running) == before
        assert row(running, refused).delivery_error == "channel_not_found"
        assert methods_since(fake_slack, start) == []

    def test_an_admins_retry_of_another_workspaces_or_no_check_in_changes_nothing(
        self, running: RunningApp, fake_slack: FakeSlack, refused: int, caplog: pytest.LogCaptureFixture
    ) -> None:
        before = state(running)
        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, str(refused), user=ADMIN, team="T0ELSE")
        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, "999999", user=ADMIN)
        publishes = fake_slack.wait_for("views.publish", count=2)
        assert [call.params["user_id"] for call in publishes] == [ADMIN, ADMIN]
        assert state(running) == before
        assert errors_logged(caplog) == []

    @pytest.mark.parametrize("value", ["2147483648", "9" * 20])
    def test_an_admins_retry_of_an_id_beyond_the_databases_range_changes_nothing(
        self,
        running: RunningApp,
        fake_slack: FakeSlack,
        refused: int,
        caplog: pytest.LogCaptureFixture,
        request: pytest.FixtureRequest,
        database_url: str,
        value: str,
    ) -> None:
        before = state(running)
        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, value, user=ADMIN)
        fake_slack.wait_for("views.publish", timeout=2)  # as for any id that matches nothing
        assert state(running) == before
        assert errors_logged(caplog) == []

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "abc",
            "-1",
            "1.0",
            "1:0:1",
            pytest.param(
                "²",
            ),
        ],
    )
    def test_an_admins_retry_with_a_forged_value_changes_nothing(
        self, running: RunningApp, fake_slack: FakeSlack, refused: int, caplog: pytest.LogCaptureFixture, value: str
    ) -> None:
        before, start = state(running), len(fake_slack.calls)
        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, value, user=ADMIN)
        time.sleep(0.5)
        assert state(running) == before
        assert methods_since(fake_slack, start) == []
        assert errors_logged(caplog) == []


class TestRetryWithRetentionWarnings:
    """A refused DM that carried a retention warning too: the warning waits for the same Retry."""

    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {
            "ADMIN_USER_IDS": ADMIN,
            "RETENTION_DAYS": "180",
            "CONSENT_RETENTION_DAYS": "730",
            "RETENTION_WARNING_DAYS": "30",
        }

    def test_an_admins_retry_sends_the_refused_warning_with_the_check_in(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        fake_slack.set_user(REC, tz="UTC")
        jane = reject(running.sessions, "Jane Doe").checkin_id
        reject(running.sessions, "Priya Raman", stage="screen", at=SWEEP - timedelta(days=150))  # warned at SWEEP
        fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "channel_not_found"}))
        assert (sweep(running, fake_slack, SWEEP).failed, fake_slack.messages(DM)) == (1, [])
        with running.sessions.begin() as session:
            assert session.scalars(select(RetentionWarning.delivery_error)).all() == ["channel_not_found"]
        assert sweep(running, fake_slack, SWEEP + timedelta(hours=1)).messages == 0  # both wait for an admin

        click_home(running, {"type": "home", "blocks": []}, RETRY_DELIVERY, str(jane), user=ADMIN)
        fake_slack.wait_for("views.publish")
        report = sweep(running, fake_slack, SWEEP + timedelta(hours=2))
        assert (report.messages, report.checkins, report.warnings) == (1, 1, 1)
        [message] = fake_slack.messages(DM)
        assert jane in checkins_in(message["blocks"]) and row(running, jane).step == 1
        assert "Priya Raman's data will be erased on" in message["text"]
