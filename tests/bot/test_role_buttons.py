"""The buttons under role matches, clicked the way Slack sends them: "Show names" and "I'll reach out".

A real digest is posted to a public channel by `run_digest` (so it carries counts and "Show names" buttons, no names);
its buttons, and those of the ephemeral list "Show names" answers with, are then clicked with signed block_actions
requests. Answers to the clicker go to a response_url on the fake Slack; DMs to owners through chat.postMessage.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.blocks.digest import REVEAL_CANNOT_CHECK, REVEAL_NOT_ALLOWED, REVEAL_NOT_FOUND
from bot.blocks.refusals import OUTREACH_CLOSED, OUTREACH_ERASED, OUTREACH_OPTED_OUT
from bot.blocks.refusals import OUTREACH_NOT_FOUND as NO_SUCH_PAIR
from bot.blocks.roles import REACH_OUT_FORGED, REACH_OUT_NOT_ALLOWED
from bot.config import load_settings
from bot.ids import DIGEST_REVEAL, ROLE_REACH_OUT
from jobs.digest import run_digest
from models import AuditEntry, Candidate, RoleOutreach
from models.records import forget_candidate
from testkit.database import row_counts
from testkit.digests import ADMIN, ALICE, BRUNO, CHANNEL, NOW, REC, TEAM, close, open_role, reject
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, serve
from testkit.slack_http import block_actions_payload, interactive_body, post_signed

STRANGER = "U0STRANGER"
OTHER_TEAM = "T0OTHER"
CLICK = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"DIGEST_CHANNEL": CHANNEL, "ADMIN_USER_IDS": ADMIN, "RECRUITER_USER_IDS": f"{REC},{ALICE},{BRUNO}"}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the click time, so the outreach row and the "already" answer can be asserted exactly."""
    monkeypatch.setattr("bot.listeners.actions.role_reach_out.utcnow", lambda: CLICK)
    monkeypatch.setattr("bot.listeners.actions.digest_reveal.utcnow", lambda: CLICK)


@dataclass(frozen=True)
class Posted:
    """The digest as the channel shows it, and the ids behind it."""

    ts: str
    role: int
    ada: int
    cy: int
    reveal_value: str


@pytest.fixture
def posted(running: RunningApp, fake_slack: FakeSlack) -> Posted:
    """Ada and Cy (Alice's) fit a backend role; Dee (Bruno's) does not. The digest goes to a public channel."""
    ada = reject(
        running.sessions, "Ada Lovelace", "Backend Engineer", tags="python,django", note="Salary: 95k"
    ).candidate_id
    cy = reject(
        running.sessions, "Cy Young", "Platform Engineer", tags="python", stage="interview", rating=5
    ).candidate_id
    reject(running.sessions, "Dee Front", "Frontend Engineer", tags="react", user=BRUNO)
    role = open_role(running.sessions, "Backend Engineer", tags=("python",))
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    report = run_digest(sessions=running.sessions, client=client, settings=running.settings, now=NOW)
    assert report.roles == 1
    [message] = fake_slack.messages(CHANNEL)
    [value] = [b["accessory"]["value"] for b in message["blocks"] if b.get("accessory", {}).get("action_id")]
    assert "Ada" not in json.dumps(message)
    fake_slack.reset()
    return Posted(message["ts"], role, ada, cy, value)


def click(
    app: RunningApp,
    fake: FakeSlack,
    where: Posted,
    action_id: str,
    value: str,
    *,
    user: str = REC,
    team: str = TEAM,
    answer_to: str = "click",
) -> None:
    """Click a button under the digest in the channel."""
    payload = block_actions_payload(
        action_id=action_id,
        value=value,
        user_id=user,
        team_id=team,
        channel_id=CHANNEL,
        message_ts=where.ts,
        response_url=fake.response_url(answer_to),
    )
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")


