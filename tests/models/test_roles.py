"""Role data functions on SQLite and PostgreSQL: open, list, close, reopen, queue alerts, and a role's finalists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Candidate, Checkin, Role, RoleAlert, RoleOutreach, RoleStatus
from models.checkins import stop
from models.policy import Policy
from models.records import forget_candidate, get_or_create_recruiter
from models.roles import (
    Change,
    Finalist,
    close_role,
    count_open_roles,
    create_role,
    open_roles,
    queue_role_alerts,
    reopen_role,
    role_finalists,
)
from testkit import data

TEAM = "T0TEAM"
OTHER_TEAM = "T0OTHER"
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
MONTH = timedelta(days=30)
NO_CHECKINS = Policy(strong_stages=frozenset(), strong_min_rating=6)


# Past candidates: rejected four months ago, with an email made from the name.
reject = partial(data.reject, team=TEAM, at=NOW - 4 * MONTH, email_from_name=True)


def new_role(sessions: sessionmaker[Session], title: str = "Backend Engineer", *, team: str = TEAM) -> int:
    with sessions.begin() as session:
        return create_role(session=session, team_id=team, opened_by="U0REC", title=title, now=NOW).id


def finalists(sessions: sessionmaker[Session], role_id: int) -> list[Finalist]:
    with sessions.begin() as session:
        return role_finalists(session=session, role=session.get_one(Role, role_id))


def recruiter_id(sessions: sessionmaker[Session], user: str, team: str = TEAM) -> int:
    with sessions.begin() as session:
        return get_or_create_recruiter(session=session, team_id=team, user_id=user).id


# --- opening and listing ------------------------------------------------------------------------------------------


def test_create_role_stores_a_slack_role_waiting_for_the_digest(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        role = create_role(
            session=session,
            team_id=TEAM,
            opened_by="U0REC",
            title="Backend Engineer",
            tags=("python", "go"),
            location="Berlin",
            url="https://jobs.example.com/1",
            team_name="Platform",
            now=NOW,
        )
        role_id = role.id
    with sessions.begin() as session:
        stored = session.get_one(Role, role_id)
        assert (stored.team_id, stored.source, stored.opened_by, stored.status) == (
            TEAM,
            "slack",
            "U0REC",
            RoleStatus.OPEN,
        )
        assert (stored.title, stored.tags, stored.location, stored.url, stored.team_name) == (
            "Backend Engineer",
            ["python", "go"],
            "Berlin",
            "https://jobs.example.com/1",
            "Platform",
        )
        assert (stored.opened_at, stored.digested_at, stored.closed_at, stored.external_id) == (NOW, None, None, None)


def test_open_roles_are_the_teams_open_ones_newest_first(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for n in range(4):
            create_role(session=session, team_id=TEAM, opened_by="U0REC", title=f"Role {n}", now=NOW + n * MONTH)
        create_role(session=session, team_id=OTHER_TEAM, opened_by="U0X", title="Theirs", now=NOW + 9 * MONTH)
    with sessions.begin() as session:
        closed = session.scalars(select(Role).where(Role.title == "Role 2")).one()
        close_role(session=session, team_id=TEAM, role_id=closed.id, user_id="U0REC", now=NOW)
    with sessions.begin() as session:
        assert [r.title for r in open_roles(session=session, team_id=TEAM, limit=10)] == ["Role 3", "Role 1", "Role 0"]
        assert [r.title for r in open_roles(session=session, team_id=TEAM, limit=2)] == ["Role 3", "Role 1"]
        assert count_open_roles(session=session, team_id=TEAM) == 3
        assert count_open_roles(session=session, team_id="T0NOBODY") == 0


# --- closing and reopening ----------------------------------------------------------------------------------------


def test_close_then_close_again(sessions: sessionmaker[Session]) -> None:
    role_id = new_role(sessions)
    with sessions.begin() as session:
        change = close_role(session=session, team_id=TEAM, role_id=role_id, user_id="U0REC", now=NOW + MONTH)
        assert change.changed and change.role is not None and change.role.status == RoleStatus.CLOSED
    with sessions.begin() as session:
        again = close_role(session=session, team_id=TEAM, role_id=role_id, user_id="U0REC", now=NOW + 2 * MONTH)
        assert not again.changed and again.role is not None
    with sessions.begin() as session:
        stored = session.get_one(Role, role_id)
        assert (stored.status, stored.closed_at) == (RoleStatus.CLOSED, NOW + MONTH)


def test_another_teams_role_or_an_unknown_id_is_not_found_and_not_changed(sessions: sessionmaker[Session]) -> None:
    theirs = new_role(sessions, team=OTHER_TEAM)
    with sessions.begin() as session:
        assert close_role(session=session, team_id=TEAM, role_id=theirs, user_id="U0REC", now=NOW) == Change(
            None, changed=False
        )
        assert reopen_role(session=session, team_id=TEAM, role_id=theirs + 99, now=NOW) == Change(None, changed=False)
    with sessions.begin() as session:
        assert session.get_one(Role, theirs).status == RoleStatus.OPEN


def test_reopen_puts_the_role_back_in_the_next_digest(sessions: sessionmaker[Session]) -> None:
    role_id = new_role(sessions)
    with sessions.begin() as session:
        role = session.get_one(Role, role_id)
        role.digested_at, role.digest_channel, role.digest_ts = NOW, "C0DIGEST", "1700000000.000100"
        role.digest_token, role.digest_claim_expires_at = "stale-claim", NOW + MONTH
        close_role(session=session, team_id=TEAM, role_id=role_id, user_id="U0REC", now=NOW + MONTH)
    with sessions.begin() as session:
        change = reopen_role(session=session, team_id=TEAM, role_id=role_id, now=NOW + 2 * MONTH)
        assert change.changed
    with sessions.begin() as session:
        stored = session.get_one(Role, role_id)
        assert (stored.status, stored.closed_at, stored.digested_at) == (RoleStatus.OPEN, None, None)
        assert (stored.digest_token, stored.digest_claim_expires_at) == (None, None)
        again = reopen_role(session=session, team_id=TEAM, role_id=role_id, now=NOW + 3 * MONTH)
        assert not again.changed and again.role is not None and again.role.status == RoleStatus.OPEN


# --- finalists ----------------------------------------------------------------------------------------------------


def test_finalists_are_the_teams_finalists_for_the_same_job_newest_first(sessions: sessionmaker[Session]) -> None:
    ada = reject(sessions, "Ada Byron", "Senior Backend Engineer", at=NOW - 5 * MONTH).candidate_id
    ben = reject(sessions, "Ben Ode", "backend engineer (Python)", user="U0OTHER", at=NOW - 2 * MONTH).candidate_id
    reject(sessions, "Cy Front", "Frontend Engineer")  # another job
    reject(sessions, "Di Inter", "Backend Engineer", stage="interview", rating=5)  # strong, but not a finalist
    reject(sessions, "Ed Else", "Backend Engineer", team=OTHER_TEAM)  # another team
    reject(sessions, "Flo Wide", "Backend Engineering Manager")  # shares words, not the job
    role_id = new_role(sessions, "Backend Engineer - Berlin")

    found = finalists(sessions, role_id)

    assert [(f.candidate_id, f.name, f.role_title) for f in found] == [
        (ben, "Ben Ode", "backend engineer (Python)"),
        (ada, "Ada Byron", "Senior Backend Engineer"),
    ]
    assert [f.owner_user_id for f in found] == ["U0OTHER", "U0REC"]
    assert [f.owner_recruiter_id for f in found] == [recruiter_id(sessions, "U0OTHER"), recruiter_id(sessions, "U0REC")]
    assert [f.rejected_at for f in found] == [NOW - 2 * MONTH, NOW - 5 * MONTH]


def test_one_entry_per_candidate_from_their_newest_final_rejection(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada Byron", "Backend Engineer II", at=NOW - 9 * MONTH)
    reject(sessions, "Ada Byron", "Sr Backend Engineer", at=NOW - 3 * MONTH)
    reject(sessions, "Ada Byron", "Backend Engineer", stage="interview", rating=5, at=NOW - MONTH)
    found = finalists(sessions, new_role(sessions))
    assert [(f.name, f.role_title, f.rejected_at) for f in found] == [
        ("Ada Byron", "Sr Backend Engineer", NOW - 3 * MONTH)
    ]


def test_the_owner_is_whoever_keeps_in_touch_else_whoever_rejected(sessions: sessionmaker[Session]) -> None:
    # Ada's check-ins moved to U0NEW when U0NEW turned her down again for another job.
    reject(sessions, "Ada Byron", "Backend Engineer", user="U0OLD", at=NOW - 6 * MONTH)
    reject(sessions, "Ada Byron", "Data Analyst", user="U0NEW", at=NOW - MONTH)
    # Ben has no check-in stream at all: finalists earn none under this policy.
    reject(sessions, "Ben Ode", "Backend Engineer", user="U0OLD", policy=NO_CHECKINS)
    with sessions.begin() as session:
        assert session.scalars(select(Checkin).join(Checkin.candidate).where(Candidate.name == "Ben Ode")).all() == []
    found = finalists(sessions, new_role(sessions))
    assert {f.name: f.owner_user_id for f in found} == {"Ada Byron": "U0NEW", "Ben Ode": "U0OLD"}


def test_erased_opted_out_stopped_and_already_contacted_candidates_are_left_out(
    sessions: sessionmaker[Session],
) -> None:
    reject(sessions, "Gone Person", "Backend Engineer")
    out = reject(sessions, "Opted Out", "Backend Engineer").candidate_id
    stopped = reject(sessions, "Stopped Stream", "Backend Engineer").candidate_id
    taken = reject(sessions, "Already Called", "Backend Engineer").candidate_id
    elsewhere = reject(sessions, "Called Elsewhere", "Backend Engineer").candidate_id
    kept = reject(sessions, "Still Here", "Backend Engineer").candidate_id
    role_id, other_role = new_role(sessions), new_role(sessions, "Backend Engineer")
    with sessions.begin() as session:
        forget_candidate(session=session, team_id=TEAM, email="gone.person@example.com", user_id="U0REC", is_admin=True)
        session.get_one(Candidate, out).opted_out = True
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == stopped)).one()
        stop(session=session, checkin=checkin, user_id="U0REC", reason="hired_elsewhere", note=None, now=NOW)
        session.add(RoleOutreach(team_id=TEAM, role_id=role_id, candidate_id=taken, user_id="U0REC"))
        session.add(RoleOutreach(team_id=TEAM, role_id=other_role, candidate_id=elsewhere, user_id="U0REC"))
    assert {f.candidate_id for f in finalists(sessions, role_id)} == {kept, elsewhere}


def test_a_title_of_only_grades_has_no_finalists(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada Byron", "Senior II")
    assert finalists(sessions, new_role(sessions, "Senior II")) == []


# --- reopen alerts ------------------------------------------------------------------------------------------------


def alert_rows(sessions: sessionmaker[Session]) -> list[tuple[int, int, str]]:
    with sessions.begin() as session:
        rows = session.execute(
            select(RoleAlert.role_id, RoleAlert.recruiter_id, RoleAlert.team_id).order_by(RoleAlert.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def queue(sessions: sessionmaker[Session], role_id: int) -> list[int]:
    with sessions.begin() as session:
        role = session.get_one(Role, role_id)
        return queue_role_alerts(
            session=session, role=role, finalists=role_finalists(session=session, role=role), now=NOW
        )


def test_one_alert_per_owning_recruiter_and_none_while_one_is_still_waiting(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada Byron", "Backend Engineer", user="U0A")
    reject(sessions, "Ben Ode", "Backend Engineer", user="U0A")
    reject(sessions, "Cy Dee", "Backend Engineer", user="U0B")
    reject(sessions, "Di Eff", "Frontend Engineer", user="U0C")
    role_id = new_role(sessions)
    a, b = recruiter_id(sessions, "U0A"), recruiter_id(sessions, "U0B")

    assert queue(sessions, role_id) == [a, b]
    assert alert_rows(sessions) == [(role_id, a, TEAM), (role_id, b, TEAM)]

    assert queue(sessions, role_id) == []  # both still unsent
    with sessions.begin() as session:
        sent = session.scalars(select(RoleAlert).where(RoleAlert.recruiter_id == a)).one()
        sent.sent_at = NOW
    assert queue(sessions, role_id) == [a]  # a new reopening after a delivered alert is news again
    assert len(alert_rows(sessions)) == 3


def test_no_finalists_no_alerts(sessions: sessionmaker[Session]) -> None:
    assert queue(sessions, new_role(sessions)) == []
    assert alert_rows(sessions) == []


@pytest.mark.parametrize("title", ["Backend Engineer", "Senior Backend Engineer (Remote)"])
def test_finalists_are_found_whatever_grade_or_qualifier_the_role_carries(
    sessions: sessionmaker[Session], title: str
) -> None:
    ada = reject(sessions, "Ada Byron", "Backend Engineer").candidate_id
    assert [f.candidate_id for f in finalists(sessions, new_role(sessions, title))] == [ada]
