"""The admins' queue of ATS rejections nobody in Slack matched, end to end: the Home tab as views.publish sends it,
and a person chosen in its menu the way Slack sends block_actions from the Home tab (signed, no response_url).

Rejections reach the queue through the real intake (testkit.ats_queue), and once through the webhook and the inbox.
Both databases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.ats_queue import ASSIGN_ADMINS_ONLY, ASSIGN_CHOOSE, ASSIGN_NOT_FOUND, QUEUE_MAX
from bot.ids import ATS_QUEUE_ASSIGN
from bot.slack_directory import SlackDirectory
from jobs.ats_inbox import parsers, run_inbox
from models import AtsNotice, Recruiter
from models.base import utcnow
from testkit.ats import SECRETS_ENV, fixture_body, send_greenhouse, setting
from testkit.ats_queue import AtsRejection, ats_rejection, ats_unrejection
from testkit.data import MONDAY
from testkit.database import snapshot
from testkit.fakeslack import Call, FakeSlack
from testkit.running import RunningApp, open_home
from testkit.slack_http import home_user_choice_payload, interactive_body, post_signed

TEAM = "T0TEST"
ADMIN = "U0ADMIN"
REC = "U0REC"
HEADER = "ATS rejections waiting for a recruiter"
DATE = f"<!date^{int(MONDAY.timestamp())}^{{date_short_pretty}}|{MONDAY:%Y-%m-%d}>"  # as Slack's date token
UNAVAILABLE = "Keepwarm's database is not answering just now"


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


# ---------------------------------------------------------------------------------------------------------------------
# Reading the Home tab and choosing in it.
# ---------------------------------------------------------------------------------------------------------------------


def home(app: RunningApp, fake: FakeSlack, user: str) -> dict[str, Any]:
    """Open the Home tab as `user` and return the view Keepwarm published for them."""
    start = len(fake.calls_to("views.publish"))
    open_home(app, user_id=user)
    call = fake.wait_for("views.publish", count=start + 1)[-1]
    assert call.params["user_id"] == user
    return call.params["view"]


def queue_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The queue's sections: those with a person menu."""
    return [block for block in view["blocks"] if block.get("accessory", {}).get("type") == "users_select"]


def headers(view: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]


def choose(
    app: RunningApp, fake: FakeSlack, block_id: str, person: str, *, user: str = ADMIN, team: str = TEAM
) -> Call:
    """Choose `person` in the menu of `block_id` on the Home tab; the Home Keepwarm republishes for the chooser."""
    start = len(fake.calls_to("views.publish"))
    payload = home_user_choice_payload(
        view={"type": "home", "blocks": []},
        action_id=ATS_QUEUE_ASSIGN,
        block_id=block_id,
        selected_user=person,
        user_id=user,
        team_id=team,
    )
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")
    call = fake.wait_for("views.publish", count=start + 1)[-1]
    assert call.params["user_id"] == user
    return call


def outcome(call: Call) -> str:
    """The line under the Home's title: what the choice did."""
    blocks = call.params["view"]["blocks"]
    assert blocks[0]["type"] == "header"
    return blocks[1]["text"]["text"]


def recruiter_of(app: RunningApp, rejection: AtsRejection) -> str | None:
    with app.sessions() as session:
        notice = session.get_one(AtsNotice, rejection.notice_id)
        return None if notice.recruiter is None else notice.recruiter.user_id


def block_of(rejection: AtsRejection) -> str:
    return f"ats_queue:{rejection.notice_id}"


# ---------------------------------------------------------------------------------------------------------------------
# Who sees the queue, and what it shows.
# ---------------------------------------------------------------------------------------------------------------------


def test_an_admin_sees_the_waiting_rejections_oldest_first_and_a_recruiter_does_not(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    named = ats_rejection(running.sessions, "Priya Raman", role="Designer", stage_name="Onsite")
    nobody = ats_rejection(
        running.sessions, "Omar <@U123> & Co", role="R&D Lead", stage_name=None, source="lever", recruiter_email=None
    )
    ats_rejection(running.sessions, "Found Person", found_user=REC)  # Slack knew its recruiter: not queued
    ats_unrejection(running.sessions, ats_rejection(running.sessions, "Withdrawn Person"))  # settled: not queued
    ats_rejection(running.sessions, "Elsewhere Person", team="T0ELSE")  # another workspace's

    view = home(running, fake_slack, ADMIN)
    assert headers(view)[-1] == f"{HEADER} (2)"
    assert queue_of(view) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Priya Raman* · Designer · Onsite · Greenhouse\n"
                f"The ATS names gone.recruiter@example.com (not found in Slack) · rejected {DATE}",
            },
            "block_id": block_of(named),
            "accessory": {
                "type": "users_select",
                "action_id": ATS_QUEUE_ASSIGN,
                "placeholder": {"type": "plain_text", "text": "Assign to…"},
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Omar &lt;@U123&gt; &amp; Co* · R&amp;D Lead · _stage not given_ · Lever\n"
                f"The ATS names no recruiter · rejected {DATE}",
            },
            "block_id": block_of(nobody),
            "accessory": {
                "type": "users_select",
                "action_id": ATS_QUEUE_ASSIGN,
                "placeholder": {"type": "plain_text", "text": "Assign to…"},
            },
        },
    ]

    recruiter = home(running, fake_slack, REC)
    shown = json.dumps(recruiter)
    assert HEADER not in shown and ATS_QUEUE_ASSIGN not in shown and "Priya Raman" not in shown
    assert queue_of(recruiter) == []


