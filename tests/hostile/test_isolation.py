"""Isolation: a recruiter of one workspace cannot see, act on or erase another workspace's data, nor (unless an admin)
another recruiter's candidates, whatever ids they forge into button values, modal metadata or command arguments.

Two workspaces' data is made by the real code (record_rejection, create_role, the reminder sweep); then a recruiter
of team A sends signed requests carrying team B's ids, and a teammate's. Each test checks three things: nothing
changed (every table's size and the rows that matter), nothing of the other side appears in any reply or any call
the app made to Slack, and the recruiter got a clear answer. Controls show each forged value would have worked for
someone entitled to it, so the refusals are the access rules at work and not a malformed value.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.digest import REVEAL_NOT_FOUND as NO_SUCH_ROLE
from bot.blocks.refusals import CHECKIN_NOT_FOUND as NOT_YOURS
from bot.blocks.refusals import OUTREACH_NOT_FOUND as NO_SUCH_PAIR
from bot.blocks.reminders import ButtonValue
from bot.ids import (
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    DIGEST_REVEAL,
    REJECTION_MODAL,
    RETRY_DELIVERY,
    ROLE_MODAL,
    ROLE_REACH_OUT,
    STOP_MODAL,
)
from jobs.reminders import run_reminders
from models import Candidate, Checkin, Rejection, Role, RoleAlert, RoleOutreach, Touchpoint
from models.candidate import ERASED_NAME
from models.checkins import stop
from models.roles import close_role, create_role
from testkit.data import reject
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp
from testkit.slack_http import (
    block_actions_payload,
    interactive_body,
    post_signed,
    slash_command_body,
    view_submission_payload,
)

TEAM_A = "T0ALPHA"
TEAM_B = "T0BETA"
REC = "U0AREC"  # team A's recruiter, the one forging ids
PEER = "U0APEER"  # another recruiter of team A
ADMIN = "U0AADMIN"  # a Keepwarm admin
OUTSIDER = "U0BREC"  # team B's recruiter
REJECTED = datetime(2026, 1, 5, 10, tzinfo=UTC)  # a Monday
SWEEP = datetime(2026, 1, 19, 10, tzinfo=UTC)  # the first check-ins fall due: a Monday inside working hours
TEAM_B_SECRETS = ("Bella Beta", "bella@beta.io", "Quantum", "beta-secret-note")
PEER_SECRETS = ("Otto Peer", "otto@alpha.io", "Wanda Weak", "wanda@alpha.io", "Stella Stopped", "peer-secret-note")


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


@dataclass(frozen=True)
class World:
    """The ids behind both workspaces' data."""

    own_checkin: int  # REC's Alice
    peer_checkin: int  # PEER's Otto
    b_checkin: int  # OUTSIDER's Bella: Slack refused its reminder, so it carries a delivery error
    own_candidate: int
    peer_weak: int  # PEER's Wanda: screen stage, rated 2, never matched to any role
    peer_stopped: int  # PEER's Stella: a finalist whose check-ins PEER stopped, so no longer matched
    b_candidate: int
    a_role: int
    b_role: int
    b_closed_role: int


def checkin_of(app: RunningApp, candidate_id: int) -> int:
    with app.sessions() as session:
        return session.scalars(select(Checkin.id).where(Checkin.candidate_id == candidate_id)).one()


@pytest.fixture
def world(running: RunningApp, fake_slack: FakeSlack) -> World:
    backend = {"role": "Backend Engineer", "stage": "final"}
    # Team B first, and its reminder refused by Slack, so its check-in has a delivery error an admin could retry.
    bella = reject(
        running.sessions,
        "Bella Beta",
        team=TEAM_B,
        user=OUTSIDER,
        email="bella@beta.io",
        note="beta-secret-note",
        **backend,
    ).candidate_id
    fake_slack.set_user(OUTSIDER, tz="UTC")
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "channel_not_found"}))
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    report = run_reminders(sessions=running.sessions, client=client, settings=running.settings, now=SWEEP)
    assert report.failed == 1
    alice = reject(running.sessions, "Alice Own", team=TEAM_A, user=REC, email="alice@alpha.io", **backend).candidate_id
    otto = reject(
        running.sessions, "Otto Peer", team=TEAM_A, user=PEER, email="otto@alpha.io", note="peer-secret-note", **backend
    ).candidate_id
    wanda = reject(
        running.sessions,
        "Wanda Weak",
        "Backend Engineer",
        team=TEAM_A,
        user=PEER,
        email="wanda@alpha.io",
        stage="screen",
        rating=2,
    ).candidate_id
    stella = reject(running.sessions, "Stella Stopped", team=TEAM_A, user=PEER, **backend).candidate_id
    with running.sessions.begin() as session:
        stopped = session.scalars(select(Checkin).where(Checkin.candidate_id == stella)).one()
        stop(session=session, checkin=stopped, user_id=PEER, reason="not_interested", note=None, now=REJECTED)
        a_role = create_role(session=session, team_id=TEAM_A, opened_by=REC, title="Backend Engineer").id
        b_role = create_role(session=session, team_id=TEAM_B, opened_by=OUTSIDER, title="Backend Engineer").id
        closed = create_role(session=session, team_id=TEAM_B, opened_by=OUTSIDER, title="Quantum Beta Engineer")
        close_role(session=session, team_id=TEAM_B, role_id=closed.id, user_id=OUTSIDER, now=REJECTED)
    fake_slack.reset()
    return World(
        own_checkin=checkin_of(running, alice),
        peer_checkin=checkin_of(running, otto),
        b_checkin=checkin_of(running, bella),
        own_candidate=alice,
        peer_weak=wanda,
        peer_stopped=stella,
        b_candidate=bella,
        a_role=a_role,
        b_role=b_role,
        b_closed_role=closed.id,
    )


