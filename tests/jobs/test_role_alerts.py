"""Reopen alerts reach each owning recruiter once, inside working hours, over real HTTP, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ids import ROLE_REACH_OUT
from jobs.role_alerts import deliver_role_alerts
from models import Role, RoleAlert, RoleStatus
from models.records import forget_candidate, get_or_create_recruiter
from testkit.data import MONDAY, reject
from testkit.fakeslack import FakeSlack, Reply, rate_limited
from testkit.sweeps import TEAM, dm, slack_client

REC, OTHER = "U0REC", "U0OTHER"
IN_HOURS = MONDAY + timedelta(days=30)  # a Wednesday, 10:00 UTC
NIGHT = IN_HOURS.replace(hour=3)


@pytest.fixture(autouse=True)
def recruiters_in_utc(fake_slack: FakeSlack) -> None:
    """Both recruiters work in UTC, whatever an earlier test made of them in the session's fake Slack."""
    for user in (REC, OTHER):
        fake_slack.set_user(user, tz="UTC")


def reopened_role(sessions: sessionmaker[Session], title: str = "Backend Engineer", *, users: tuple[str, ...]) -> int:
    """A role that was just reopened: open, with one pending alert per owning recruiter (as /role reopen leaves it)."""
    with sessions.begin() as session:
        role = Role(team_id=TEAM, title=title, tags=[])
        session.add(role)
        session.flush()
        for user in users:
            recruiter = get_or_create_recruiter(session=session, team_id=TEAM, user_id=user)
            session.add(RoleAlert(team_id=TEAM, role_id=role.id, recruiter_id=recruiter.id))
        return role.id


def deliver(sessions: sessionmaker[Session], settings: Settings, fake: FakeSlack, now: datetime, **kwargs: object):
    return deliver_role_alerts(sessions=sessions, client=slack_client(fake), settings=settings, now=now, **kwargs)  # type: ignore[arg-type]


def buttons(message: dict[str, object]) -> list[str]:
    return [
        block["accessory"]["value"]  # type: ignore[index]
        for block in message["blocks"]  # type: ignore[union-attr]
        if block.get("accessory", {}).get("action_id") == ROLE_REACH_OUT  # type: ignore[union-attr]
    ]


def alerts(sessions: sessionmaker[Session]) -> list[tuple[str | None, str | None]]:
    with sessions.begin() as session:
        return [(a.ts, a.delivery_error) for a in session.scalars(select(RoleAlert).order_by(RoleAlert.id))]


def test_each_owner_gets_one_dm_listing_only_their_own_finalists(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    ada = reject(sessions, name="Ada", role="Senior Backend Engineer", user=REC, email="ada@x.io").candidate_id
    ben = reject(sessions, name="Ben", role="Backend Engineer (Python)", user=OTHER, email="ben@x.io").candidate_id
    reject(sessions, name="Cy", role="Frontend Engineer", user=REC, email="cy@x.io")
    role_id = reopened_role(sessions, users=(REC, OTHER))

    report = deliver(sessions, settings, fake_slack, IN_HOURS)

    assert (report.messages, report.alerts) == (2, 2)
    (mine,) = fake_slack.messages(dm(REC))
    (theirs,) = fake_slack.messages(dm(OTHER))
    assert buttons(mine) == [f"{role_id}:{ada}"] and buttons(theirs) == [f"{role_id}:{ben}"]
    assert "Backend Engineer" in mine["text"] and "Cy" not in str(mine["blocks"])
    assert all(ts is not None and error is None for ts, error in alerts(sessions))

    again = deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert again.messages == 0 and len(fake_slack.calls_to("chat.postMessage")) == 2


def test_outside_working_hours_the_alert_waits_for_the_morning(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reopened_role(sessions, users=(REC,))

    night = deliver(sessions, settings, fake_slack, NIGHT)
    assert (night.messages, night.waiting_for_working_hours) == (0, 1)
    assert fake_slack.messages(dm(REC)) == []

    morning = deliver(sessions, settings, fake_slack, IN_HOURS)
    assert morning.messages == 1 and len(fake_slack.messages(dm(REC))) == 1


def test_a_post_whose_answer_was_lost_is_found_in_the_dm_and_not_sent_twice(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reopened_role(sessions, users=(REC,))
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=True))

    first = deliver(sessions, settings, fake_slack, IN_HOURS)
    assert (first.messages, first.deferred) == (0, 1)
    assert alerts(sessions) == [(None, None)]

    deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert len(fake_slack.messages(dm(REC))) == 1  # found, not re-sent
    ((ts, error),) = alerts(sessions)
    assert ts == fake_slack.messages(dm(REC))[0]["ts"] and error is None


def test_a_post_that_never_arrived_is_sent_again(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reopened_role(sessions, users=(REC,))
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500))

    deliver(sessions, settings, fake_slack, IN_HOURS)
    assert fake_slack.messages(dm(REC)) == []
    retry = deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert retry.messages == 1 and len(fake_slack.messages(dm(REC))) == 1