def test_the_queue_shows_the_oldest_and_counts_all(running: RunningApp, fake_slack: FakeSlack) -> None:
    waiting = [ats_rejection(running.sessions, f"Candidate {n:02}") for n in range(QUEUE_MAX + 3)]
    view = home(running, fake_slack, ADMIN)
    assert headers(view)[-1] == f"{HEADER} ({QUEUE_MAX + 3}, the oldest {QUEUE_MAX} below)"
    assert [block["block_id"] for block in queue_of(view)] == [block_of(r) for r in waiting[:QUEUE_MAX]]


def test_with_nothing_waiting_an_admins_home_has_no_queue(running: RunningApp, fake_slack: FakeSlack) -> None:
    ats_rejection(running.sessions, "Found Person", found_user=REC)
    view = home(running, fake_slack, ADMIN)
    assert HEADER not in json.dumps(view)
    assert queue_of(view) == []


# ---------------------------------------------------------------------------------------------------------------------
# Assigning.
# ---------------------------------------------------------------------------------------------------------------------


def test_an_admin_assigns_a_rejection_and_it_leaves_the_queue(running: RunningApp, fake_slack: FakeSlack) -> None:
    first = ats_rejection(running.sessions, "Priya Raman", role="Designer")
    second = ats_rejection(running.sessions, "Omar Haddad", role="Data Engineer", source="ashby")
    home(running, fake_slack, ADMIN)

    after = choose(running, fake_slack, block_of(first), "U0NEWREC")
    assert outcome(after) == (
        ":white_check_mark: *Priya Raman* (Designer, Greenhouse) is now <@U0NEWREC>'s. "
        "Keepwarm will DM them about it with its next sweep, inside their working hours."
    )
    assert (recruiter_of(running, first), recruiter_of(running, second)) == ("U0NEWREC", None)
    with running.sessions() as session:
        notice = session.get_one(AtsNotice, first.notice_id)
        assert (notice.team_id, notice.recruiter.team_id) == (TEAM, TEAM)
        assert (notice.decision, notice.sent_at, notice.recruiter_email) == (
            None,
            None,
            "gone.recruiter@example.com",
        )  # undecided and unsent: the notice sweep's to deliver, to the new recruiter
    view = after.params["view"]
    assert headers(view)[-1] == f"{HEADER} (1)"
    assert [block["block_id"] for block in queue_of(view)] == [block_of(second)]

    last = choose(running, fake_slack, block_of(second), REC)
    assert "*Omar Haddad* (Data Engineer, Ashby) is now <@U0REC>'s." in outcome(last)
    assert HEADER not in json.dumps(last.params["view"])
    with running.sessions() as session:  # the recruiter U0REC already had is reused, not duplicated
        assert session.scalars(select(Recruiter.user_id).order_by(Recruiter.user_id)).all() == [
            "U0NEWREC",
            REC,
        ]


def test_a_rejection_already_assigned_says_to_whom_and_stays(running: RunningApp, fake_slack: FakeSlack) -> None:
    waiting = ats_rejection(running.sessions, "Priya Raman")
    choose(running, fake_slack, block_of(waiting), REC)
    before = snapshot(running.engine)
    again = choose(running, fake_slack, block_of(waiting), "U0OTHER")
    assert outcome(again) == "*Priya Raman* was already assigned to <@U0REC>. Nothing changed."
    assert snapshot(running.engine) == before


def test_a_rejection_the_ats_withdrew_is_not_assigned(running: RunningApp, fake_slack: FakeSlack) -> None:
    waiting = ats_rejection(running.sessions, "Priya Raman")
    view = home(running, fake_slack, ADMIN)  # drawn while it waited
    assert [block["block_id"] for block in queue_of(view)] == [block_of(waiting)]
    ats_unrejection(running.sessions, waiting)
    before = snapshot(running.engine)
    after = choose(running, fake_slack, block_of(waiting), REC)
    assert outcome(after) == (
        "*Priya Raman* needs no recruiter any more: the ATS withdrew it (the candidate was unrejected). "
        "Nothing changed."
    )
    assert snapshot(running.engine) == before
    assert recruiter_of(running, waiting) is None


@pytest.mark.parametrize("user", [REC, "U0STRANGER"], ids=["a recruiter", "someone else"])
def test_a_non_admins_choice_is_refused_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, user: str
) -> None:
    waiting = ats_rejection(running.sessions, "Priya Raman")
    before = snapshot(running.engine)
    after = choose(running, fake_slack, block_of(waiting), user, user=user)
    assert outcome(after) == ASSIGN_ADMINS_ONLY
    assert snapshot(running.engine) == before
    assert queue_of(after.params["view"]) == [] and "Priya Raman" not in json.dumps(after.params["view"])


