"""The channel digest in-process, on SQLite and PostgreSQL, against the fake Slack over real HTTP.

Past candidates are recorded as /rejected records them, roles are opened as /role opens them, and every run gets an
explicit `now`; each test then reads what the channel shows and what the roles table says.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.common import SECTION_TEXT_MAX
from bot.blocks.digest import DigestEntry, build_digest
from bot.config import Settings, load_settings
from bot.ids import DIGEST_METADATA_TYPE, DIGEST_REVEAL, ROLE_REACH_OUT
from bot.metrics import Metrics
from jobs.delivery import LEASE
from jobs.digest import DigestReport, run_digest
from jobs.schedule import DIGEST_GRACE, DIGEST_RETRY, add_digest
from models import Checkin, Role, RoleOutreach
from models.checkins import stop
from models.db import make_engine
from models.matching import Match
from models.records import forget_candidate
from testkit import data, sweeps
from testkit.digests import (
    ADMIN,
    ALICE,
    BRUNO,
    CHANNEL,
    DAY,
    HOUR,
    MINUTE,
    MONTH,
    NOW,
    TEAM,
    close,
    open_role,
    pending,
    reject,
    role_rows,
    roles_in,
    texts,
)
from testkit.env import make_env
from testkit.fakeslack import FakeSlack, Reply, rate_limited
from testkit.sweeps import slack_client


def digest_settings(database_url: str, fake_slack: FakeSlack, **env: str) -> Settings:
    settings = {"DIGEST_CHANNEL": CHANNEL, "ADMIN_USER_IDS": ADMIN, **env}
    return load_settings(make_env(database_url=database_url, fake_slack=fake_slack, **settings), serving=False)


@dataclass
class Digester:
    """run_digest with the test's database, settings and client; only `now` varies."""

    sessions: sessionmaker[Session]
    settings: Settings
    client: WebClient

    def __call__(self, now: datetime, *, dry_run: bool = False) -> DigestReport:
        return run_digest(sessions=self.sessions, client=self.client, settings=self.settings, now=now, dry_run=dry_run)


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return digest_settings(database_url, fake_slack)


@pytest.fixture
def digest(sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack) -> Digester:
    return Digester(sessions, settings, slack_client(fake_slack))


