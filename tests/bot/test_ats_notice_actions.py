"""Deciding ATS notices end to end: a real DM from run_notices, clicked and submitted the way Slack sends them.

Notices are made as processing an ATS delivery makes them (testkit.data.apply_ats); `run_notices` posts the DM to the
fake Slack; each test then clicks that message's controls with signed requests carrying the message's own blocks, its
channel and ts and a response_url, and checks the database, the message as Slack now shows it, and what was said to
whoever clicked. Both databases.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.ats_notices import NOTICE_NOT_FOUND, NOTICE_UNAVAILABLE
from bot.ids import ATS_KEEP_MODAL, ATS_NOTICE_DISMISS, ATS_NOTICE_KEEP, ATS_NOTICE_RATE, ATS_NOTICE_UNDO
from jobs.ats_inbox import Inbox
from jobs.ats_notices import run_notices
from models import AtsNotice, AuditEntry, Candidate, CandidateAtsId, Checkin, Rejection
from models.ats_events import Deleted, Unrejected
from testkit.ats import SECRETS_ENV, fixture_body, greenhouse_headers
from testkit.data import MONDAY, REC, apply_ats, ats_rejected
from testkit.database import snapshot
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, submit_view
from testkit.slack_http import (
    as_slack_sends,
    block_actions_payload,
    interactive_body,
    post,
    post_signed,
    view_submission_payload,
)

OTHER, ADMIN = "U0OTHER", "U0ADMIN"
DM = "DU0REC"  # the fake's DM channel with U0REC
SENT = MONDAY + timedelta(days=2)  # Wednesday 7 January 2026, 10:00 UTC: the sweep posts the DM
CLICK = datetime(2026, 1, 7, 11, 30, tzinfo=UTC)
FIRST_CHECKIN = MONDAY + timedelta(days=14)  # the ATS rejected them on MONDAY
PRIYA_EMAIL, PRIYA_LINKEDIN = "priya.raman@example.com", "https://www.linkedin.com/in/priya-raman"
TRIGGER_ID = "1337.42.action"  # what block_actions_payload sends


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the click time, so decisions can be asserted exactly."""
    monkeypatch.setattr("bot.listeners.actions.notice_action.utcnow", lambda: CLICK)
    monkeypatch.setattr("bot.listeners.views.notice_kept.utcnow", lambda: CLICK)


def date_of(when: datetime) -> str:
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def outcome(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


@dataclass(frozen=True)
class Dm:
    """The DM run_notices posted, as the recruiter's Slack shows it, and the notices it asks about."""

    ts: str
    text: str
    blocks: list[dict[str, Any]]
    priya: int  # final stage, asking
    sam: int  # an interview, they rejected us, asking
    ada: int  # final stage, kept without asking

    def block_index(self, notice_id: int) -> int:
        return next(n for n, block in enumerate(self.blocks) if block.get("block_id") == f"ats_notice:{notice_id}")


@pytest.fixture
def dm(running: RunningApp, fake_slack: FakeSlack) -> Dm:
    fake_slack.set_user(REC, tz="UTC")
    [priya] = apply_ats(running.sessions, ats_rejected(email=PRIYA_EMAIL, linkedin=PRIYA_LINKEDIN))
    [sam] = apply_ats(
        running.sessions,
        ats_rejected(
            "Sam Okafor",
            "Data Engineer",
            candidate_id="c2",
            application_id="a2",
            stage_name="Technical Interview",
            reason="Accepted another offer",
            by_candidate=True,
        ),
    )
    [ada] = apply_ats(
        running.sessions,
        ats_rejected("Ada Byron", "SRE", candidate_id="c3", application_id="a3", reason=None),
        keep_without_asking=("final",),
    )
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    report = run_notices(sessions=running.sessions, client=client, settings=running.settings, now=SENT)
    assert (report.messages, report.notices) == (1, 3)
    [message] = fake_slack.messages(DM)
    return Dm(message["ts"], message["text"], message["blocks"], priya, sam, ada)


def click(
    app: RunningApp,
    fake: FakeSlack,
    where: Dm,
    action_id: str,
    value: str,
    *,
    user: str = REC,
    team: str = "T0TEST",
    answer_to: str = "click",
) -> None:
    """Click a control in the DM: Slack sends the message as the recruiter's client shows it (`where`)."""
    notice_id = value.split(":")[0]
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        block_id=f"ats_notice:{notice_id}",
        user_id=user,
        team_id=team,
        channel_id=DM,
        message_ts=where.ts,
        response_url=fake.response_url(answer_to),
    )
    if action_id == ATS_NOTICE_RATE:  # a static_select sends the option chosen, not a value
        action = payload["actions"][0]
        del action["value"], action["text"]
        action |= {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": "★★★★☆", "emoji": True}, "value": value},
            "placeholder": {"type": "plain_text", "text": "Rate and keep…", "emoji": True},
        }
    payload["message"] |= {"text": where.text, "blocks": as_slack_sends(where.blocks)}
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")