def answer(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    """The `count`th answer to a clicker, which must be ephemeral and leave the clicked message alone."""
    said = fake.wait_for("response_url", count=count)[count - 1].params
    assert (said["response_type"], said["replace_original"]) == ("ephemeral", False)
    return said


def texts(said: dict[str, Any]) -> str:
    return "\n".join(block["text"]["text"] for block in said["blocks"] if "text" in block)


def values(said: dict[str, Any]) -> list[str]:
    return [block["accessory"]["value"] for block in said["blocks"] if "accessory" in block]


def outreach(app: RunningApp) -> list[tuple[Any, ...]]:
    with app.sessions() as session:
        rows = session.scalars(select(RoleOutreach).order_by(RoleOutreach.id))
        return [(r.team_id, r.role_id, r.candidate_id, r.user_id, r.at) for r in rows]


def dms(fake: FakeSlack) -> list[tuple[str, str]]:
    return [(call.params["channel"], call.params["text"]) for call in fake.calls_to("chat.postMessage")]


# --- Show names -------------------------------------------------------------------------------------------------------


def test_show_names_lists_the_matches_only_to_a_recruiter_who_asks(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    click(running, fake_slack, posted, DIGEST_REVEAL, posted.reveal_value)

    said = answer(fake_slack)
    assert said["_name"] == "click"
    shown = texts(said)
    assert "Past candidates who fit *Backend Engineer* (only you can see this):" in shown
    assert "*Ada Lovelace*: python; was finalist for Backend Engineer, 4 months ago · owner <@U0ALICE>" in shown
    assert "*Cy Young*: python; rated 5/5 at interview for Platform Engineer, 4 months ago · owner <@U0ALICE>" in shown
    assert "Dee" not in shown and "95k" not in json.dumps(said)
    assert values(said) == [f"{posted.role}:{posted.ada}", f"{posted.role}:{posted.cy}"]
    assert [b["accessory"]["action_id"] for b in said["blocks"] if "accessory" in b] == [ROLE_REACH_OUT] * 2
    assert fake_slack.calls_to("chat.postMessage") == []  # nothing in the channel, nothing to anyone else


@pytest.mark.parametrize(("user", "team"), [(STRANGER, TEAM), (STRANGER, OTHER_TEAM)])
def test_show_names_refuses_anyone_who_is_not_a_recruiter(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted, user: str, team: str
) -> None:
    click(running, fake_slack, posted, DIGEST_REVEAL, posted.reveal_value, user=user, team=team)

    said = answer(fake_slack)
    assert said["text"] == REVEAL_NOT_ALLOWED
    assert "Ada" not in json.dumps(said) and "Cy" not in json.dumps(said)
    assert fake_slack.calls_to("chat.postMessage") == []


def viewed(app: RunningApp) -> list[tuple[Any, ...]]:
    with app.sessions() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(r.team_id, r.at, r.act, r.actor, r.source, r.candidate_id, r.subject, r.detail) for r in rows]


def test_show_names_logs_each_candidate_shown_as_viewed_by_the_clicker(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    click(running, fake_slack, posted, DIGEST_REVEAL, posted.reveal_value)
    answer(fake_slack)

    detail = "Show names: Backend Engineer"
    assert viewed(running) == [
        (TEAM, CLICK, "viewed", REC, "button", posted.ada, "Ada Lovelace <ada.lovelace@example.com>", detail),
        (TEAM, CLICK, "viewed", REC, "button", posted.cy, "Cy Young <cy.young@example.com>", detail),
    ]


@pytest.mark.parametrize(("user", "team", "value"), [(STRANGER, TEAM, None), (REC, OTHER_TEAM, None), (REC, TEAM, "x")])
def test_show_names_refused_or_forged_logs_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted, user: str, team: str, value: str | None
) -> None:
    click(running, fake_slack, posted, DIGEST_REVEAL, value or posted.reveal_value, user=user, team=team)
    answer(fake_slack)
    assert viewed(running) == []


@pytest.mark.parametrize("forged", ["", "abc", "1e3", "-1", "99999", "99999999999999", "1:2", " 1"])
def test_show_names_with_a_forged_value_reveals_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted, forged: str
) -> None:
    click(running, fake_slack, posted, DIGEST_REVEAL, forged)

    said = answer(fake_slack)
    assert said["text"] == REVEAL_NOT_FOUND
    assert values(said) == []