# --- reading what Slack shows -----------------------------------------------------------------------------------------


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(action id, value) of every button, in order."""
    return [
        (block["accessory"]["action_id"], block["accessory"]["value"])
        for block in message.get("blocks", [])
        if isinstance(block.get("accessory"), dict)
    ]


def posts(fake: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [call.params for call in fake.calls_to("chat.postMessage") if call.params["channel"] == channel]


# --- content: who fits, and what a channel may see --------------------------------------------------------------------


@pytest.fixture
def team_history(sessions: sessionmaker[Session]) -> dict[str, int]:
    """A backend finalist and a strong platform engineer of Alice's, a frontend finalist of Bruno's."""
    return {
        "ada": reject(
            sessions,
            "Ada Lovelace",
            "Backend Engineer",
            tags="python,django",
            note="Call her on +1 555 0100, she asked for 20% more",
        ).candidate_id,
        "cy": reject(
            sessions, "Cy Young", "Platform Engineer", tags="python,kubernetes", stage="interview", rating=5
        ).candidate_id,
        "dee": reject(sessions, "Dee Front", "Frontend Engineer", tags="react", user=BRUNO).candidate_id,
    }


def test_a_private_channel_sees_each_roles_matches_by_name_with_reason_owner_and_reach_out(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack, team_history: dict[str, int]
) -> None:
    fake_slack.set_channel(CHANNEL, private=True)
    backend = open_role(
        sessions,
        "Senior Backend Engineer",
        tags=("python",),
        url="https://jobs.example.com/1?a=1|2",
        location="Berlin",
        team_name="Payments",
    )
    sales = open_role(sessions, "Account Executive", at=NOW - DAY)

    report = digest(NOW)

    assert (report.messages, report.roles, report.failed, report.deferred) == (1, 2, 0, 0)
    [message] = fake_slack.messages(CHANNEL)
    [post] = posts(fake_slack)
    assert roles_in(message) == [backend, sales]
    shown = texts(message)
    assert f"*<https://jobs.example.com/1?a=1%7C2|Senior Backend Engineer>* (#{backend})" in shown
    assert "Berlin · Payments · opened with /role" in shown
    assert "*Ada Lovelace*: python; was finalist for Backend Engineer, 4 months ago · owner <@U0ALICE>" in shown
    cy = "*Cy Young*: python; rated 5/5 at interview for Platform Engineer, 4 months ago · owner <@U0ALICE>"
    assert cy in shown
    assert "Dee Front" not in shown  # a frontend finalist does not fit a backend role
    assert "No past candidate fits yet." in shown  # the sales role
    assert buttons(message) == [
        (ROLE_REACH_OUT, f"{backend}:{team_history['ada']}"),
        (ROLE_REACH_OUT, f"{backend}:{team_history['cy']}"),
    ]
    # Never contact details or notes, even in a private channel.
    raw = json.dumps(post)
    assert "example.com/ada" not in raw and "ada.lovelace@" not in raw and "555" not in raw and "20%" not in raw
    # One message, carrying its claim token, and each role recorded as posted in it.
    assert post["metadata"]["event_type"] == DIGEST_METADATA_TYPE
    token = post["metadata"]["event_payload"]["token"]
    assert str(uuid.UUID(token)) == token
    assert post["text"].startswith("2 new role(s)")
    assert role_rows(sessions) == {
        backend: (NOW, CHANNEL, message["ts"], None, None),
        sales: (NOW, CHANNEL, message["ts"], None, None),
    }


def test_a_public_channel_sees_counts_and_owners_and_a_show_names_button_but_no_names(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack, team_history: dict[str, int]
) -> None:
    backend = open_role(sessions, "Backend Engineer", tags=("python",))
    frontend = open_role(sessions, "Frontend Developer", tags=("react",), at=NOW - DAY)
    sales = open_role(sessions, "Account Executive", at=NOW - DAY)

    assert digest(NOW).roles == 3

    [message] = fake_slack.messages(CHANNEL)
    raw = json.dumps(posts(fake_slack)[0])
    for name in ("Ada", "Lovelace", "Cy Young", "Dee Front"):
        assert name not in raw
    shown = texts(message)
    assert "2 past candidate(s) fit · owners: <@U0ALICE>" in shown
    assert "1 past candidate(s) fit · owners: <@U0BRUNO>" in shown
    assert "No past candidate fits yet." in shown
    assert buttons(message) == [(DIGEST_REVEAL, str(backend)), (DIGEST_REVEAL, str(frontend))]
    assert roles_in(message) == [backend, frontend, sales]
    [info] = fake_slack.calls_to("conversations.info")
    assert info.params["channel"] == CHANNEL


def test_digest_show_names_puts_names_in_a_public_channel(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack, team_history: dict[str, int]
) -> None:
    settings = digest_settings(database_url, fake_slack, DIGEST_SHOW_NAMES="true")
    backend = open_role(sessions, "Backend Engineer", tags=("python",))

    Digester(sessions, settings, slack_client(fake_slack))(NOW)

    [message] = fake_slack.messages(CHANNEL)
    assert "*Ada Lovelace*" in texts(message)
    assert buttons(message)[0] == (ROLE_REACH_OUT, f"{backend}:{team_history['ada']}")


def test_forgotten_stopped_opted_out_and_taken_candidates_are_left_out(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    fake_slack.set_channel(CHANNEL, private=True)
    kept = reject(sessions, "Kim Kept", "Backend Engineer", tags="python").candidate_id
    reject(sessions, "Fay Forgotten", "Backend Engineer", tags="python")
    stopped = reject(sessions, "Sam Stopped", "Backend Engineer", tags="python").candidate_id
    taken = reject(sessions, "Tom Taken", "Backend Engineer", tags="python").candidate_id
    role = open_role(sessions, "Backend Engineer", tags=("python",))
    with sessions.begin() as session:
        assert forget_candidate(
            session=session, team_id=TEAM, email="fay.forgotten@example.com", user_id=ALICE, is_admin=False, now=NOW
        )
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == stopped)).one()
        stop(session=session, checkin=checkin, user_id=ALICE, reason="hired_elsewhere", note=None, now=NOW)
        session.add(RoleOutreach(team_id=TEAM, role_id=role, candidate_id=taken, user_id=BRUNO, at=NOW))

    digest(NOW)

    [message] = fake_slack.messages(CHANNEL)
    assert buttons(message) == [(ROLE_REACH_OUT, f"{role}:{kept}")]
    shown = texts(message)
    assert "Kim Kept" in shown
    for gone in ("Fay", "(erased)", "Sam Stopped", "Tom Taken"):
        assert gone not in shown


def test_only_the_bots_own_workspace_roles_are_posted(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    ours = open_role(sessions, "Backend Engineer")
    open_role(sessions, "Backend Engineer", team="T0OTHER")

    assert digest(NOW).roles == 1
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == [ours]
    assert len(pending(sessions)) == 1  # the other workspace's role is not this bot's to post


# --- each role in exactly one digest ----------------------------------------------------------------------------------


def test_each_role_appears_in_exactly_one_digest_across_runs(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    first = open_role(sessions, "Backend Engineer", at=NOW - 3 * DAY)
    second = open_role(sessions, "Data Engineer", at=NOW - DAY)
    closed = open_role(sessions, "Product Designer", at=NOW - DAY)
    close(sessions, closed, at=NOW - HOUR)
    later = open_role(sessions, "Site Reliability Engineer", at=NOW + 3 * DAY)

    assert digest(NOW).roles == 2
    assert digest(NOW + HOUR).roles == 0  # nothing new: nothing posted
    assert digest(NOW + 7 * DAY).roles == 1
    assert digest(NOW + 14 * DAY).roles == 0

    assert [roles_in(m) for m in fake_slack.messages(CHANNEL)] == [[first, second], [later]]
    assert len(posts(fake_slack)) == 2
    assert pending(sessions) == [closed]  # a closed role is never announced


def test_nothing_new_posts_nothing_and_asks_slack_nothing_else(digest: Digester, fake_slack: FakeSlack) -> None:
    report = digest(NOW)

    assert (report.messages, report.roles, report.failed, report.deferred) == (0, 0, 0, 0)
    assert report.lines == ["no new roles since the last digest: nothing to post"]
    assert [call.method for call in fake_slack.calls] == ["auth.test"]


def test_without_digest_channel_nothing_is_done(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)
    open_role(sessions, "Backend Engineer")

    report = Digester(sessions, settings, slack_client(fake_slack))(NOW)

    assert report.lines == ["DIGEST_CHANNEL is not set: there is no channel to post the digest to"]
    assert fake_slack.calls == []
    assert len(pending(sessions)) == 1


def test_concurrent_digests_in_threads_post_every_role_exactly_once(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    ids = [open_role(sessions, f"Role {chr(65 + i)} Engineer", at=NOW - DAY + i * MINUTE) for i in range(12)]
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    reports: list[DigestReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        client = slack_client(fake_slack)
        barrier.wait()
        try:
            reports.append(run_digest(sessions=sessions, client=client, settings=settings, now=NOW))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(r.messages for r in reports) == [0, 0, 0, 1]
    assert sum(r.roles for r in reports) == len(ids)
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == ids
    assert {row[2] for row in role_rows(sessions).values()} == {message["ts"]}


# --- Slack failing: uncertain, rate limited, refused ------------------------------------------------------------------


UNCERTAIN = {
    "http_500": lambda applied: Reply({"ok": False, "error": "internal_error"}, status=500, applied=applied),
    "bad_gateway_html": lambda applied: Reply("<html>502</html>", status=502, applied=applied),
    "timeout": lambda applied: Reply({"ok": True, "channel": CHANNEL, "ts": "1.000001"}, delay=3, applied=applied),
    "no_ts": lambda applied: Reply({"ok": True, "channel": CHANNEL}, applied=applied),
}


@pytest.mark.parametrize("applied", [False, True], ids=["not-posted", "posted-anyway"])
@pytest.mark.parametrize("fault", sorted(UNCERTAIN))
def test_an_uncertain_post_is_settled_from_history_by_the_next_run(
    fault: str, applied: bool, digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    role = open_role(sessions, "Backend Engineer")
    digest.client = slack_client(fake_slack, timeout=1)
    fake_slack.script("chat.postMessage", UNCERTAIN[fault](applied))

    report = digest(NOW)
    assert (report.messages, report.deferred, report.failed) == (0, 1, 0)
    [(digested_at, channel, ts, token, expires)] = role_rows(sessions).values()
    assert (digested_at, channel, ts, expires) == (None, CHANNEL, None, NOW)
    assert token is not None  # kept: the message may be in the channel
    assert len(fake_slack.messages(CHANNEL)) == (1 if applied else 0)

    later = NOW + 7 * DAY
    report = digest(later)
    [history] = fake_slack.calls_to("conversations.history")
    assert history.params["channel"] == CHANNEL
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")
    [message] = fake_slack.messages(CHANNEL)
    assert roles_in(message) == [role]
    if applied:
        assert (report.recovered, report.messages) == (1, 0)
        assert role_rows(sessions)[role] == (later, CHANNEL, message["ts"], None, None)
    else:
        assert (report.recovered, report.messages, report.roles) == (0, 1, 1)
        assert role_rows(sessions)[role] == (later, CHANNEL, message["ts"], None, None)
    assert digest(later + DAY).messages == 0
    assert len(fake_slack.messages(CHANNEL)) == 1


def test_reminders_settle_an_answer_without_ts_instead_of_recording_ts_none(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """slack_sdk answers None for a missing key: such an answer is uncertain, settled by finding the DM."""
    fake_slack.set_user(data.REC, tz="UTC")
    data.reject(sessions)
    sweep = sweeps.Sweeper(sessions, settings, slack_client(fake_slack))
    fake_slack.script("chat.postMessage", Reply({"ok": True, "channel": sweeps.dm(data.REC)}, applied=True))
    due = data.MONDAY + 14 * DAY

    sweep(due)
    sweep(due + LEASE + MINUTE)

    [message] = fake_slack.messages(sweeps.dm(data.REC))
    assert [ts for _, _, _, ts in sweeps.sent_rows(sessions)] == [message["ts"]]


def test_a_live_claim_is_left_alone_until_its_lease_expires(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    """A run that claimed and died mid-post: another run neither posts those roles nor checks before the lease ends."""
    claimed = open_role(sessions, "Backend Engineer")
    with sessions.begin() as session:
        role = session.get_one(Role, claimed)
        role.digest_token, role.digest_claim_expires_at, role.digest_channel = str(uuid.uuid4()), NOW + LEASE, CHANNEL
    fresh = open_role(sessions, "Data Engineer", at=NOW - HOUR)

    assert digest(NOW + MINUTE).roles == 1
    assert [roles_in(m) for m in fake_slack.messages(CHANNEL)] == [[fresh]]
    assert fake_slack.calls_to("conversations.history") == []

    assert digest(NOW + LEASE).roles == 1
    assert [roles_in(m) for m in fake_slack.messages(CHANNEL)] == [[fresh], [claimed]]
    assert pending(sessions) == []


def test_history_that_cannot_be_read_keeps_the_claim_for_the_next_run(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    role = open_role(sessions, "Backend Engineer")
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=True))
    digest(NOW)
    fake_slack.script("conversations.history", Reply({"ok": False, "error": "internal_error"}, status=500))

    report = digest(NOW + DAY)
    assert (report.messages, report.recovered) == (0, 0)
    assert role_rows(sessions)[role][3] is not None  # still claimed: it may well be posted

    report = digest(NOW + 2 * DAY)
    assert (report.messages, report.recovered) == (0, 1)
    [message] = fake_slack.messages(CHANNEL)
    assert role_rows(sessions)[role] == (NOW + 2 * DAY, CHANNEL, message["ts"], None, None)


def test_rate_limits_release_the_claim_and_the_roles_go_out_next_time(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    role = open_role(sessions, "Backend Engineer")
    fake_slack.script("chat.postMessage", rate_limited(), rate_limited())  # the client retries one 429 itself

    report = digest(NOW)

    assert (report.messages, report.deferred, report.failed) == (0, 1, 0)
    assert pending(sessions) == [role]
    assert fake_slack.messages("D" + ADMIN) == []  # nothing for an admin to fix
    assert digest(NOW + HOUR).roles == 1
    assert [roles_in(m) for m in fake_slack.messages(CHANNEL)] == [[role]]


CHANNEL_PROBLEMS = {
    "not-a-member": ({"member": False}, "not_in_channel", f"invite @Keepwarm to <#{CHANNEL}>"),
    "private-not-invited": ({"private": True, "member": False}, "channel_not_found", "invite @Keepwarm to it"),
    "missing": ({"exists": False}, "channel_not_found", "set DIGEST_CHANNEL to a channel Keepwarm is in"),
    "archived": ({"archived": True}, "is_archived", f"<#{CHANNEL}> is archived: unarchive it"),
}


@pytest.mark.parametrize("problem", sorted(CHANNEL_PROBLEMS))
def test_a_channel_the_bot_cannot_post_to_tells_the_admins_and_keeps_the_roles_pending(
    problem: str,
    digest: Digester,
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state, code, advice = CHANNEL_PROBLEMS[problem]
    fake_slack.set_channel(CHANNEL, **state)
    roles = [open_role(sessions, "Backend Engineer"), open_role(sessions, "Data Engineer", at=NOW - DAY)]
    caplog.set_level(logging.WARNING, logger="jobs.digest")

    report = digest(NOW)

    assert (report.messages, report.failed, report.deferred) == (0, 1, 0)
    assert fake_slack.messages(CHANNEL) == []
    assert pending(sessions) == roles
    [logged] = [r.getMessage() for r in caplog.records if r.name == "jobs.digest"]
    assert logged == f"digest not posted to {CHANNEL}: {code}; 2 role(s) stay pending for the next digest"
    [dm] = fake_slack.messages("D" + ADMIN)
    assert advice in dm["text"]
    assert "2 waiting role(s) will go out with the next digest" in dm["text"]

    fake_slack.set_channel(CHANNEL)  # an admin fixed it
    assert digest(NOW + 7 * DAY).roles == 2
    assert [roles_in(m) for m in fake_slack.messages(CHANNEL)] == [roles]


@pytest.mark.parametrize("code", ["not_in_channel", "is_archived", "channel_not_found", "missing_scope"])
def test_a_post_refused_for_a_channel_problem_releases_the_claim_and_tells_the_admins(
    code: str, digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    """conversations.info saw no problem (it changed in between, or Slack disagrees): the post's own error counts."""
    role = open_role(sessions, "Backend Engineer")
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": code}))

    report = digest(NOW)

    assert (report.messages, report.failed) == (0, 1)
    assert pending(sessions) == [role]
    [dm] = fake_slack.messages("D" + ADMIN)
    assert f"<#{CHANNEL}>" in dm["text"] or code in dm["text"]
    assert digest(NOW + DAY).roles == 1