def filled(view: dict[str, Any], **changes: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """state.values as Slack fills it in for the form as it was opened (its initial values), with `changes` typed."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        field, element = block["block_id"], block["element"]
        if element["type"] == "static_select":
            value = changes.get(field, (element.get("initial_option") or {}).get("value"))
            option = next((o for o in element["options"] if o["value"] == value), None)
            values[field] = {"value": {"type": "static_select", "selected_option": option}}
        else:
            values[field] = {
                "value": {"type": element["type"], "value": changes.get(field, element.get("initial_value"))}
            }
    return values


def submit(app: RunningApp, view: dict[str, Any], *, user: str = REC, **changes: str | None) -> dict[str, Any]:
    payload = view_submission_payload(
        callback_id=view["callback_id"],
        values=filled(view, **changes),
        private_metadata=view["private_metadata"],
        user_id=user,
    )
    return submit_view(app, payload)


def notice(app: RunningApp, notice_id: int) -> AtsNotice | None:
    with app.sessions() as session:
        return session.get(AtsNotice, notice_id)


def rejections(app: RunningApp) -> list[Rejection]:
    with app.sessions() as session:
        found = list(session.scalars(select(Rejection).order_by(Rejection.id)))
        for rejection in found:
            _ = rejection.candidate, rejection.recruiter
        return found


def rejections_of(app: RunningApp, name: str) -> list[Rejection]:
    return [rejection for rejection in rejections(app) if rejection.candidate.name == name]


def checkin_of(app: RunningApp, rejection_id: int) -> Checkin | None:
    with app.sessions() as session:
        return session.scalars(select(Checkin).where(Checkin.rejection_id == rejection_id)).one_or_none()


def answers(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """What was said to whoever clicked, through a response_url: (which url, type, text)."""
    return [
        (call.params["_name"], call.params["response_type"], call.params["text"])
        for call in fake.calls_to("response_url")
    ]


def replaced(where: Dm, notice_id: int, block: dict[str, Any], *, echoed: bool = True) -> list[dict[str, Any]]:
    """The DM's blocks with one notice's actions swapped for `block`: as the click sent them, or as posted."""
    blocks = as_slack_sends(where.blocks) if echoed else where.blocks
    n = where.block_index(notice_id)
    return [*blocks[:n], block, *blocks[n + 1 :]]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


# ---------------------------------------------------------------------------------------------------------------------
# Keep warm, a rating, Not this one, Undo.
# ---------------------------------------------------------------------------------------------------------------------


def test_keep_warm_opens_the_form_filled_in_with_what_the_ats_sent_and_saving_keeps_it(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm
) -> None:
    before = snapshot(running.engine)
    click(running, fake_slack, dm, ATS_NOTICE_KEEP, str(dm.priya))
    [opened] = fake_slack.wait_for("views.open")
    assert opened.params["trigger_id"] == TRIGGER_ID
    view = opened.params["view"]
    assert (view["callback_id"], view["title"]["text"]) == (ATS_KEEP_MODAL, "Keep warm")
    assert json.loads(view["private_metadata"]) == {
        "notice": dm.priya,
        "response_url": fake_slack.response_url("click"),
    }
    assert view["blocks"][0]["text"]["text"].startswith(
        "From Greenhouse: you rejected *Priya Raman* for Staff Platform Engineer at Onsite (Hired another candidate)."
    )
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert {field: element.get("initial_value") for field, element in inputs.items()} == {
        "name": "Priya Raman",
        "role": "Staff Platform Engineer",
        "stage": None,
        "rating": None,
        "email": PRIYA_EMAIL,
        "linkedin": PRIYA_LINKEDIN,
        "tags": None,
        "note": None,
        "consent": None,  # a date picker: no consent date from the ATS
    }
    assert inputs["stage"]["initial_option"]["value"] == "final"
    assert "initial_option" not in inputs["rating"]
    assert snapshot(running.engine) == before  # opening the form keeps nothing

    assert submit(running, view, rating="5", tags="go, kubernetes", note="Close call; ask again in spring.") == {}
    [confirmation] = fake_slack.wait_for("response_url")
    assert (confirmation.params["_name"], confirmation.params["response_type"]) == ("click", "ephemeral")
    assert confirmation.params["text"] == "Recorded Priya Raman for Staff Platform Engineer."

    [rejection] = rejections_of(running, "Priya Raman")
    assert (rejection.source, rejection.application_id, rejection.reason, rejection.rejected_by_candidate) == (
        "greenhouse",
        "app-1",
        "Hired another candidate",
        False,
    )
    assert (rejection.role_title, rejection.stage, rejection.rating, rejection.note, rejection.rejected_at) == (
        "Staff Platform Engineer",
        "final",
        5,
        "Close call; ask again in spring.",
        MONDAY,
    )
    assert (rejection.recruiter.user_id, rejection.candidate.email, rejection.candidate.tags) == (
        REC,
        PRIYA_EMAIL,
        ["go", "kubernetes"],
    )
    checkin = checkin_of(running, rejection.id)
    assert checkin is not None and (checkin.due_at, checkin.status) == (FIRST_CHECKIN, "active")
    kept = notice(running, dm.priya)
    assert kept is not None
    assert (kept.decision, kept.decided_by, kept.decided_at, kept.rejection_id, kept.auto_kept) == (
        "kept",
        REC,
        CLICK,
        rejection.id,
        False,
    )
    with running.sessions() as session:
        assert session.scalars(select(CandidateAtsId.candidate_id).where(CandidateAtsId.ats_id == "cand-1")).all() == [
            rejection.candidate_id
        ]

    [update] = fake_slack.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"], update.params["text"]) == (DM, dm.ts, dm.text)
    shown = outcome(
        f":white_check_mark: Kept warm by <@U0REC> on {date_of(CLICK)}. First check-in around {date_of(FIRST_CHECKIN)}."
    )
    assert update.params["blocks"] == replaced(dm, dm.priya, shown, echoed=False)
    assert fake_slack.messages(DM)[0]["blocks"] == update.params["blocks"]


@pytest.mark.parametrize(("rating", "strong"), [(4, True), (2, False)])
def test_a_rating_keeps_with_it_in_one_click(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm, rating: int, strong: bool
) -> None:
    click(running, fake_slack, dm, ATS_NOTICE_RATE, f"{dm.sam}:{rating}")
    [update] = fake_slack.wait_for("chat.update")

    [rejection] = rejections_of(running, "Sam Okafor")
    assert (rejection.candidate.name, rejection.role_title, rejection.stage, rejection.rating) == (
        "Sam Okafor",
        "Data Engineer",
        "interview",
        rating,
    )
    assert (rejection.source, rejection.application_id, rejection.reason, rejection.rejected_by_candidate) == (
        "greenhouse",
        "a2",
        "Accepted another offer",
        True,
    )
    checkin = checkin_of(running, rejection.id)
    assert (checkin is not None) is strong
    kept = notice(running, dm.sam)
    assert kept is not None and (kept.decision, kept.decided_by, kept.rejection_id) == ("kept", REC, rejection.id)

    then = f" First check-in around {date_of(FIRST_CHECKIN)}." if strong else ""
    shown = outcome(f":white_check_mark: Kept warm by <@U0REC> on {date_of(CLICK)}.{then}")
    assert (update.params["channel"], update.params["ts"]) == (DM, dm.ts)
    assert update.params["blocks"] == replaced(dm, dm.sam, shown)
    assert answers(fake_slack) == []


def test_each_rejection_kept_from_the_ats_is_logged_with_who_kept_it_and_a_deletion_as_the_atss(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm
) -> None:
    def logged() -> list[tuple[Any, ...]]:
        with running.sessions() as session:
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            return [(e.act, e.actor, e.source, e.subject, e.detail) for e in entries]

    # Ada was kept without asking when the delivery was processed: the ATS did it, nobody clicked.
    assert logged() == [("recorded", "ats", "ats", "Ada Byron", "SRE (greenhouse, kept without asking)")]

    click(running, fake_slack, dm, ATS_NOTICE_RATE, f"{dm.sam}:4")
    fake_slack.wait_for("chat.update")
    apply_ats(running.sessions, Deleted("c3"), at=CLICK)

    assert logged() == [
        ("recorded", "ats", "ats", None, "SRE (greenhouse, kept without asking)"),  # Ada's name went with her
        ("recorded", REC, "ats", "Sam Okafor", "Data Engineer (greenhouse, kept warm)"),
        ("erased", "ats", "ats", None, "deleted in greenhouse"),
    ]


def test_not_this_one_keeps_nothing_and_says_so(running: RunningApp, fake_slack: FakeSlack, dm: Dm) -> None:
    click(running, fake_slack, dm, ATS_NOTICE_DISMISS, str(dm.priya))
    [update] = fake_slack.wait_for("chat.update")

    dismissed = notice(running, dm.priya)
    assert dismissed is not None
    assert (dismissed.decision, dismissed.decided_by, dismissed.decided_at) == ("dismissed", REC, CLICK)
    assert [r.candidate.name for r in rejections(running)] == ["Ada Byron"]  # only the one kept without asking
    shown = outcome(f":heavy_minus_sign: Not kept by <@U0REC> on {date_of(CLICK)}.")
    assert update.params["blocks"] == replaced(dm, dm.priya, shown)
    assert answers(fake_slack) == []


def test_undo_removes_the_rejection_kept_without_asking_and_its_check_ins(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm
) -> None:
    [rejection] = rejections(running)
    assert checkin_of(running, rejection.id) is not None
    assert dm.blocks[dm.block_index(dm.ada) - 1]["text"]["text"].endswith(
        f"Kept without asking (ATS_KEEP_WITHOUT_ASKING): check-ins start on {date_of(FIRST_CHECKIN)}."
    )

    click(running, fake_slack, dm, ATS_NOTICE_UNDO, str(dm.ada))
    [update] = fake_slack.wait_for("chat.update")

    assert rejections(running) == []
    with running.sessions() as session:
        assert session.scalars(select(Checkin)).all() == []
        assert session.scalars(select(Candidate)).all() == []  # known only through that rejection
    undone = notice(running, dm.ada)
    assert undone is not None
    assert (undone.decision, undone.decided_by, undone.rejection_id, undone.candidate_id) == ("undone", REC, None, None)
    shown = outcome(f":leftwards_arrow_with_hook: Undone by <@U0REC> on {date_of(CLICK)}: not kept.")
    assert update.params["blocks"] == replaced(dm, dm.ada, shown)


# ---------------------------------------------------------------------------------------------------------------------
# Clicks that change nothing: twice, too late, not theirs, forged.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action_id", "which", "suffix", "said"),
    [
        (ATS_NOTICE_RATE, "sam", ":5", "*Sam Okafor* is already kept warm. Nothing changed."),
        (
            ATS_NOTICE_DISMISS,
            "priya",
            "",
            "*Priya Raman* was already marked Not this one, so is not kept. Nothing changed.",
        ),
        (ATS_NOTICE_UNDO, "ada", "", "*Ada Byron* was already undone: not kept. Nothing changed."),
    ],
)
def test_a_double_click_is_answered_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm, action_id: str, which: str, suffix: str, said: str
) -> None:
    value = f"{getattr(dm, which)}{suffix}"
    click(running, fake_slack, dm, action_id, value, answer_to="first")
    fake_slack.wait_for("chat.update")
    after_first = snapshot(running.engine)

    click(running, fake_slack, dm, action_id, value, answer_to="second")  # the client still shows the buttons
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("second", "ephemeral", said)]
    [first, second] = fake_slack.wait_for("chat.update", count=2)
    assert second.params["blocks"] == first.params["blocks"]  # the DM shows the same decision again
    assert snapshot(running.engine) == after_first


def test_keep_warm_after_a_decision_opens_no_form_and_a_second_form_keeps_nothing(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm
) -> None:
    for n in (1, 2):  # two forms, opened by a double click
        click(running, fake_slack, dm, ATS_NOTICE_KEEP, str(dm.priya), answer_to=f"open {n}")
    first, second = (call.params["view"] for call in fake_slack.wait_for("views.open", count=2))
    assert submit(running, first) == {}
    fake_slack.wait_for("chat.update")
    after_first = snapshot(running.engine)

    assert submit(running, second, rating="1") == {}  # it closes, and says why nothing was saved
    fake_slack.wait_for("response_url", count=2)
    # The two clicks' forms may open in either order: the answer goes to the click that opened the second form.
    opened_by = next(n for n in ("open 1", "open 2") if quote(n, safe="") in json.dumps(second))
    assert answers(fake_slack)[1] == (opened_by, "ephemeral", "*Priya Raman* is already kept warm. Nothing changed.")
    assert snapshot(running.engine) == after_first
    assert len(rejections(running)) == 2  # Priya's, and Ada's kept without asking

    click(running, fake_slack, dm, ATS_NOTICE_KEEP, str(dm.priya), answer_to="late")
    fake_slack.wait_for("response_url", count=3)
    assert answers(fake_slack)[2] == ("late", "ephemeral", "*Priya Raman* is already kept warm. Nothing changed.")
    assert len(fake_slack.calls_to("views.open")) == 2
    assert snapshot(running.engine) == after_first


def test_a_rejection_withdrawn_in_the_ats_is_answered_and_shown(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm
) -> None:
    apply_ats(running.sessions, Unrejected("cand-1", "app-1"), Unrejected("c3", "a3"), at=CLICK)
    before = snapshot(running.engine)
    assert rejections(running) == []  # Ada's, kept without asking, went with the unreject

    click(running, fake_slack, dm, ATS_NOTICE_KEEP, str(dm.priya), answer_to="keep")
    click(running, fake_slack, dm, ATS_NOTICE_UNDO, str(dm.ada), answer_to="undo")
    fake_slack.wait_for("response_url", count=2)
    said = "withdrew the rejection of *{}*: they are no longer rejected, so there is nothing to keep. Nothing changed."
    assert sorted(answers(fake_slack)) == [
        ("keep", "ephemeral", "Greenhouse " + said.format("Priya Raman")),
        ("undo", "ephemeral", "Greenhouse " + said.format("Ada Byron")),
    ]
    assert fake_slack.calls_to("views.open") == []
    assert snapshot(running.engine) == before
    withdrawn = outcome(
        ":leftwards_arrow_with_hook: Withdrawn in Greenhouse: they are no longer rejected, so nothing is kept."
    )
    updates = fake_slack.wait_for("chat.update", count=2)
    shown = sorted(n for update in updates for n, block in enumerate(update.params["blocks"]) if block == withdrawn)
    assert shown == sorted([dm.block_index(dm.priya), dm.block_index(dm.ada)])  # each click shows its own notice


def test_a_candidate_deleted_in_the_ats_is_answered_as_gone(running: RunningApp, fake_slack: FakeSlack, dm: Dm) -> None:
    apply_ats(running.sessions, Deleted("cand-1"), at=CLICK)
    assert notice(running, dm.priya) is None
    before = snapshot(running.engine)

    click(running, fake_slack, dm, ATS_NOTICE_DISMISS, str(dm.priya))
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("click", "ephemeral", NOTICE_NOT_FOUND)]
    assert snapshot(running.engine) == before
    assert fake_slack.calls_to("chat.update") == []


@pytest.mark.parametrize(("user", "team"), [(OTHER, "T0TEST"), (REC, "T0ELSE")], ids=["another recruiter", "team"])
@pytest.mark.parametrize(
    ("action_id", "suffix"),
    [(ATS_NOTICE_KEEP, ""), (ATS_NOTICE_RATE, ":5"), (ATS_NOTICE_DISMISS, ""), (ATS_NOTICE_UNDO, "")],
)
def test_nobody_else_may_decide_a_recruiters_notice(
    running: RunningApp, fake_slack: FakeSlack, dm: Dm, action_id: str, suffix: str, user: str, team: str
) -> None:
    before = snapshot(running.engine)
    target = dm.ada if action_id == ATS_NOTICE_UNDO else dm.priya
    click(running, fake_slack, dm, action_id, f"{target}{suffix}", user=user, team=team)
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("click", "ephemeral", NOTICE_NOT_FOUND)]
    assert snapshot(running.engine) == before
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        (ATS_NOTICE_DISMISS, "abc"),
        (ATS_NOTICE_DISMISS, ""),
        (ATS_NOTICE_DISMISS, "²"),
        (ATS_NOTICE_DISMISS, "2147483648"),
        (ATS_NOTICE_DISMISS, "999999"),
        (ATS_NOTICE_KEEP, "9" * 400),
        (ATS_NOTICE_UNDO, "-1"),
        (ATS_NOTICE_RATE, "1:9"),
        (ATS_NOTICE_RATE, "1:"),
        (ATS_NOTICE_RATE, "x:5"),
        (ATS_NOTICE_RATE, "999999:5"),
    ],
)
def test_forged_values_are_refused_cleanly(
    running: RunningApp,
    fake_slack: FakeSlack,
    dm: Dm,
    caplog: pytest.LogCaptureFixture,
    action_id: str,
    value: str,
) -> None:
    assert dm.priya == 1  # so "1:…" values aim at a real notice
    before = snapshot(running.engine)
    click(running, fake_slack, dm, action_id, value)
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("click", "ephemeral", NOTICE_NOT_FOUND)]
    assert snapshot(running.engine) == before
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []
    assert errors_logged(caplog) == []


class TestAdmin:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN}

    def test_an_admin_may_decide_and_the_rejection_stays_the_recruiters(
        self, running: RunningApp, fake_slack: FakeSlack, dm: Dm
    ) -> None:
        click(running, fake_slack, dm, ATS_NOTICE_RATE, f"{dm.priya}:5", user=ADMIN)
        [update] = fake_slack.wait_for("chat.update")
        priya = rejections_of(running, "Priya Raman")
        assert [(r.recruiter.user_id, r.rating) for r in priya] == [(REC, 5)]
        kept = notice(running, dm.priya)
        assert kept is not None and (kept.decision, kept.decided_by) == ("kept", ADMIN)
        assert update.params["blocks"][dm.block_index(dm.priya)]["elements"][0]["text"].startswith(
            ":white_check_mark: Kept warm by <@U0ADMIN> on "
        )
        assert answers(fake_slack) == []


def test_a_database_that_does_not_answer_is_said_plainly(down: RunningApp, fake_slack: FakeSlack) -> None:
    payload = block_actions_payload(
        action_id=ATS_NOTICE_DISMISS, value="1", block_id="ats_notice:1", response_url=fake_slack.response_url("click")
    )
    reply = post_signed(down.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")
    fake_slack.wait_for("response_url")
    assert answers(fake_slack) == [("click", "ephemeral", NOTICE_UNAVAILABLE)]
    time.sleep(0.2)
    assert fake_slack.calls_to("chat.update") == []


class TestFromASignedDelivery:
    """The whole way: a signed Greenhouse webhook, the inbox processed as the sweep does, the DM, one click."""

    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return dict(SECRETS_ENV)

    def test_a_greenhouse_rejection_reaches_its_recruiter_and_is_kept_with_a_rating(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        fake_slack.set_user(REC, tz="UTC", email="sam.ortiz@example.com")
        body = fixture_body("greenhouse", "reject_candidate")  # Priya Raman, Designer, rejected at Offer: Too Junior
        body["payload"]["application"]["candidate"]["recruiter"] = {"id": 1, "email": "sam.ortiz@example.com"}
        raw = json.dumps(body).encode()
        assert post(running.url + "/ats/greenhouse", raw, greenhouse_headers(raw)).status == 200
        client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
        assert Inbox.for_settings(running.settings, client).run(sessions=running.sessions, now=SENT).processed == 1

        assert run_notices(sessions=running.sessions, client=client, settings=running.settings, now=SENT).notices == 1
        [message] = fake_slack.messages(DM)
        assert message["blocks"][1]["text"]["text"] == (
            "From Greenhouse: you rejected *Priya Raman* for Designer at Offer (Too Junior). Keep them warm?"
        )
        [notice_id] = [int(b["block_id"].split(":")[1]) for b in message["blocks"] if b["type"] == "actions"]
        where = Dm(message["ts"], message["text"], message["blocks"], notice_id, 0, 0)
        click(running, fake_slack, where, ATS_NOTICE_RATE, f"{notice_id}:5")
        fake_slack.wait_for("chat.update")

        [rejection] = rejections(running)
        assert (rejection.candidate.name, rejection.role_title, rejection.stage, rejection.rating) == (
            "Priya Raman",
            "Designer",
            "final",
            5,
        )
        assert (rejection.source, rejection.application_id, rejection.reason) == ("greenhouse", "700054", "Too Junior")
        assert checkin_of(running, rejection.id) is not None
