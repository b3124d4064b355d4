"""Data functions for rejections: they take a session, return model objects and leave committing to the caller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from models.ats_link import CandidateAtsId
from models.ats_notice import AtsNotice
from models.audit import Act, RecordedBy, Source, log_act, scrub_subject
from models.base import utcnow
from models.candidate import ERASED_NAME, Candidate
from models.checkin import Checkin, CheckinStatus, StopReason
from models.matching import index_rejection, unindex_candidate
from models.policy import Policy
from models.recruiter import Recruiter
from models.rejection import Rejection, RejectionInput


def get_or_create_recruiter(*, session: Session, team_id: str, user_id: str) -> Recruiter:
    """The recruiter row for a Slack user, created on first use (safe when two requests race)."""
    query = select(Recruiter).where(Recruiter.team_id == team_id, Recruiter.user_id == user_id)
    recruiter = session.scalars(query).one_or_none()
    if recruiter is not None:
        return recruiter
    try:
        with session.begin_nested():
            recruiter = Recruiter(team_id=team_id, user_id=user_id)
            session.add(recruiter)
    except IntegrityError:
        recruiter = session.scalars(query).one()
    return recruiter


def record_rejection(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    entry: RejectionInput,
    policy: Policy,
    now: datetime | None = None,
    known: Candidate | None = None,
    recorded_by: RecordedBy | None = None,
) -> Rejection:
    """Record one rejection, merging it into the candidate the team already knows by email or LinkedIn, else into
    `known` (a candidate the caller found another way: by their ATS id), and log it as `recorded_by` says (None:
    test data and benchmarks, which no one recorded).

    A strong rejection (re)starts the candidate's single check-in stream, owned by whoever recorded it.
    """
    recruiter = get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
    candidate = _find_candidate(session=session, team_id=team_id, entry=entry) or known
    created = False
    if candidate is None:
        candidate, created = _create_candidate(session=session, team_id=team_id, entry=entry)
    else:
        _merge_candidate(candidate, entry)
    consented = entry.consent is not None and carry_consent(
        candidate, at=entry.consent, user_id=user_id, how=CONSENT_WITH_REJECTION
    )
    rejection = Rejection(
        team_id=team_id,
        candidate=candidate,
        recruiter=recruiter,
        role_title=entry.role,
        stage=entry.stage,
        rating=entry.rating,
        note=entry.note,
        rejected_at=now or utcnow(),
    )
    session.add(rejection)
    session.flush()
    if policy.is_strong(stage=entry.stage, rating=entry.rating) and not candidate.opted_out:
        _start_checkins(session=session, rejection=rejection, policy=policy, new_candidate=created)
    if recorded_by is not None:
        how = "" if recorded_by.how is None else f" ({recorded_by.how})"
        log_act(
            session,
            act=Act.RECORDED,
            actor=recorded_by.actor,
            source=recorded_by.source,
            candidate=candidate,
            detail=f"{entry.role}{how}",
            at=recorded_by.at or rejection.rejected_at,
        )
        if consented and entry.consent is not None:
            log_act(
                session,
                act=Act.CONSENTED,
                actor=recorded_by.actor,
                source=recorded_by.source,
                candidate=candidate,
                detail=f"{CONSENT_WITH_REJECTION}, dated {entry.consent.date().isoformat()}",
                at=recorded_by.at or rejection.rejected_at,
            )
        session.flush()  # now, not at commit: after the index below, it would lengthen how long its locks are held
    # Last: indexing bumps the team's term counts, rows every concurrent recording updates (PostgreSQL holds their
    # locks until commit), so nothing else should run while they are held.
    index_rejection(session=session, rejection=rejection, tags=candidate.tags)
    return rejection


CONSENT_WITH_REJECTION = "given with the rejection"  # how, when a consent date comes with a recording
CONSENT_IN_IMPORT = "given in an imported file"


def carry_consent(candidate: Candidate, *, at: datetime, user_id: str, how: str) -> bool:
    """A consent date recorded or imported with a rejection: kept when it is the candidate's latest (True)."""
    if candidate.consent_at is None or at > candidate.consent_at:
        candidate.consent_at, candidate.consent_by, candidate.consent_how = at, user_id, how
        return True
    return False


