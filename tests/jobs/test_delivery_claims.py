"""jobs.delivery.Claims, the claim → post → settle engine every delivery job runs on: the cases its jobs' own tests
do not reach, on both databases, against the fake Slack over real HTTP."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from jobs.digest import run_digest
from jobs.role_alerts import CLAIMS
from models import Checkin, Role, RoleAlert
from models.records import get_or_create_recruiter
from models.roles import create_role
from testkit.data import MONDAY, REC, reject
from testkit.env import make_env
from testkit.fakeslack import FakeSlack, Reply
from testkit.sweeps import DAY, MINUTE, TEAM, Sweeper, checkin_ids, expected, slack_client, tally

DUE = MONDAY + 14 * DAY


def test_a_claim_never_takes_rows_another_claim_holds_whatever_the_jobs_condition(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        role = create_role(session=session, team_id=TEAM, opened_by=REC, title="Backend Engineer", now=MONDAY)
        recruiter = get_or_create_recruiter(session=session, team_id=TEAM, user_id=REC)
        session.add(RoleAlert(team_id=TEAM, role_id=role.id, recruiter_id=recruiter.id))
        role_id = role.id

    with sessions.begin() as session:
        first = CLAIMS.claim(session, RoleAlert.role_id == role_id, at=MONDAY)
    with sessions.begin() as session:
        second = CLAIMS.claim(session, RoleAlert.role_id == role_id, at=MONDAY)
    with sessions.begin() as session:
        assert session.scalars(select(RoleAlert.claim_token)).all() == [first]
    assert second != first


def test_a_dm_slack_will_no_longer_open_releases_the_claim_and_the_next_post_records_why(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions)
    [checkin_id] = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500))
    assert tally(sweep(DUE)) == expected(deferred=1)

    fake_slack.script("conversations.open", Reply({"ok": False, "error": "user_not_found"}))
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "user_not_found"}))
    assert tally(sweep(DUE + 5 * MINUTE)) == expected(failed=1)

    assert fake_slack.calls_to("conversations.history") == []  # nowhere to look: released, not guessed
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    with sessions.begin() as session:
        row = session.get_one(Checkin, checkin_id)
        assert (row.claim_token, row.delivery_error, row.step) == (None, "user_not_found", 0)


def test_a_claim_that_names_no_channel_is_released_without_asking_slack_and_its_role_goes_out(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    channel = "C0DIGEST"
    settings = load_settings(
        make_env(database_url=database_url, fake_slack=fake_slack, DIGEST_CHANNEL=channel), serving=False
    )
    with sessions.begin() as session:
        role = create_role(session=session, team_id=TEAM, opened_by=REC, title="Backend Engineer", now=MONDAY)
        role.digest_token, role.digest_claim_expires_at = str(uuid.uuid4()), MONDAY + DAY  # no digest_channel
        role_id = role.id

    report = run_digest(sessions=sessions, client=slack_client(fake_slack), settings=settings, now=MONDAY + 2 * DAY)

    assert (report.messages, report.roles, report.recovered) == (1, 1, 0)
    assert fake_slack.calls_to("conversations.history") == []
    [message] = fake_slack.messages(channel)
    with sessions.begin() as session:
        assert session.get_one(Role, role_id).digest_ts == message["ts"]