# ---------------------------------------------------------------------------------------------------------------------
# What is checked after every forged request
# ---------------------------------------------------------------------------------------------------------------------


def snapshot(app: RunningApp) -> dict[str, Any]:
    """Every table's size and every row a forged request could change."""
    with app.sessions() as session:
        return {
            "rows": row_counts(app.engine),
            "candidates": [
                (c.id, c.team_id, c.name, c.email, c.erased, tuple(c.tags))
                for c in session.scalars(select(Candidate).order_by(Candidate.id))
            ],
            "notes": list(session.scalars(select(Rejection.note).order_by(Rejection.id))),
            "checkins": [
                (c.id, c.step, c.due_at, c.status, c.stop_reason, c.retry_at, c.delivery_error, c.recruiter_id)
                for c in session.scalars(select(Checkin).order_by(Checkin.id))
            ],
            "touchpoints": list(session.scalars(select(Touchpoint.id))),
            "roles": [
                (r.id, r.team_id, r.status, r.closed_by) for r in session.scalars(select(Role).order_by(Role.id))
            ],
            "outreach": list(session.scalars(select(RoleOutreach.id))),
            "alerts": list(session.scalars(select(RoleAlert.id))),
        }


class Watch:
    """Everything the app said while one forged request was handled: its HTTP answer and its calls to Slack."""

    def __init__(self, app: RunningApp, fake: FakeSlack) -> None:
        self.app, self.fake = app, fake
        self.before = snapshot(app)
        self.first_call = len(fake.calls)
        self.replies: list[str] = []

    def said(self) -> str:
        calls = [json.dumps({"method": c.method, "params": c.params}) for c in self.fake.calls[self.first_call :]]
        return "\n".join([*self.replies, *calls])

    def check(self, *, secrets: tuple[str, ...], answer: str | None = None) -> None:
        """Nothing changed, none of `secrets` was shown or sent anywhere, and (if given) `answer` was said."""
        assert snapshot(self.app) == self.before
        said = self.said()
        leaked = [secret for secret in secrets if secret.lower() in said.lower()]
        assert not leaked, f"{leaked} in {said}"
        if answer is not None:
            assert answer in said, said