def test_a_refused_admin_dm_does_not_stop_the_others(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    settings = digest_settings(database_url, fake_slack, ADMIN_USER_IDS="U0ADMINA,U0ADMINB")
    fake_slack.set_channel(CHANNEL, archived=True)
    fake_slack.set_channel("DU0ADMINA", exists=False)
    open_role(sessions, "Backend Engineer")

    report = Digester(sessions, settings, slack_client(fake_slack))(NOW)

    assert report.failed == 1
    assert fake_slack.messages("DU0ADMINA") == []
    assert len(fake_slack.messages("DU0ADMINB")) == 1


# --- Block Kit limits -------------------------------------------------------------------------------------------------


def check_limits(message: dict[str, Any]) -> None:
    assert len(message["blocks"]) <= 50
    assert len(message["text"]) <= 3000
    for block in message["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_MAX
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and "action_id" in element:
                assert len(element["action_id"]) <= 255 and len(element["value"]) <= 2000


def test_many_roles_stay_within_slack_limits_and_every_one_counts_as_posted(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    fake_slack.set_channel(CHANNEL, private=True)
    for i in range(7):
        reject(sessions, f"Person {chr(65 + i)}", "Backend Engineer", tags="python")
    ids = [open_role(sessions, "Backend Engineer", tags=("python",), at=NOW - DAY + i * MINUTE) for i in range(40)]

    assert digest(NOW).roles == 40

    [message] = fake_slack.messages(CHANNEL)
    check_limits(message)
    assert roles_in(message) == ids
    full = [value for action, value in buttons(message) if action == ROLE_REACH_OUT]
    # Seven roles in full, five matches each: header, 7 * 6 blocks, the compact list and the footer make 45 blocks;
    # an eighth role in full would need 51.
    assert len(message["blocks"]) == 45
    assert len(full) == 5 * 7
    assert "*33 more new role(s)*" in texts(message)
    assert f"• Backend Engineer (#{ids[-1]}): 5+" in texts(message)
    assert pending(sessions) == []
    assert {row[0] for row in role_rows(sessions).values()} == {NOW}


def fake_role(role_id: int, title: str) -> Role:
    return Role(id=role_id, team_id=TEAM, title=title, tags=[], source="greenhouse", status="open")


def fake_match(candidate_id: int) -> Match:
    return Match(
        candidate_id=candidate_id,
        name=f"Name {candidate_id} " + "x" * 100,
        rejection_id=candidate_id,
        role_title="Backend Engineer " + "y" * 120,
        stage="final",
        rating=None,
        rejected_at=NOW - MONTH,
        owner_user_id="U0OWNER",
        score=1,
        shared_tags=tuple(f"tag{n}" for n in range(30)),
        title_matched=True,
        note_matched=False,
    )


@pytest.mark.parametrize("show_names", [True, False], ids=["names", "counts"])
def test_the_builder_keeps_any_number_of_long_roles_within_limits(show_names: bool) -> None:
    entries = [
        DigestEntry(fake_role(i, f"Role {i} " + "z" * 140), [fake_match(c) for c in range(5)], more=True)
        for i in range(1, 601)
    ]

    message = build_digest(entries, show_names=show_names, now=NOW)

    check_limits(message)
    shown = texts(message)
    assert "600 new role(s)" in message["text"]
    assert re.search(r"… and \d+ more: see `/role list`", shown)
    assert "from Greenhouse" in shown
    listed = roles_in(message)
    assert listed == list(range(1, len(listed) + 1))
    hidden = 600 - len(listed)
    assert f"… and {hidden} more" in shown


def test_a_role_title_cannot_inject_mentions_or_links(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    open_role(sessions, "Engineer <!channel> <https://evil.example|click> & co")

    digest(NOW)

    [post] = posts(fake_slack)
    raw = json.dumps(post)
    assert "<!channel>" not in raw and "<https://evil" not in raw
    assert "&lt;!channel&gt;" in texts(post)


# --- dry run ----------------------------------------------------------------------------------------------------------


def test_a_dry_run_describes_the_digest_and_changes_nothing(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack, team_history: dict[str, int]
) -> None:
    backend = open_role(sessions, "Backend Engineer", tags=("python",))
    before = role_rows(sessions)

    report = digest(NOW, dry_run=True)

    assert report.lines == [
        f"would post to <#{CHANNEL}> (names hidden): 1 new role(s)",
        f"Backend Engineer (#{backend}): 2 match(es)",
    ]
    assert (report.messages, report.roles) == (0, 0)
    assert [call.method for call in fake_slack.calls] == ["auth.test", "conversations.info"]
    assert role_rows(sessions) == before

    fake_slack.set_channel(CHANNEL, private=True)
    assert digest(NOW, dry_run=True).lines[1] == (
        f"Backend Engineer (#{backend}): 2 match(es): Ada Lovelace (<@{ALICE}>), Cy Young (<@{ALICE}>)"
    )


def test_a_dry_run_reports_a_channel_problem_without_telling_anyone(
    digest: Digester, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    role = open_role(sessions, "Backend Engineer")
    fake_slack.set_channel(CHANNEL, archived=True)

    report = digest(NOW, dry_run=True)

    assert report.lines == [f"not posted to <#{CHANNEL}>: is_archived; 1 role(s) stay pending"]
    assert [call.method for call in fake_slack.calls] == ["auth.test", "conversations.info"]
    assert pending(sessions) == [role]


# --- the schedule -----------------------------------------------------------------------------------------------------


@pytest.fixture
def scheduler() -> Any:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def test_the_digest_is_scheduled_on_digest_cron_in_digest_tz(
    scheduler: BackgroundScheduler,
    database_url: str,
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = digest_settings(database_url, fake_slack, DIGEST_CRON="30 8 * * tue", DIGEST_TZ="Europe/Paris")
    caplog.set_level(logging.INFO, logger="jobs.schedule")
    client = slack_client(fake_slack)

    add_digest(scheduler, settings=settings, sessions=sessions, client=client, metrics=Metrics(token=None), now=NOW)

    job = scheduler.get_job("digest")
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    paris = job.next_run_time.astimezone(ZoneInfo("Europe/Paris"))
    assert (paris.strftime("%a"), paris.hour, paris.minute) == ("Tue", 8, 30)
    assert job.next_run_time > datetime.now(UTC)
    assert f"digest to {CHANNEL} scheduled at '30 8 * * tue' (Europe/Paris)" in caplog.text


def test_a_clock_restarted_just_after_digest_time_still_runs_that_digest(
    scheduler: BackgroundScheduler, settings: Settings, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    add_digest(
        scheduler,
        settings=settings,
        sessions=sessions,
        client=slack_client(fake_slack),
        metrics=Metrics(token=None),
        now=NOW + 5 * MINUTE,
    )
    assert scheduler.get_job("digest").next_run_time == NOW  # Monday 09:00, already due

    scheduler.remove_job("digest")
    add_digest(
        scheduler,
        settings=settings,
        sessions=sessions,
        client=slack_client(fake_slack),
        metrics=Metrics(token=None),
        now=NOW + DIGEST_GRACE + MINUTE,
    )
    # Too late for that one: the next is a Monday 09:00 to come.
    upcoming = scheduler.get_job("digest").next_run_time
    assert upcoming > datetime.now(UTC) and (upcoming.strftime("%a"), upcoming.hour, upcoming.minute) == ("Mon", 9, 0)


def test_no_digest_is_scheduled_without_a_channel(
    scheduler: BackgroundScheduler,
    database_url: str,
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False)
    caplog.set_level(logging.INFO, logger="jobs.schedule")

    add_digest(
        scheduler,
        settings=settings,
        sessions=sessions,
        client=slack_client(fake_slack),
        metrics=Metrics(token=None),
        now=NOW,
    )

    assert scheduler.get_job("digest") is None
    assert "no digest scheduled: DIGEST_CHANNEL is not set" in caplog.text


@dataclass
class Outage:
    """Points `sessions` at a database that refuses connections, and back."""

    sessions: sessionmaker[Session]
    engine: Engine
    dead: Engine

    def begin(self) -> None:
        self.sessions.configure(bind=self.dead)

    def end(self) -> None:
        self.sessions.configure(bind=self.engine)


@pytest.fixture
def outage(sessions: sessionmaker[Session], engine: Engine) -> Iterator[Outage]:
    outage = Outage(sessions, engine, make_engine("postgresql+psycopg://postgres@127.0.0.1:1/keepwarm"))
    yield outage
    outage.end()
    outage.dead.dispose()


def schedule_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "jobs.schedule" and record.levelno >= logging.WARNING]


def test_a_digest_the_database_kept_from_running_is_tried_again_and_goes_out_once_it_answers(
    scheduler: BackgroundScheduler,
    settings: Settings,
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    outage: Outage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    role = open_role(sessions, "Backend Engineer")
    outage.begin()
    add_digest(
        scheduler,
        settings=settings,
        sessions=sessions,
        client=slack_client(fake_slack),
        metrics=Metrics(token=None),
        now=NOW,
    )
    caplog.set_level(logging.WARNING, logger="jobs.schedule")

    scheduler.get_job("digest").func()  # the scheduled digest, run as the scheduler runs it

    [warning] = schedule_warnings(caplog)
    assert warning.exc_info is None and "digest could not run: the database did not answer" in warning.getMessage()
    assert f"next try in {settings.sweep_minutes} minute(s)" in warning.getMessage()
    retry = scheduler.get_job(DIGEST_RETRY)
    expected = datetime.now(UTC) + timedelta(minutes=settings.sweep_minutes)
    assert abs(retry.next_run_time - expected) < 10 * timedelta(seconds=1)
    assert fake_slack.calls_to("chat.postMessage") == []

    outage.end()
    scheduler.modify_job(DIGEST_RETRY, next_run_time=datetime.now(UTC))
    scheduler.resume()
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted.params["channel"] == CHANNEL and "Backend Engineer" in json.dumps(posted.params["blocks"])
    assert pending(sessions) == [] and role in role_rows(sessions)
    assert scheduler.get_job(DIGEST_RETRY) is None  # a one-off


def test_past_the_grace_period_a_digest_the_database_kept_from_running_waits_for_the_next_one(
    scheduler: BackgroundScheduler,
    settings: Settings,
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    outage: Outage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage.begin()
    add_digest(
        scheduler,
        settings=settings,
        sessions=sessions,
        client=slack_client(fake_slack),
        metrics=Metrics(token=None),
        now=NOW,
    )
    caplog.set_level(logging.WARNING, logger="jobs.schedule")

    scheduler.get_job("digest").func(first_try=datetime.now(UTC) - DIGEST_GRACE)

    [warning] = schedule_warnings(caplog)
    assert warning.exc_info is None and warning.getMessage().endswith("its roles go out with the next digest")
    assert scheduler.get_job(DIGEST_RETRY) is None