def test_show_names_for_another_workspaces_role_reveals_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    reject(running.sessions, "Olga Other", "Backend Engineer", tags="python", team=OTHER_TEAM)
    theirs = open_role(running.sessions, "Backend Engineer", tags=("python",), team=OTHER_TEAM)

    click(running, fake_slack, posted, DIGEST_REVEAL, str(theirs))  # a recruiter here, a role there
    click(running, fake_slack, posted, DIGEST_REVEAL, str(posted.role), user=REC, team=OTHER_TEAM, answer_to="there")

    here, there = answer(fake_slack), answer(fake_slack, 2)
    assert {here["_name"]: here["text"], there["_name"]: there["text"]} == {
        "click": REVEAL_NOT_FOUND,
        "there": REVEAL_NOT_FOUND,
    }
    assert "Olga" not in json.dumps([here, there]) and "Ada" not in json.dumps([here, there])


def test_show_names_for_a_closed_role_says_so(running: RunningApp, fake_slack: FakeSlack, posted: Posted) -> None:
    close(running.sessions, posted.role, at=CLICK)

    click(running, fake_slack, posted, DIGEST_REVEAL, posted.reveal_value)

    said = answer(fake_slack)
    assert said["text"] == f"Backend Engineer (#{posted.role}) is closed: there is no one to reach out to about it."
    assert values(said) == []


def test_show_names_says_so_when_the_recruiter_group_cannot_be_checked(
    database_url: str, engine: Engine, fake_slack: FakeSlack
) -> None:
    """RECRUITER_USERGROUP_ID names a group Slack does not know: Keepwarm refuses rather than guess."""
    settings = load_settings(
        make_env(database_url=database_url, fake_slack=fake_slack, RECRUITER_USERGROUP_ID="S0GONE")
    )
    app: Iterator[RunningApp] = serve(settings, engine)
    running = next(app)
    try:
        role = open_role(running.sessions, "Backend Engineer")
        where = Posted("1700000000.000100", role, 0, 0, str(role))
        click(running, fake_slack, where, DIGEST_REVEAL, str(role))
        said = answer(fake_slack)
    finally:
        app.close()
    assert said["text"] == REVEAL_CANNOT_CHECK
    assert fake_slack.calls_to("usergroups.users.list")


# --- I'll reach out ---------------------------------------------------------------------------------------------------


def test_reach_out_logs_it_tells_the_owner_and_takes_the_candidate_off_the_list(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.ada}")

    said = answer(fake_slack)
    assert said["text"] == (
        "Noted: you'll reach out to *Ada Lovelace* about *Backend Engineer*. "
        "<@U0ALICE>, who owns the relationship, has been told."
    )
    assert outreach(running) == [(TEAM, posted.role, posted.ada, REC, CLICK)]
    assert dms(fake_slack) == [(ALICE, "<@U0REC> will reach out to Ada Lovelace about Backend Engineer.")]

    # Show names now lists only Cy: Ada is taken for this role.
    click(running, fake_slack, posted, DIGEST_REVEAL, posted.reveal_value, answer_to="again")
    assert values(answer(fake_slack, 2)) == [f"{posted.role}:{posted.cy}"]


def test_a_second_click_says_who_already_reached_out_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    value = f"{posted.role}:{posted.ada}"
    click(running, fake_slack, posted, ROLE_REACH_OUT, value)
    answer(fake_slack)
    before = row_counts(running.engine)

    click(running, fake_slack, posted, ROLE_REACH_OUT, value, user=BRUNO, answer_to="bruno")
    click(running, fake_slack, posted, ROLE_REACH_OUT, value, answer_to="rec")

    said = {call.params["_name"]: call.params["text"] for call in fake_slack.wait_for("response_url", count=3)}
    assert said["bruno"] == (
        "<@U0REC> already said they'd reach out to *Ada Lovelace* about *Backend Engineer* on 03 Nov 2026. "
        "Nothing changed."
    )
    assert said["rec"].startswith("You already said you'd reach out to *Ada Lovelace*")
    assert row_counts(running.engine) == before
    assert outreach(running) == [(TEAM, posted.role, posted.ada, REC, CLICK)]
    assert len(dms(fake_slack)) == 1