def click(
    watch: Watch, action_id: str, value: str, *, user: str = REC, team: str = TEAM_A, wait_for: str = "response_url"
) -> dict[str, Any]:
    """Click a button carrying `value`; returns the app's last call of `wait_for`, once the handler has got there."""
    seen = len(watch.fake.calls_to(wait_for))
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        user_id=user,
        team_id=team,
        channel_id="D0DM",
        response_url=watch.fake.response_url(f"click-{seen}"),
    )
    reply = post_signed(watch.app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")
    return watch.fake.wait_for(wait_for, count=seen + 1)[-1].params


def command(watch: Watch, name: str, text: str, *, user: str = REC, team: str = TEAM_A) -> str:
    reply = post_signed(watch.app.events_url, slash_command_body(command=name, text=text, user_id=user, team_id=team))
    assert reply.status == 200
    payload = reply.json()
    assert payload["response_type"] == "ephemeral"
    watch.replies.append(reply.body)
    return payload["text"]


def value_of(app: RunningApp, checkin_id: int) -> str:
    """The exact value the check-in's buttons carry right now: the best a forger could do."""
    with app.sessions() as session:
        return ButtonValue.current(session.get_one(Checkin, checkin_id)).encode()


# ---------------------------------------------------------------------------------------------------------------------
# Check-in buttons and the stop form
# ---------------------------------------------------------------------------------------------------------------------

CHANGING = (CHECKIN_DONE, CHECKIN_SNOOZE_WEEK, CHECKIN_SNOOZE_MONTH)  # these answer, then redraw the Home tab
OPENING = (CHECKIN_STOP, CHECKIN_DRAFT)  # these open a form about the candidate


@pytest.mark.parametrize("action_id", CHANGING + OPENING)
@pytest.mark.parametrize(
    ("target", "user", "secrets"),
    [
        ("b_checkin", REC, TEAM_B_SECRETS),
        ("b_checkin", ADMIN, TEAM_B_SECRETS),
        ("peer_checkin", REC, PEER_SECRETS),
    ],
    ids=["another team's", "another team's, by an admin", "a teammate's"],
)
def test_a_checkin_button_with_a_forged_id_changes_and_shows_nothing(
    running: RunningApp,
    fake_slack: FakeSlack,
    world: World,
    action_id: str,
    target: str,
    user: str,
    secrets: tuple[str, ...],
) -> None:
    watch = Watch(running, fake_slack)
    click(watch, action_id, value_of(running, getattr(world, target)), user=user)
    if action_id in CHANGING:
        fake_slack.wait_for("views.publish")
    watch.check(secrets=secrets, answer=NOT_YOURS)
    assert fake_slack.calls_to("views.open") == []


@pytest.mark.parametrize(
    ("target", "user", "team"),
    [("b_checkin", OUTSIDER, TEAM_B), ("peer_checkin", ADMIN, TEAM_A), ("own_checkin", REC, TEAM_A)],
    ids=["the team's own recruiter", "an admin of the team", "the recruiter's own"],
)
def test_the_same_forged_value_works_for_whoever_may_use_it(
    running: RunningApp, fake_slack: FakeSlack, world: World, target: str, user: str, team: str
) -> None:
    """The control: the values above are the real ones; only who clicks decides."""
    checkin_id = getattr(world, target)
    before = snapshot(running)["checkins"]
    watch = Watch(running, fake_slack)
    click(watch, CHECKIN_DONE, value_of(running, checkin_id), user=user, team=team, wait_for="views.publish")
    after = snapshot(running)["checkins"]
    assert [row for row in after if row[0] != checkin_id] == [row for row in before if row[0] != checkin_id]
    assert [row[1] for row in after if row[0] == checkin_id] == [1]  # the next check-in step


def submit_stop(watch: Watch, metadata: dict[str, Any], *, user: str = REC, team: str = TEAM_A) -> None:
    seen = len(watch.fake.calls_to("response_url"))
    payload = view_submission_payload(
        callback_id=STOP_MODAL,
        values={"reason": {"value": {"type": "radio_buttons", "selected_option": {"value": "hired_elsewhere"}}}},
        private_metadata=json.dumps(metadata | {"response_url": watch.fake.response_url("stop")}),
        user_id=user,
        team_id=team,
    )
    reply = post_signed(watch.app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")  # the form closes
    watch.fake.wait_for("response_url", count=seen + 1)
    watch.fake.wait_for("views.publish")


@pytest.mark.parametrize(
    ("target", "secrets"), [("b_checkin", TEAM_B_SECRETS), ("peer_checkin", PEER_SECRETS)], ids=["team B's", "peer's"]
)
def test_the_stop_form_with_a_forged_checkin_in_its_metadata_stops_nothing(
    running: RunningApp, fake_slack: FakeSlack, world: World, target: str, secrets: tuple[str, ...]
) -> None:
    watch = Watch(running, fake_slack)
    submit_stop(watch, {"value": value_of(running, getattr(world, target)), "channel": "D0DM", "ts": "1.2"})
    watch.check(secrets=secrets, answer=NOT_YOURS)


def test_a_delivery_retry_reaches_only_the_admins_own_workspace(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    watch = Watch(running, fake_slack)
    click(watch, RETRY_DELIVERY, str(world.b_checkin), user=ADMIN, team=TEAM_A, wait_for="views.publish")
    watch.check(secrets=TEAM_B_SECRETS)
    # The control: the same admin, clicking in team B, clears the error.
    click(
        Watch(running, fake_slack),
        RETRY_DELIVERY,
        str(world.b_checkin),
        user=ADMIN,
        team=TEAM_B,
        wait_for="views.publish",
    )
    with running.sessions() as session:
        assert session.get_one(Checkin, world.b_checkin).delivery_error is None


# ---------------------------------------------------------------------------------------------------------------------
# Role buttons
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair",
    [("b_role", "b_candidate"), ("a_role", "b_candidate"), ("b_role", "own_candidate")],
    ids=["team B's role and candidate", "own role, team B's candidate", "team B's role, own candidate"],
)
def test_reach_out_with_another_teams_ids_logs_and_shows_nothing(
    running: RunningApp, fake_slack: FakeSlack, world: World, pair: tuple[str, str]
) -> None:
    watch = Watch(running, fake_slack)
    role, candidate = (getattr(world, name) for name in pair)
    said = click(watch, ROLE_REACH_OUT, f"{role}:{candidate}")
    watch.check(secrets=TEAM_B_SECRETS, answer=NO_SUCH_PAIR)
    assert said["response_type"] == "ephemeral"
    assert fake_slack.calls_to("chat.postMessage") == []  # nobody was told anything


@pytest.mark.parametrize("candidate", ["peer_weak", "peer_stopped"], ids=["weak candidate", "stopped candidate"])
def test_reach_out_for_a_teammates_candidate_the_role_never_matched_is_refused(
    running: RunningApp, fake_slack: FakeSlack, world: World, candidate: str
) -> None:
    watch = Watch(running, fake_slack)
    click(watch, ROLE_REACH_OUT, f"{world.a_role}:{getattr(world, candidate)}")
    watch.check(secrets=PEER_SECRETS)


def test_show_names_for_another_teams_role_shows_nothing(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    watch = Watch(running, fake_slack)
    click(watch, DIGEST_REVEAL, str(world.b_role))
    watch.check(secrets=TEAM_B_SECRETS, answer=NO_SUCH_ROLE)
    # The control: team B's recruiter sees Bella behind the same value.
    control = Watch(running, fake_slack)
    click(control, DIGEST_REVEAL, str(world.b_role), user=OUTSIDER, team=TEAM_B)
    assert "Bella Beta" in control.said()


# ---------------------------------------------------------------------------------------------------------------------
# Commands with another team's ids, emails and role numbers
# ---------------------------------------------------------------------------------------------------------------------


def test_list_shows_a_recruiter_only_their_own_and_list_all_only_to_admins(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    watch = Watch(running, fake_slack)
    command(watch, "/rejected", "list")
    assert "Alice Own" in watch.said()
    assert "Only Keepwarm admins" in command(watch, "/rejected", "list all")
    watch.check(secrets=TEAM_B_SECRETS + PEER_SECRETS)
    admin = Watch(running, fake_slack)
    command(admin, "/rejected", "list all", user=ADMIN)
    assert all(name in admin.said() for name in ("Alice Own", "Otto Peer", "Wanda Weak"))
    admin.check(secrets=TEAM_B_SECRETS)


# Candidates a user may not erase or export, each with the strings that must not reach them.
NOT_THEIRS = pytest.mark.parametrize(
    ("user", "email", "secrets"),
    [
        (REC, "bella@beta.io", TEAM_B_SECRETS),
        (ADMIN, "bella@beta.io", TEAM_B_SECRETS),
        (REC, "otto@alpha.io", PEER_SECRETS),
        (REC, "BELLA@BETA.IO", TEAM_B_SECRETS),
        (REC, "<mailto:otto@alpha.io|otto@alpha.io>", PEER_SECRETS),
    ],
    ids=["team B's, by a recruiter", "team B's, by an admin", "a teammate's", "team B's in capitals", "a mailto link"],
)


def refused_alike(watch: Watch, verb: str, email: str, user: str) -> str:
    """`/rejected <verb> <email>` must read exactly like the answer for an address nobody has ("not yours" reads like
    "no such person"); returns the address as the answer shows it."""
    answer = command(watch, "/rejected", f"{verb} {email}", user=user)
    unknown = command(watch, "/rejected", f"{verb} nobody@nowhere.io", user=user)
    shown = email.lower().split("|")[-1].rstrip(">").removeprefix("<mailto:")
    assert answer == unknown.replace("nobody@nowhere.io", shown)
    return shown


@NOT_THEIRS
def test_forget_erases_nobody_outside_what_the_user_may_erase_and_says_so_alike(
    running: RunningApp, fake_slack: FakeSlack, world: World, user: str, email: str, secrets: tuple[str, ...]
) -> None:
    watch = Watch(running, fake_slack)
    shown = refused_alike(watch, "forget", email, user)
    watch.check(secrets=tuple(s for s in secrets if s != shown))


def test_an_admin_erases_a_teammates_candidate(running: RunningApp, fake_slack: FakeSlack, world: World) -> None:
    """The control for the test above: forget works, for whoever may erase."""
    watch = Watch(running, fake_slack)
    assert "Erased the candidate" in command(watch, "/rejected", "forget otto@alpha.io", user=ADMIN)
    with running.sessions() as session:
        erased = session.scalars(select(Candidate).where(Candidate.erased.is_(True))).all()
        assert [(c.team_id, c.name, c.email) for c in erased] == [(TEAM_A, ERASED_NAME, None)]


@NOT_THEIRS
def test_export_sends_nobody_outside_what_the_user_may_export_and_says_so_alike(
    running: RunningApp, fake_slack: FakeSlack, world: World, user: str, email: str, secrets: tuple[str, ...]
) -> None:
    watch = Watch(running, fake_slack)
    shown = refused_alike(watch, "export", email, user)
    time.sleep(0.3)  # an upload would run on the export thread after the answer
    watch.check(secrets=tuple(s for s in secrets if s != shown))  # no file, and no audit entry either


def test_an_admin_exports_a_teammates_candidate_and_nothing_of_team_b(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    """The control for the test above: export works, for whoever may export, and holds only that candidate."""
    watch = Watch(running, fake_slack)
    assert "Sending the export as a DM" in command(watch, "/rejected", "export otto@alpha.io", user=ADMIN)
    file = fake_slack.wait_for_file(f"D{ADMIN}")
    content = file.data.decode()
    assert "Otto Peer" in content and "peer-secret-note" in content
    leaked = [s for s in (*TEAM_B_SECRETS, "Alice Own", "Wanda Weak", "Stella Stopped") if s.lower() in content.lower()]
    assert not leaked


@pytest.mark.parametrize("verb", ["close", "reopen"])
@pytest.mark.parametrize("user", [REC, ADMIN])
def test_another_teams_role_number_is_not_found_and_nothing_changes(
    running: RunningApp, fake_slack: FakeSlack, world: World, verb: str, user: str
) -> None:
    watch = Watch(running, fake_slack)
    role_id = world.b_role if verb == "close" else world.b_closed_role
    answer = command(watch, "/role", f"{verb} {role_id}", user=user)
    assert (
        answer == f"There is no role #{role_id} in this workspace. `/role list` shows the open roles and their numbers."
    )
    assert command(watch, "/role", "list", user=user) == "Open roles: 1"  # team A's own, and only that:
    assert f"#{world.a_role} *Backend Engineer*" in watch.said()
    watch.check(secrets=(*TEAM_B_SECRETS, f"#{world.b_role} *", f"#{world.b_closed_role} *"))


# ---------------------------------------------------------------------------------------------------------------------
# The rejection and role forms: ids in their metadata are ignored
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [REJECTION_MODAL, ROLE_MODAL])
def test_a_form_saves_under_the_submitter_whatever_ids_its_metadata_carries(
    running: RunningApp, fake_slack: FakeSlack, world: World, form: str
) -> None:
    forged = {"team_id": TEAM_B, "user_id": OUTSIDER, "role_id": world.b_role, "candidate_id": world.b_candidate}
    metadata = json.dumps(forged | {"response_url": fake_slack.response_url("form")})
    values = (
        {"name": {"value": {"value": "Nia New"}}, "role": {"value": {"value": "Backend Engineer"}}}
        | {"stage": {"value": {"selected_option": {"value": "final"}}}}
        if form == REJECTION_MODAL
        else {"title": {"value": {"value": "Backend Engineer"}}}
    )
    watch = Watch(running, fake_slack)
    team_b_before = [row for row in watch.before["candidates"] if row[1] == TEAM_B]
    payload = view_submission_payload(
        callback_id=form, values=values, private_metadata=metadata, user_id=REC, team_id=TEAM_A
    )
    reply = post_signed(running.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")
    [answer] = fake_slack.wait_for("response_url")
    assert answer.params["_name"] == "form"
    after = snapshot(running)
    assert [row for row in after["candidates"] if row[1] == TEAM_B] == team_b_before
    assert [row for row in after["roles"] if row[1] == TEAM_B] == [r for r in watch.before["roles"] if r[1] == TEAM_B]
    with running.sessions() as session:
        if form == REJECTION_MODAL:
            saved = session.scalars(select(Rejection).order_by(Rejection.id.desc()).limit(1)).one()
            assert (saved.team_id, saved.recruiter.user_id, saved.candidate.name) == (TEAM_A, REC, "Nia New")
        else:
            role = session.scalars(select(Role).order_by(Role.id.desc()).limit(1)).one()
            assert (role.team_id, role.opened_by) == (TEAM_A, REC)
    said = watch.said()
    assert not [secret for secret in TEAM_B_SECRETS if secret.lower() in said.lower()], said