def test_a_permanent_refusal_is_recorded_and_not_retried(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reopened_role(sessions, users=(REC,))
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "user_disabled"}))

    assert deliver(sessions, settings, fake_slack, IN_HOURS).failed == 1
    assert alerts(sessions) == [(None, "user_disabled")]
    deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_nothing_is_sent_when_every_finalist_was_erased_meanwhile(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reopened_role(sessions, users=(REC,))
    with sessions.begin() as session:
        forget_candidate(session=session, team_id=TEAM, email="ada@x.io", user_id=REC, is_admin=False)

    assert deliver(sessions, settings, fake_slack, IN_HOURS).messages == 0
    assert fake_slack.calls_to("chat.postMessage") == []
    with sessions.begin() as session:
        assert session.scalars(select(RoleAlert.sent_at)).one() is not None  # settled, not left pending


def test_a_role_closed_again_before_delivery_sends_nothing(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    role_id = reopened_role(sessions, users=(REC,))
    with sessions.begin() as session:
        session.get_one(Role, role_id).status = RoleStatus.CLOSED

    assert deliver(sessions, settings, fake_slack, IN_HOURS).messages == 0
    assert fake_slack.calls_to("chat.postMessage") == []


def test_delivery_for_one_role_leaves_other_roles_alerts_for_the_sweep(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    reject(sessions, name="Ada", role="Backend Engineer", email="ada@x.io")
    reject(sessions, name="Dee", role="Data Analyst", email="dee@x.io")
    backend = reopened_role(sessions, "Backend Engineer", users=(REC,))
    reopened_role(sessions, "Data Analyst", users=(REC,))

    deliver(sessions, settings, fake_slack, IN_HOURS, role_id=backend)
    (first,) = fake_slack.messages(dm(REC))
    assert "Data Analyst" not in first["text"]

    deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert "Data Analyst" in fake_slack.messages(dm(REC))[1]["text"]


def test_a_429_storm_stops_the_run_after_one_recruiter_and_every_alert_goes_out_once_it_passes(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Refused again after the client's one retry, the run leaves the other recruiters for the next sweep instead of
    waiting out Retry-After for each of them (a /role reopen would be holding a Bolt thread meanwhile)."""
    users = ("U0STORM1", "U0STORM2", "U0STORM3")
    for n, user in enumerate(users):
        reject(sessions, name=f"Finalist {n}", role="Backend Engineer", user=user, email=f"f{n}@x.io")
    reopened_role(sessions, users=users)
    fake_slack.answer_every("chat.postMessage", rate_limited())

    storm = deliver(sessions, settings, fake_slack, IN_HOURS)
    assert (storm.messages, storm.deferred, storm.failed) == (0, 3, 0)
    assert [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [users[0]] * 2
    with sessions.begin() as session:
        rows = session.scalars(select(RoleAlert)).all()
        assert [(r.sent_at, r.claim_token, r.delivery_error) for r in rows] == [(None, None, None)] * 3  # all pending

    fake_slack.answer_every("chat.postMessage", None)  # the storm passes
    after = deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=5))
    assert (after.messages, after.deferred) == (3, 0)
    assert [len(fake_slack.messages(dm(user))) for user in users] == [1, 1, 1]
    assert deliver(sessions, settings, fake_slack, IN_HOURS + timedelta(minutes=10)).messages == 0