@pytest.mark.parametrize(
    ("block_id", "team"),
    [
        pytest.param(None, "T0ELSE", id="another workspace's admin"),
        pytest.param("ats_queue:999999", TEAM, id="no such notice"),
        pytest.param("ats_queue:2147483648", TEAM, id="beyond the database's integers"),
        pytest.param("ats_queue:-1", TEAM, id="negative"),
        pytest.param("ats_queue:²", TEAM, id="superscript digit"),
        pytest.param("checkin_actions:1", TEAM, id="another block"),
        pytest.param("", TEAM, id="no block id"),
    ],
)
def test_a_choice_naming_no_waiting_rejection_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, block_id: str | None, team: str
) -> None:
    waiting = ats_rejection(running.sessions, "Priya Raman")
    before = snapshot(running.engine)
    after = choose(running, fake_slack, block_of(waiting) if block_id is None else block_id, REC, team=team)
    assert outcome(after) == ASSIGN_NOT_FOUND
    assert snapshot(running.engine) == before
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []


@pytest.mark.parametrize("person", ["", "<!channel>", "B0BOT", "u0lower", "U" + "0" * 40])
def test_a_forged_person_changes_nothing(running: RunningApp, fake_slack: FakeSlack, person: str) -> None:
    waiting = ats_rejection(running.sessions, "Priya Raman")
    before = snapshot(running.engine)
    assert outcome(choose(running, fake_slack, block_of(waiting), person)) == ASSIGN_CHOOSE
    assert snapshot(running.engine) == before


class TestRestricted:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN, "RECRUITER_USER_IDS": REC}

    def test_only_a_recruiter_can_be_given_a_rejection(self, running: RunningApp, fake_slack: FakeSlack) -> None:
        waiting = ats_rejection(running.sessions, "Priya Raman")
        before = snapshot(running.engine)
        refused = choose(running, fake_slack, block_of(waiting), "U0STRANGER")
        assert outcome(refused) == (
            "<@U0STRANGER> is not one of Keepwarm's recruiters, so they could not act on the rejection. "
            "Choose someone on the recruiting team. Nothing changed."
        )
        assert snapshot(running.engine) == before
        choose(running, fake_slack, block_of(waiting), REC)
        assert recruiter_of(running, waiting) == REC


class TestUserGroupDown:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN, "RECRUITER_USERGROUP_ID": "S0RECRUIT"}

    def test_when_slack_cannot_say_who_recruits_nothing_is_assigned(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        waiting = ats_rejection(running.sessions, "Priya Raman")
        before = snapshot(running.engine)  # the fake knows no such user group: usergroups.users.list fails
        refused = choose(running, fake_slack, block_of(waiting), REC)
        assert outcome(refused) == (
            "Keepwarm could not check whether <@U0REC> is one of its recruiters: Slack did not answer. "
            "Nothing changed; try again in a minute."
        )
        assert snapshot(running.engine) == before


def test_with_the_database_down_the_home_says_so(down: RunningApp, fake_slack: FakeSlack) -> None:
    after = choose(down, fake_slack, "ats_queue:1", REC)
    assert UNAVAILABLE in json.dumps(after.params["view"])


# ---------------------------------------------------------------------------------------------------------------------
# From the webhook to the recruiter.
# ---------------------------------------------------------------------------------------------------------------------


class TestFromTheWebhook:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ADMIN, **SECRETS_ENV}

    def test_a_greenhouse_rejection_nobody_in_slack_matches_waits_for_an_admin(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        body = fixture_body("greenhouse", "reject_candidate")
        recruiter = {"id": 92120, "first_name": "Lee", "last_name": "Gone", "email": "left.the.company@example.com"}
        setting(recruiter, "payload", "application", "candidate", "recruiter")(body)
        assert send_greenhouse(running.url, json.dumps(body).encode()).status == 200
        client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
        report = run_inbox(
            sessions=running.sessions,
            settings=running.settings,
            directory=SlackDirectory(client),
            parse=parsers(None),
            now=utcnow(),
        )
        assert (report.processed, report.failed) == (1, 0)
        assert [call.params["email"] for call in fake_slack.calls_to("users.lookupByEmail")] == [
            "left.the.company@example.com"
        ]

        view = home(running, fake_slack, ADMIN)
        [waiting] = queue_of(view)
        assert waiting["text"]["text"] == (
            "*Priya Raman* · Designer · Offer · Greenhouse\n"
            "The ATS names left.the.company@example.com (not found in Slack) · "
            "rejected <!date^1423669841^{date_short_pretty}|2015-02-11>"
        )
        choose(running, fake_slack, waiting["block_id"], REC)
        with running.sessions() as session:
            [notice] = session.scalars(select(AtsNotice)).all()
            assert (notice.recruiter.user_id, notice.name, notice.decision) == (REC, "Priya Raman", None)
