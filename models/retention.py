"""How long a candidate's data is kept, and the erasure when that time runs out.

A candidate is kept RETENTION_DAYS without consent, CONSENT_RETENTION_DAYS once they agreed to stay on file, each
counted from the latest of their last rejection, their last recorded consent and the last time they applied (ATS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from models.ats_intake import owner
from models.audit import Act, log_act
from models.base import of_team
from models.candidate import Candidate
from models.checkin import Checkin
from models.records import erase_candidate
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.retention_warning import RetentionWarning

RETENTION_ACTOR = "retention"  # the audit log's actor for what retention does on its own
ERASE_BATCH = 200  # candidates erased per transaction: a backlog never holds one long transaction
ERASING_LOOKED_AT = 200  # a Home tab shows a few; a recruiter with more has them in their reminder DM too
WARN_BATCH = 500  # warnings planned per sweep; the rest, if ever so many, at the next sweep


@dataclass(frozen=True)
class Retention:
    """The two periods in days (0: kept for good) and how many days before expiry the owner is warned."""

    days: int = 180
    consent_days: int = 730
    warning_days: int = 30

    def period(self, *, consented: bool) -> timedelta | None:
        """How long after its last activity a candidate is kept, or None when that kind is never erased."""
        days = self.consent_days if consented else self.days
        return timedelta(days=days) if days else None


def kept_from(candidate: Candidate) -> datetime | None:
    """The latest of the last rejection, the last consent and the last application: what the period counts from."""
    instants = [r.rejected_at for r in candidate.rejections]
    instants += [at for at in (candidate.consent_at, candidate.last_applied_at) if at is not None]
    return max(instants, default=None)


def expires_at(candidate: Candidate, retention: Retention) -> datetime | None:
    """When the candidate is erased unless something restarts the period; None when never."""
    period = retention.period(consented=candidate.consent_at is not None)
    start = kept_from(candidate)
    return None if period is None or start is None or candidate.erased else start + period


def expiring(retention: Retention, *, by: datetime) -> ColumnElement[bool]:
    """Candidates, erased or not, whose period has run out by `by` (their last activity is at least a period old).

    Only comparisons with bound instants, so SQLite and PostgreSQL read it alike; each candidate's rejections are
    probed through ix_rejections_candidate_id.
    """
    kinds = []
    for consented in (False, True):
        period = retention.period(consented=consented)
        if period is None:
            continue
        cutoff = by - period
        kinds.append(
            and_(
                Candidate.consent_at.is_(None) if not consented else Candidate.consent_at <= cutoff,
                or_(Candidate.last_applied_at.is_(None), Candidate.last_applied_at <= cutoff),
                exists().where(Rejection.candidate_id == Candidate.id),
                ~exists().where(Rejection.candidate_id == Candidate.id, Rejection.rejected_at > cutoff),
            )
        )
    return or_(*kinds) if kinds else false()


def expired_ids(
    session: Session, retention: Retention, *, now: datetime, limit: int, team_id: str | None = None
) -> Sequence[int]:
    """The first `limit` candidates not yet erased (of the team, if given) whose period ran out by `now`, oldest ids
    first."""
    query = (
        select(Candidate.id)
        .where(Candidate.erased.is_(False), of_team(Candidate.team_id, team_id), expiring(retention, by=now))
        .order_by(Candidate.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def erase_batch(
    session: Session, retention: Retention, *, now: datetime, limit: int = ERASE_BATCH, team_id: str | None = None
) -> int:
    """Erase up to `limit` expired candidates (of the team, if given), as `/rejected forget` erases, each logged
    without personal data.

    Returns how many were erased; the caller commits and calls again until none is left. Each row is locked and
    checked again, so a consent recorded meanwhile wins and two sweeps never erase (and log) the same candidate.
    """
    ids = expired_ids(session, retention, now=now, limit=limit, team_id=team_id)
    if not ids:
        return 0
    candidates = session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(ids), Candidate.erased.is_(False), expiring(retention, by=now))
        .order_by(Candidate.id)
        .with_for_update(skip_locked=True)
    ).all()
    for candidate in candidates:
        erase_candidate(session=session, candidate=candidate, now=now)
        log_act(session, act=Act.ERASED, actor=RETENTION_ACTOR, source="sweep", candidate=candidate, at=now)
    return len(candidates)


def record_consent(
    session: Session, *, candidate: Candidate, user_id: str, how: str, source: str, now: datetime
) -> None:
    """The candidate agreed to stay on file: when, who recorded it, how they agreed; the longer period starts now."""
    candidate.consent_at = now
    candidate.consent_by = user_id
    candidate.consent_how = how
    log_act(session, act=Act.CONSENTED, actor=user_id, source=source, candidate=candidate, detail=how, at=now)
    # A warning about the old expiry that has not gone out yet would now be wrong.
    session.execute(
        delete(RetentionWarning).where(
            RetentionWarning.candidate_id == candidate.id,
            RetentionWarning.sent_at.is_(None),
            RetentionWarning.claim_token.is_(None),
        )
    )


def plan_warnings(
    session: Session, retention: Retention, *, now: datetime, limit: int = WARN_BATCH, team_id: str | None = None
) -> int:
    """Warn the owner of each candidate whose erasure is within RETENTION_WARNING_DAYS: one warning per candidate
    and expiry, never for those who opted out (no prompts about them). Returns how many were added. With `team_id`
    (multi-workspace mode, each workspace's own retention) only that team's warnings are planned and checked.

    Pending warnings that became wrong (consent, a new rejection or application moved the expiry; opted out or
    erased meanwhile) are dropped first, so none goes out with a date that no longer holds; one whose candidate
    changed hands goes to the new owner.
    """
    pending = session.scalars(
        select(RetentionWarning)
        .options(joinedload(RetentionWarning.candidate).selectinload(Candidate.rejections))
        .where(
            RetentionWarning.sent_at.is_(None),
            RetentionWarning.claim_token.is_(None),
            of_team(RetentionWarning.team_id, team_id),
        )
    ).all()
    for warning in pending:
        candidate = warning.candidate
        if candidate.opted_out or expires_at(candidate, retention) != warning.expires_at:
            session.delete(warning)
        elif (recruiter := owner(session, candidate)) is not None and recruiter.id != warning.recruiter_id:
            warning.recruiter_id = recruiter.id  # handed over meanwhile: the new owner is the one to warn
    if not retention.warning_days:
        return 0
    horizon = now + timedelta(days=retention.warning_days)
    warned = exists().where(RetentionWarning.candidate_id == Candidate.id, RetentionWarning.expires_at > now)
    candidates = session.scalars(
        select(Candidate)
        .options(selectinload(Candidate.rejections))
        .where(
            Candidate.erased.is_(False),
            Candidate.opted_out.is_(False),
            of_team(Candidate.team_id, team_id),
            expiring(retention, by=horizon),
            ~warned,
        )
        .order_by(Candidate.id)
        .limit(limit)
    ).all()
    added = 0
    for candidate in candidates:
        expiry = expires_at(candidate, retention)
        recruiter = owner(session, candidate)
        if expiry is None or expiry <= now or recruiter is None:
            continue
        try:
            with session.begin_nested():
                session.add(
                    RetentionWarning(
                        team_id=candidate.team_id,
                        candidate_id=candidate.id,
                        recruiter_id=recruiter.id,
                        expires_at=expiry,
                    )
                )
            added += 1
        except IntegrityError:
            continue  # another sweep planned the same warning
    return added


def candidate_to_act_on(
    session: Session, *, team_id: str, user_id: str, is_admin: bool, candidate_id: int
) -> Candidate | None:
    """The candidate a retention button may act on, locked, or None: not in this team, erased already, or neither
    theirs (the check-in stream's recruiter, else who rejected them last) nor the clicker an admin."""
    candidate = session.scalars(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.team_id == team_id).with_for_update()
    ).one_or_none()
    if candidate is None or candidate.erased:
        return None
    if is_admin:
        return candidate
    recruiter = owner(session, candidate)
    return candidate if recruiter is not None and recruiter.user_id == user_id else None


def erase_now(session: Session, *, candidate: Candidate, user_id: str, now: datetime) -> None:
    """Erase Now: erased as `/rejected forget` erases, logged with the recruiter who asked."""
    erase_candidate(session=session, candidate=candidate, now=now)
    log_act(session, act=Act.ERASED, actor=user_id, source="button", candidate=candidate, at=now)


def erasing_soon(
    session: Session, retention: Retention, *, team_id: str, user_id: str, now: datetime, limit: int
) -> list[tuple[Candidate, datetime]]:
    """The user's candidates to be erased within RETENTION_WARNING_DAYS, the soonest first, with their expiry: what
    their Home tab warns of. Not those who opted out (no prompts about them)."""
    if not retention.warning_days:
        return []
    theirs = or_(
        exists().where(
            Checkin.candidate_id == Candidate.id, Checkin.recruiter_id == Recruiter.id, Recruiter.user_id == user_id
        ),
        and_(
            ~exists().where(Checkin.candidate_id == Candidate.id),
            exists().where(
                Rejection.candidate_id == Candidate.id,
                Rejection.recruiter_id == Recruiter.id,
                Recruiter.user_id == user_id,
            ),
        ),
    )
    candidates = session.scalars(
        select(Candidate)
        .options(selectinload(Candidate.rejections))
        .where(
            Candidate.team_id == team_id,
            Candidate.erased.is_(False),
            Candidate.opted_out.is_(False),
            expiring(retention, by=now + timedelta(days=retention.warning_days)),
            theirs,
        )
        .limit(ERASING_LOOKED_AT)
    ).all()
    found = []
    for candidate in candidates:
        expiry = expires_at(candidate, retention)
        recruiter = owner(session, candidate)
        if expiry is not None and expiry > now and recruiter is not None and recruiter.user_id == user_id:
            found.append((candidate, expiry))
    return sorted(found, key=lambda pair: (pair[1], pair[0].id))[:limit]
