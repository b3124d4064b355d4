"""Test data recorded through the real code, as `/rejected` records it: the one factory every test and bench uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.rejection_input import validate_rejection
from models import Checkin
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