def test_two_clicks_at_once_log_one_outreach_and_tell_the_owner_once(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    value = f"{posted.role}:{posted.ada}"
    start = threading.Barrier(2)

    def clicker(user: str) -> None:
        start.wait()
        click(running, fake_slack, posted, ROLE_REACH_OUT, value, user=user, answer_to=user)

    threads = [threading.Thread(target=clicker, args=(user,)) for user in (REC, BRUNO)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    said = {call.params["_name"]: call.params["text"] for call in fake_slack.wait_for("response_url", count=2)}
    [row] = outreach(running)
    winner, loser = (REC, BRUNO) if row[3] == REC else (BRUNO, REC)
    assert said[winner].startswith("Noted: you'll reach out to *Ada Lovelace*")
    assert said[loser].startswith(f"<@{winner}> already said they'd reach out")
    assert dms(fake_slack) == [(ALICE, f"<@{winner}> will reach out to Ada Lovelace about Backend Engineer.")]


def test_the_owner_reaching_out_to_their_own_candidate_gets_no_dm(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.cy}", user=ALICE)

    assert answer(fake_slack)["text"] == "Noted: you'll reach out to *Cy Young* about *Backend Engineer*."
    assert outreach(running) == [(TEAM, posted.role, posted.cy, ALICE, CLICK)]
    assert dms(fake_slack) == []


def test_reach_out_is_refused_to_anyone_who_is_not_a_recruiter(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.ada}", user=STRANGER)

    assert answer(fake_slack)["text"] == REACH_OUT_NOT_ALLOWED
    assert outreach(running) == []
    assert dms(fake_slack) == []


def test_reach_out_with_forged_or_stale_values_writes_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    other_candidate = reject(running.sessions, "Olga Other", "Backend Engineer", team=OTHER_TEAM).candidate_id
    other_role = open_role(running.sessions, "Backend Engineer", team=OTHER_TEAM)
    cases = {
        "": REACH_OUT_FORGED,
        "1": REACH_OUT_FORGED,
        "a:b": REACH_OUT_FORGED,
        "1:2:3": REACH_OUT_FORGED,
        f"{posted.role}:-1": REACH_OUT_FORGED,
        f"99999999999:{posted.ada}": REACH_OUT_FORGED,
        f"{posted.role}:99999": NO_SUCH_PAIR,
        f"{other_role}:{posted.ada}": NO_SUCH_PAIR,
        f"{posted.role}:{other_candidate}": NO_SUCH_PAIR,
    }
    before = row_counts(running.engine)

    for n, value in enumerate(cases):
        click(running, fake_slack, posted, ROLE_REACH_OUT, value, answer_to=str(n))

    said = {call.params["_name"]: call.params["text"] for call in fake_slack.wait_for("response_url", count=len(cases))}
    assert said == {str(n): expected for n, expected in enumerate(cases.values())}
    assert row_counts(running.engine) == before
    assert dms(fake_slack) == []


def test_reach_out_to_an_erased_opted_out_or_closed_role_candidate_writes_nothing(
    running: RunningApp, fake_slack: FakeSlack, posted: Posted
) -> None:
    with running.sessions.begin() as session:
        assert forget_candidate(
            session=session, team_id=TEAM, email="ada.lovelace@example.com", user_id=ALICE, is_admin=False, now=CLICK
        )
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.ada}", answer_to="erased")
    assert answer(fake_slack)["text"] == OUTREACH_ERASED

    with running.sessions.begin() as session:
        session.get_one(Candidate, posted.cy).opted_out = True
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.cy}", answer_to="opted")
    assert answer(fake_slack, 2)["text"] == OUTREACH_OPTED_OUT.format(name="Cy Young")

    dee = reject(running.sessions, "Dee Two", "Backend Engineer", tags="python").candidate_id
    close(running.sessions, posted.role, at=CLICK)
    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{dee}", answer_to="closed")
    assert answer(fake_slack, 3)["text"] == OUTREACH_CLOSED.format(title="Backend Engineer")

    assert outreach(running) == []
    assert dms(fake_slack) == []


def test_a_failed_owner_dm_still_logs_and_says_so(running: RunningApp, fake_slack: FakeSlack, posted: Posted) -> None:
    fake_slack.set_channel("D" + ALICE, exists=False)

    click(running, fake_slack, posted, ROLE_REACH_OUT, f"{posted.role}:{posted.ada}")

    assert answer(fake_slack)["text"] == (
        "Noted: you'll reach out to *Ada Lovelace* about *Backend Engineer*. "
        "Keepwarm could not DM <@U0ALICE>, who owns the relationship: please let them know."
    )
    assert outreach(running) == [(TEAM, posted.role, posted.ada, REC, CLICK)]