def find_repeat(
    *, session: Session, team_id: str, user_id: str, entry: RejectionInput, since: datetime
) -> Rejection | None:
    """The same recruiter's rejection recorded since `since` that this entry would only duplicate, if any.

    It repeats it when recording it again would add nothing but a second identical row: the same role, stage, rating
    and note, for a candidate of the same name and email whose LinkedIn and tags already include the entry's.
    """
    # Each read is led by a value looked up first, through an index that only one plan can use, so no plan depends on
    # PostgreSQL's statistics: joined on the recruiter, it read the team's whole recent history (0.8 s a call after
    # 4,000 quick recordings, bench/ack_latency.py); given the recruiter's id and the email as a join filter, it read
    # all the recruiter's rejections of the window and probed each one's candidate (bench/recording_cost.py).
    recruiter_id = session.scalar(
        select(Recruiter.id).where(Recruiter.team_id == team_id, Recruiter.user_id == user_id)
    )
    if recruiter_id is None:
        return None  # a recruiter's first rejection repeats nothing
    if entry.email is not None:  # the unique (team_id, email) index, then that candidate's own few rejections
        candidate = _find_candidate(session=session, team_id=team_id, entry=entry)
        recent = [] if candidate is None else candidate.rejections  # loaded once: the confirmation counts them too
    else:  # only the recruiter's rejections since `since`, in ix_rejections_team_recruiter_rejected_at
        recent = session.scalars(
            select(Rejection)
            .join(Rejection.candidate)
            .where(
                Rejection.team_id == team_id,
                Rejection.recruiter_id == recruiter_id,
                Rejection.rejected_at >= since,
                Candidate.email.is_(None),
            )
        ).all()
    repeats = [rejection for rejection in recent if _repeats(rejection, recruiter_id, entry, since)]
    return max(repeats, key=lambda rejection: rejection.id, default=None)


def _repeats(rejection: Rejection, recruiter_id: int, entry: RejectionInput, since: datetime) -> bool:
    """Whether recording `entry` again would add nothing to `rejection` but a second identical row."""
    candidate = rejection.candidate
    return (
        rejection.recruiter_id == recruiter_id
        and rejection.rejected_at >= since
        and (rejection.role_title, rejection.stage, rejection.rating, rejection.note)
        == (entry.role, entry.stage, entry.rating, entry.note)
        and (candidate.name, candidate.email, candidate.erased) == (entry.name, entry.email, False)
        and entry.linkedin in (None, candidate.linkedin_url)
        and set(entry.tags) <= set(candidate.tags)
        and entry.consent in (None, candidate.consent_at)
    )


def _start_checkins(*, session: Session, rejection: Rejection, policy: Policy, new_candidate: bool) -> None:
    """The newest strong rejection owns the stream, and its first check-in counts from this rejection.

    A candidate inserted by this transaction cannot have a check-in yet, so only a known one costs a query."""
    checkin = None
    if not new_candidate:
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == rejection.candidate_id)).one_or_none()
    if checkin is None:
        checkin = Checkin(team_id=rejection.team_id, candidate_id=rejection.candidate_id)
        session.add(checkin)
    checkin.recruiter_id = rejection.recruiter_id
    checkin.rejection_id = rejection.id
    checkin.step = 0
    checkin.due_at = policy.first_checkin(rejection.rejected_at)
    checkin.status = CheckinStatus.ACTIVE
    checkin.stop_reason = None
    checkin.stopped_at = None
    checkin.retry_at = None
    checkin.delivery_error = None
    session.flush()


def _find_candidate(*, session: Session, team_id: str, entry: RejectionInput) -> Candidate | None:
    if entry.email is not None:
        query = select(Candidate).where(Candidate.team_id == team_id, Candidate.email == entry.email)
        return session.scalars(query).one_or_none()
    if entry.linkedin is not None:
        query = select(Candidate).where(
            Candidate.team_id == team_id, Candidate.linkedin_url == entry.linkedin, Candidate.erased.is_(False)
        )
        return session.scalars(query.order_by(Candidate.id).limit(1)).first()
    return None


def _create_candidate(*, session: Session, team_id: str, entry: RejectionInput) -> tuple[Candidate, bool]:
    """Insert a new candidate; if another request inserted the same email meanwhile, merge into that one.

    Says whether this transaction created the candidate. A new one starts with its (empty) list of rejections known,
    so the confirmation's count of earlier rejections costs no query.
    """
    candidate = Candidate(
        team_id=team_id,
        name=entry.name,
        email=entry.email,
        linkedin_url=entry.linkedin,
        tags=list(entry.tags),
        rejections=[],
    )
    try:
        with session.begin_nested():
            session.add(candidate)
    except IntegrityError:
        candidate = session.scalars(
            select(Candidate).where(Candidate.team_id == team_id, Candidate.email == entry.email)
        ).one()
        _merge_candidate(candidate, entry)
        return candidate, False
    return candidate, True


