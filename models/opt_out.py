"""A candidate who asked not to be contacted (`/rejected optout`), and who changed their mind (`/rejected optin`).

Opting out changes one flag and keeps the record: the reminder sweep, the Home tab, matching, the digest, reopen
alerts and ATS notices leave an opted-out candidate out, and an import or an ATS rejection recognises them and adds
nothing, so they are not brought back by the next file or webhook. The check-in stream is left as it stands, so
opting in again resumes it, at the next point of its cadence still to come rather than with every one missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from models.ats_link import CandidateAtsId
from models.ats_notice import AtsNotice
from models.audit import Act, Source, log_act
from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.policy import Policy
from models.records import own_candidate


class OptChange(Enum):
    """What an opt-out or opt-in did."""

    DONE = auto()
    ALREADY = auto()  # they were already opted out (or in): nothing changed, nothing logged
    NOT_FOUND = auto()  # no such candidate this user may change (see records.own_candidate)


@dataclass(frozen=True)
class Opted:
    """The change, the candidate's name (to confirm with), and when check-ins resume after an opt-in (None: none)."""

    change: OptChange
    name: str | None = None
    resumes_at: datetime | None = None


def opt_out(
    session: Session, *, team_id: str, email: str, user_id: str, is_admin: bool, source: Source, now: datetime
) -> Opted:
    """Mark the candidate opted out, recording who and when, and log it; in the caller's transaction."""
    candidate = own_candidate(session=session, team_id=team_id, email=email, user_id=user_id, is_admin=is_admin)
    if candidate is None:
        return Opted(OptChange.NOT_FOUND)
    if candidate.opted_out:
        return Opted(OptChange.ALREADY, candidate.name)
    candidate.opted_out, candidate.opted_out_at, candidate.opted_out_by = True, now, user_id
    log_act(session, act=Act.OPTED_OUT, actor=user_id, source=source, candidate=candidate, at=now)
    return Opted(OptChange.DONE, candidate.name)


def opt_in(
    session: Session,
    *,
    team_id: str,
    email: str,
    user_id: str,
    is_admin: bool,
    source: Source,
    policy: Policy,
    now: datetime,
) -> Opted:
    """Undo an opt-out and log it; an active check-in stream that fell due meanwhile moves to the next point of its
    cadence after `now`, as the sweep folds missed steps after an outage (`Policy.after_send`)."""
    candidate = own_candidate(session=session, team_id=team_id, email=email, user_id=user_id, is_admin=is_admin)
    if candidate is None:
        return Opted(OptChange.NOT_FOUND)
    if not candidate.opted_out:
        return Opted(OptChange.ALREADY, candidate.name)
    candidate.opted_out, candidate.opted_out_at, candidate.opted_out_by = False, None, None
    log_act(session, act=Act.OPTED_IN, actor=user_id, source=source, candidate=candidate, at=now)
    checkin = _active_checkin(session, candidate)
    if checkin is None:
        return Opted(OptChange.DONE, candidate.name)
    if checkin.due_at <= now:
        checkin.step, checkin.due_at = policy.after_send(step=checkin.step, due_at=checkin.due_at, now=now)
    return Opted(OptChange.DONE, candidate.name, checkin.due_at)


def _active_checkin(session: Session, candidate: Candidate) -> Checkin | None:
    return session.scalars(
        select(Checkin).where(Checkin.candidate_id == candidate.id, Checkin.status == CheckinStatus.ACTIVE)
    ).one_or_none()


def notice_about_opted_out() -> ColumnElement[bool]:
    """An ATS notice about an opted-out candidate, found as the ATS intake finds them: by the notice's candidate, its
    email, or the ATS candidate id linked to them. Such a notice waits, unsent and out of the admins' queue, in case
    they opt in again."""
    opted_out = and_(Candidate.team_id == AtsNotice.team_id, Candidate.opted_out.is_(True))
    linked = and_(
        CandidateAtsId.team_id == AtsNotice.team_id,
        CandidateAtsId.source == AtsNotice.source,
        CandidateAtsId.ats_id == AtsNotice.ats_candidate_id,
        Candidate.id == CandidateAtsId.candidate_id,
    )
    return or_(
        exists().where(opted_out, Candidate.id == AtsNotice.candidate_id),
        exists().where(opted_out, Candidate.email == AtsNotice.email),
        exists().where(opted_out, linked),
    )
