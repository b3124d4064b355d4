"""Test data recorded through the real code, as `/rejected` records it, or as processing an ATS delivery applies
it: the factories every test and bench uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.rejection_input import validate_rejection
from models import AtsNotice, Checkin, ats_events
from models.ats_intake import apply_events
from models.ats_rules import AtsRules
from models.policy import Policy
from models.records import record_rejection
from testkit.fakeslack import TEAM_ID

REC = "U0REC"
# Monday 5 January 2026, 10:00 UTC: the default rejection time. Its 14-day check-in falls on Monday 19 January.
MONDAY = datetime(2026, 1, 5, 10, tzinfo=UTC)


@dataclass(frozen=True)
class Rejected:
    """What recording one rejection made: the rejection, its candidate, and the check-in it started if it is strong."""

    rejection_id: int
    candidate_id: int
    checkin_id: int | None


def reject(
    sessions: sessionmaker[Session],
    name: str = "Jane Doe",
    role: str = "Senior Backend Engineer",
    *,
    stage: str = "final",
    rating: int | None = None,
    email: str | None = None,
    email_from_name: bool = False,
    linkedin: str | None = None,
    tags: str = "",
    note: str | None = None,
    team: str = TEAM_ID,
    user: str = REC,
    at: datetime = MONDAY,
    policy: Policy | None = None,
) -> Rejected:
    """Record one rejection as /rejected does, dated `at`, under the default policy unless `policy` is given.

    `email_from_name` gives the candidate an address made from the name (Ada Byron: ada.byron@example.com), so a name
    rejected twice is one candidate, as a recruiter typing the same email would make it.
    """
    if email_from_name:
        email = f"{name.lower().replace(' ', '.')}@example.com"
    entry = validate_rejection(
        {
            "name": name,
            "role": role,
            "stage": stage,
            "rating": None if rating is None else str(rating),
            "email": email,
            "linkedin": linkedin,
            "tags": tags,
            "note": note,
        }
    )
    with sessions.begin() as session:
        rejection = record_rejection(
            session=session, team_id=team, user_id=user, entry=entry, policy=policy or Policy(), now=at
        )
        checkin = session.scalars(select(Checkin.id).where(Checkin.rejection_id == rejection.id)).one_or_none()
        return Rejected(rejection.id, rejection.candidate_id, checkin)


def recruiter_email(user: str) -> str:
    """The address an ATS knows a Slack user by, in these tests: U0REC is u0rec@example.com."""
    return f"{user.lower()}@example.com"


def ats_rejected(
    name: str = "Priya Raman",
    role: str = "Staff Platform Engineer",
    *,
    candidate_id: str = "cand-1",
    application_id: str = "app-1",
    stage_name: str | None = "Onsite",
    reason: str | None = "Hired another candidate",
    by_candidate: bool = False,
    email: str | None = None,
    linkedin: str | None = None,
    user: str = REC,
    at: datetime = MONDAY,
) -> ats_events.Rejected:
    """An ATS rejection as every parser produces it, naming `user`'s address as the recruiter."""
    return ats_events.Rejected(
        candidate_id=candidate_id,
        application_id=application_id,
        name=name,
        emails=() if email is None else (email,),
        linkedin=linkedin,
        role=role,
        stage_name=stage_name,
        reason=reason,
        by_candidate=by_candidate,
        recruiter_emails=(recruiter_email(user),),
        at=at,
    )


def apply_ats(
    sessions: sessionmaker[Session],
    *events: ats_events.AtsEvent,
    source: str = "greenhouse",
    team: str = TEAM_ID,
    users: tuple[str, ...] = (REC,),
    keep_without_asking: tuple[str, ...] = (),
    policy: Policy | None = None,
    at: datetime = MONDAY,
) -> list[int]:
    """Apply events as processing an ATS delivery does (default stage rules, `users` found in Slack by their
    address); returns the ids of the notices this made, oldest first."""
    rules = dataclasses.replace(AtsRules(), keep_without_asking=frozenset(keep_without_asking))
    with sessions.begin() as session:
        before = session.scalar(select(func.max(AtsNotice.id))) or 0
        apply_events(
            session,
            team_id=team,
            source=source,
            events=events,
            rules=rules,
            policy=policy or Policy(),
            recruiters={recruiter_email(user): user for user in users},
            now=at,
        )
        session.flush()
        return list(session.scalars(select(AtsNotice.id).where(AtsNotice.id > before).order_by(AtsNotice.id)))