def _merge_candidate(candidate: Candidate, entry: RejectionInput) -> None:
    """The newest recording wins for name and LinkedIn; tags accumulate across rejections."""
    candidate.name = entry.name
    if entry.linkedin is not None:
        candidate.linkedin_url = entry.linkedin
    candidate.tags = list(dict.fromkeys([*candidate.tags, *entry.tags]))


def recent_rejections(*, session: Session, team_id: str, user_id: str | None, limit: int = 10) -> Sequence[Rejection]:
    """Newest rejections first: one recruiter's, or the whole team's when user_id is None (admins)."""
    query = (
        select(Rejection)
        .join(Rejection.candidate)
        .join(Rejection.recruiter)
        # Each candidate's rejections too: how long they are kept counts from the latest (one more query in all).
        .options(joinedload(Rejection.candidate).selectinload(Candidate.rejections), joinedload(Rejection.recruiter))
        .where(Rejection.team_id == team_id, Candidate.erased.is_(False))
        .order_by(Rejection.rejected_at.desc(), Rejection.id.desc())
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(Recruiter.user_id == user_id)
    return session.scalars(query).all()


def forget_candidate(
    *, session: Session, team_id: str, email: str, user_id: str, is_admin: bool, now: datetime | None = None
) -> Candidate | None:
    """Erase a candidate's personal data everywhere in the team (`/rejected forget`), and log who did.

    Returns the erased candidate, or None when there is no such candidate that this user may erase (see
    `own_candidate`).
    """
    candidate = own_candidate(session=session, team_id=team_id, email=email, user_id=user_id, is_admin=is_admin)
    if candidate is None:
        return None
    at = now or utcnow()
    erase_candidate(session=session, candidate=candidate, now=at)
    log_act(session, act=Act.ERASED, actor=user_id, source=Source.COMMAND, candidate=candidate, at=at)
    return candidate


def own_candidate(*, session: Session, team_id: str, email: str, user_id: str, is_admin: bool) -> Candidate | None:
    """The team's candidate with this email if this user may act on them, else None.

    Only an admin or a recruiter who recorded them may (erase, opt out or in); None does not reveal which of the two
    was missing: no such candidate, or someone else's.
    """
    candidate = session.scalars(
        select(Candidate).where(Candidate.team_id == team_id, Candidate.email == email.lower()).with_for_update()
    ).one_or_none()  # locked: two opt-outs at once change it, and log it, once
    if candidate is None or not (is_admin or recorded_by(session=session, candidate=candidate, user_id=user_id)):
        return None
    return candidate


def erase_candidate(*, session: Session, candidate: Candidate, now: datetime) -> None:
    """Remove a candidate's personal data everywhere: `/rejected forget`, or the candidate deleted in the ATS.

    The row stays, as "(erased)", with the ATS ids that identify no one outside the ATS, so a later delivery about the
    same person finds them erased instead of creating them again.
    """
    # Their ATS ids, each in its own ATS: the same id in another ATS is someone else.
    theirs = exists().where(
        CandidateAtsId.candidate_id == candidate.id,
        CandidateAtsId.source == AtsNotice.source,
        CandidateAtsId.ats_id == AtsNotice.ats_candidate_id,
    )
    about = [AtsNotice.candidate_id == candidate.id, theirs]
    if candidate.email is not None:
        about.append(AtsNotice.email == candidate.email)
    session.execute(delete(AtsNotice).where(AtsNotice.team_id == candidate.team_id, or_(*about)))
    candidate.name = ERASED_NAME
    candidate.email = None
    candidate.linkedin_url = None
    candidate.tags = []
    candidate.consent_how = None  # free text, which may quote them; when and by whom stay
    candidate.erased = True
    candidate.erased_at = now
    for rejection in candidate.rejections:
        rejection.note = rejection.reason = None
    unindex_candidate(session=session, team_id=candidate.team_id, candidate_id=candidate.id)
    scrub_subject(session, candidate_id=candidate.id)
    checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate.id)).one_or_none()
    if checkin is not None:
        checkin.status = CheckinStatus.STOPPED
        checkin.stop_reason = StopReason.ERASED
        checkin.stopped_at = candidate.erased_at
    session.flush()


def recorded_by(*, session: Session, candidate: Candidate, user_id: str) -> bool:
    """Whether this Slack user recorded a rejection of the candidate: besides admins, who may erase or export them."""
    query = (
        select(Rejection.id)
        .join(Rejection.recruiter)
        .where(Rejection.candidate_id == candidate.id, Recruiter.user_id == user_id)
        .limit(1)
    )
    return session.scalars(query).first() is not None
