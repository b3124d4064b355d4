"""What an ATS delivery does to Keepwarm's data, in the caller's transaction: notices for recruiters, and the
rejections, check-ins and candidates that later ATS events change.

A rejection from the ATS is not kept until its recruiter says so (Keep warm), or the rules keep it without asking.
Either way it then becomes an ordinary rejection: check-ins, matching, digest and forget treat it as any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.ats_events import Applied, AtsEvent, Deleted, Hired, Merged, Rejected, StageSeen, Unrejected
from models.ats_link import AtsStage, CandidateAtsId
from models.ats_notice import AtsNotice, Decision, NoticeKind
from models.ats_rules import Action, AtsRules
from models.audit import ATS_ACTOR, Act, RecordedBy, Source, log_act
from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus, StopReason
from models.matching import index_rejection, unindex_candidate
from models.policy import Policy
from models.records import erase_candidate, get_or_create_recruiter, record_rejection
from models.recruiter import Recruiter
from models.rejection import Rejection, RejectionInput
from models.role import RoleOutreach

NAME_MAX, ROLE_MAX, EMAIL_MAX, STAGE_NAME_MAX = 150, 150, 254, 150
UNKNOWN_ROLE = "(role not given by the ATS)"


def apply_events(
    session: Session,
    *,
    team_id: str,
    source: str,
    events: Sequence[AtsEvent],
    rules: AtsRules,
    policy: Policy,
    recruiters: Mapping[str, str | None],
    now: datetime,
    known_recruiters: dict[tuple[str, str], Recruiter] | None = None,
) -> None:
    """Apply one delivery's events in order; `recruiters` maps the emails the events name to Slack user ids (None:
    no one in Slack), looked up before the transaction so that it holds no Slack call. `known_recruiters` remembers
    recruiter rows across the deliveries of one transaction; leave it out where a savepoint may roll one back."""
    for event in events:
        match event:
            case StageSeen():
                _stage_seen(session, team_id=team_id, source=source, event=event, now=now)
            case Rejected():
                _rejected(
                    session,
                    team_id=team_id,
                    source=source,
                    event=event,
                    rules=rules,
                    policy=policy,
                    recruiters=recruiters,
                    known_recruiters=known_recruiters,
                    now=now,
                )
            case Unrejected():
                _unrejected(session, team_id=team_id, source=source, event=event, policy=policy, now=now)
            case Hired():
                _hired(session, team_id=team_id, source=source, event=event, now=now)
            case Applied():
                _applied(session, team_id=team_id, source=source, event=event, now=now)
            case Deleted():
                _deleted(session, team_id=team_id, source=source, event=event, now=now)
            case Merged():
                _merged(session, team_id=team_id, source=source, event=event)


def entry_for(notice: AtsNotice, *, rating: int | None = None) -> RejectionInput:
    """The rejection a notice becomes when kept as the ATS sent it."""
    return RejectionInput(
        name=notice.name,
        role=notice.role_title or UNKNOWN_ROLE,
        stage=notice.stage or "interview",
        email=notice.email,
        linkedin=notice.linkedin_url,
        rating=rating,
        tags=(),
        note=None,
    )


def keep(
    session: Session,
    *,
    notice: AtsNotice,
    user_id: str,
    entry: RejectionInput,
    policy: Policy,
    now: datetime,
    actor: str,
    auto: bool = False,
) -> Rejection:
    """Record the notice's rejection as `entry` says (the ATS's values, or the form's), owned by `user_id`, and log
    that `actor` recorded it: the recruiter who kept it, or the ATS itself when its rules keep it without asking."""
    known = find_candidate(
        session, team_id=notice.team_id, source=notice.source, ats_id=notice.ats_candidate_id, emails=()
    )
    how = f"{notice.source}, {'kept without asking' if auto else 'kept warm'}"
    rejection = record_rejection(
        session=session,
        team_id=notice.team_id,
        user_id=user_id,
        entry=entry,
        policy=policy,
        now=notice.rejected_at or now,
        known=known,
        recorded_by=RecordedBy(actor, Source.ATS, how, at=now),
    )
    rejection.source = notice.source
    rejection.application_id = notice.application_id
    rejection.reason = notice.reason
    rejection.rejected_by_candidate = notice.rejected_by_candidate
    link_ats_id(
        session,
        team_id=notice.team_id,
        source=notice.source,
        ats_id=notice.ats_candidate_id,
        candidate=rejection.candidate,
    )
    notice.decision = Decision.KEPT
    notice.auto_kept = auto
    notice.decided_by = user_id
    notice.decided_at = now
    notice.rejection_id = rejection.id
    notice.candidate_id = rejection.candidate_id
    session.flush()
    return rejection


def dismiss(notice: AtsNotice, *, user_id: str, now: datetime) -> None:
    """Not this one: the notice is settled and nothing is recorded."""
    notice.decision = Decision.DISMISSED
    notice.decided_by = user_id
    notice.decided_at = now


def undo(session: Session, *, notice: AtsNotice, user_id: str, policy: Policy, now: datetime) -> None:
    """Undo a rejection kept without asking: as if it had never been recorded."""
    if notice.rejection is not None:
        withdraw_rejection(session, rejection=notice.rejection, policy=policy)
    notice.decision = Decision.UNDONE
    notice.rejection_id = None
    notice.decided_by = user_id
    notice.decided_at = now


def withdraw_rejection(session: Session, *, rejection: Rejection, policy: Policy) -> None:
    """Delete a rejection that should never have been recorded, with its check-ins unless another strong rejection of
    the same candidate keeps them; a candidate known only through it goes too."""
    candidate = rejection.candidate
    others = [r for r in candidate.rejections if r.id != rejection.id]
    checkin = session.scalars(select(Checkin).where(Checkin.rejection_id == rejection.id)).one_or_none()
    strong = [r for r in others if policy.is_strong(stage=r.stage, rating=r.rating)]
    if checkin is not None and strong:
        newest = max(strong, key=lambda r: (r.rejected_at, r.id))
        checkin.rejection_id, checkin.recruiter_id = newest.id, newest.recruiter_id
    unindex_candidate(session=session, team_id=candidate.team_id, candidate_id=candidate.id)
    session.execute(update(AtsNotice).where(AtsNotice.rejection_id == rejection.id).values(rejection_id=None))
    session.delete(rejection)  # the database deletes its check-in through ON DELETE CASCADE, unless moved above
    session.flush()
    session.expire(candidate, ["rejections"])
    if not others:  # known only through this rejection; its notices stay, to answer a late click
        session.execute(update(AtsNotice).where(AtsNotice.candidate_id == candidate.id).values(candidate_id=None))
        session.delete(candidate)
    else:
        for remaining in others:
            index_rejection(session=session, rejection=remaining, tags=candidate.tags)
    session.flush()


def find_candidate(
    session: Session, *, team_id: str, source: str, ats_id: str, emails: Sequence[str]
) -> Candidate | None:
    """The Keepwarm candidate an ATS candidate is: by email first, then by the ATS id; never an erased one by id.

    One query for both (a sweep asks this for every delivery, and each round trip counts)."""
    linked = select(CandidateAtsId.candidate_id).where(
        CandidateAtsId.team_id == team_id, CandidateAtsId.source == source, CandidateAtsId.ats_id == ats_id
    )
    by_id = and_(Candidate.id.in_(linked), Candidate.erased.is_(False))
    found = session.scalars(
        select(Candidate).where(
            Candidate.team_id == team_id, or_(Candidate.email.in_(emails), by_id) if emails else by_id
        )
    ).all()
    by_email = {candidate.email: candidate for candidate in found if candidate.email is not None}
    first = next((by_email[email] for email in emails if email in by_email), None)
    return first or next((c for c in found if not c.erased and c.email not in emails), None)


def link_ats_id(session: Session, *, team_id: str, source: str, ats_id: str, candidate: Candidate) -> None:
    """Remember that this ATS id is this candidate (a newer link wins over one to an erased candidate)."""
    link = session.scalars(
        select(CandidateAtsId).where(
            CandidateAtsId.team_id == team_id, CandidateAtsId.source == source, CandidateAtsId.ats_id == ats_id
        )
    ).one_or_none()
    if link is None:
        try:
            with session.begin_nested():
                session.add(CandidateAtsId(team_id=team_id, source=source, ats_id=ats_id, candidate_id=candidate.id))
        except IntegrityError:
            return  # linked meanwhile by another transaction
    else:
        link.candidate_id = candidate.id


def owner(session: Session, candidate: Candidate) -> Recruiter | None:
    """Whoever keeps the relationship: the check-in stream's recruiter, else whoever rejected them last."""
    checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate.id)).one_or_none()
    if checkin is not None:
        return checkin.recruiter
    latest = max(candidate.rejections, key=lambda r: (r.rejected_at, r.id), default=None)
    return None if latest is None else latest.recruiter


def _stage_seen(session: Session, *, team_id: str, source: str, event: StageSeen, now: datetime) -> None:
    seen = session.scalars(
        select(AtsStage).where(
            AtsStage.team_id == team_id, AtsStage.source == source, AtsStage.application_id == event.application_id
        )
    ).one_or_none()
    if seen is None:
        seen = AtsStage(team_id=team_id, source=source, application_id=event.application_id)
        session.add(seen)
    seen.stage_name = event.stage_name[:STAGE_NAME_MAX]
    seen.seen_at = now


def last_stage(session: Session, *, team_id: str, source: str, application_id: str) -> str | None:
    """The last active stage a stage-change event reported for the application, if any did."""
    return session.scalar(
        select(AtsStage.stage_name).where(
            AtsStage.team_id == team_id, AtsStage.source == source, AtsStage.application_id == application_id
        )
    )


def _recruiter(
    session: Session, *, team_id: str, user_id: str, known: dict[tuple[str, str], Recruiter] | None
) -> Recruiter:
    """The recruiter's row; with `known`, each looked up once per transaction (a batch names the same few)."""
    if known is None:
        return get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
    if (team_id, user_id) not in known:
        known[team_id, user_id] = get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
    return known[team_id, user_id]


def _rejected(
    session: Session,
    *,
    team_id: str,
    source: str,
    event: Rejected,
    rules: AtsRules,
    policy: Policy,
    recruiters: Mapping[str, str | None],
    known_recruiters: dict[tuple[str, str], Recruiter] | None,
    now: datetime,
) -> None:
    asked = session.scalar(
        select(AtsNotice.id).where(
            AtsNotice.team_id == team_id,
            AtsNotice.source == source,
            AtsNotice.application_id == event.application_id,
            AtsNotice.kind == NoticeKind.REJECTED,
            AtsNotice.decision.is_distinct_from(Decision.WITHDRAWN),
        )
    )
    if asked is not None:
        return  # the same rejection again (Ashby reports one archive as a stage change and an application update)
    stage_name = event.stage_name or last_stage(
        session, team_id=team_id, source=source, application_id=event.application_id
    )
    stage = rules.stage(stage_name)
    action = rules.action(stage)
    if action is Action.IGNORE:
        return
    emails = tuple(e for e in event.emails if len(e) <= EMAIL_MAX)
    known = find_candidate(session, team_id=team_id, source=source, ats_id=event.candidate_id, emails=emails)
    if known is not None and known.opted_out:
        return  # they asked not to be contacted: no prompt, and nothing new recorded
    user_id = next((user for email in event.recruiter_emails if (user := recruiters.get(email))), None)
    recruiter = (
        None if user_id is None else _recruiter(session, team_id=team_id, user_id=user_id, known=known_recruiters)
    )
    notice = AtsNotice(
        team_id=team_id,
        source=source,
        kind=NoticeKind.REJECTED,
        ats_candidate_id=event.candidate_id,
        application_id=event.application_id,
        recruiter=recruiter,
        recruiter_email=next(iter(event.recruiter_emails), None),
        name=event.name[:NAME_MAX],
        email=next(iter(emails), None),
        linkedin_url=event.linkedin,
        role_title=event.role[:ROLE_MAX] or None,
        stage=stage,
        stage_name=None if stage_name is None else stage_name[:STAGE_NAME_MAX],
        reason=event.reason,
        rejected_by_candidate=event.by_candidate,
        rejected_at=event.at,
        auto_kept=False,
    )
    session.add(notice)
    session.flush()
    if action is Action.KEEP and user_id is not None:
        entry = entry_for(notice)
        keep(session, notice=notice, user_id=user_id, entry=entry, policy=policy, now=now, actor=ATS_ACTOR, auto=True)


def _unrejected(
    session: Session, *, team_id: str, source: str, event: Unrejected, policy: Policy, now: datetime
) -> None:
    """Withdraw what the rejection started: an undecided prompt, or the rejection kept from it."""
    notices = session.scalars(
        select(AtsNotice)
        .where(
            AtsNotice.team_id == team_id,
            AtsNotice.source == source,
            AtsNotice.application_id == event.application_id,
            AtsNotice.kind == NoticeKind.REJECTED,
            AtsNotice.decision.is_(None) | (AtsNotice.decision == Decision.KEPT),
        )
        .with_for_update()  # a Keep warm clicked meanwhile commits first, and is then withdrawn with the rest
    ).all()
    for notice in notices:
        if notice.rejection is not None:
            withdraw_rejection(session, rejection=notice.rejection, policy=policy)
        notice.decision = Decision.WITHDRAWN
        notice.rejection_id = None
        notice.decided_at = now


def _hired(session: Session, *, team_id: str, source: str, event: Hired, now: datetime) -> None:
    """Stop the check-ins of a kept candidate the team hired, and tell their owner: the program worked."""
    candidate = find_candidate(session, team_id=team_id, source=source, ats_id=event.candidate_id, emails=event.emails)
    if candidate is None or not candidate.rejections:
        return
    told = session.scalar(
        select(AtsNotice.id).where(
            AtsNotice.team_id == team_id,
            AtsNotice.source == source,
            AtsNotice.kind == NoticeKind.HIRED,
            AtsNotice.candidate_id == candidate.id,
            AtsNotice.application_id.is_(None)
            if event.application_id is None
            else AtsNotice.application_id == event.application_id,
        )
    )
    if told is not None:
        return  # the same hire, reported again (Ashby and Lever each send it more than one way)
    link_ats_id(session, team_id=team_id, source=source, ats_id=event.candidate_id, candidate=candidate)
    checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate.id)).one_or_none()
    if checkin is not None and checkin.status == CheckinStatus.ACTIVE:
        checkin.status = CheckinStatus.STOPPED
        checkin.stop_reason = StopReason.HIRED
        checkin.stopped_at = now
    _tell_owner(session, candidate=candidate, kind=NoticeKind.HIRED, source=source, event=event)


def _applied(session: Session, *, team_id: str, source: str, event: Applied, now: datetime) -> None:
    """Tell the owner of a kept candidate that they applied again; applying restarts their retention period."""
    candidate = find_candidate(session, team_id=team_id, source=source, ats_id=event.candidate_id, emails=event.emails)
    if candidate is None or candidate.erased or not candidate.rejections:
        return
    candidate.last_applied_at = now
    if candidate.opted_out:
        return
    link_ats_id(session, team_id=team_id, source=source, ats_id=event.candidate_id, candidate=candidate)
    _tell_owner(session, candidate=candidate, kind=NoticeKind.APPLIED, source=source, event=event)


def _tell_owner(
    session: Session, *, candidate: Candidate, kind: NoticeKind, source: str, event: Hired | Applied
) -> None:
    recruiter = owner(session, candidate)
    session.add(
        AtsNotice(
            team_id=candidate.team_id,
            source=source,
            kind=kind,
            ats_candidate_id=event.candidate_id,
            application_id=event.application_id,
            recruiter=recruiter,
            candidate_id=candidate.id,
            name=candidate.name,
            email=candidate.email,
            role_title=None if event.role is None else event.role[:ROLE_MAX],
            rejected_by_candidate=False,
            auto_kept=False,
        )
    )


def _deleted(session: Session, *, team_id: str, source: str, event: Deleted, now: datetime) -> None:
    """Deleted in the ATS: erased here as `/rejected forget` erases, and every notice about them goes."""
    linked = session.scalars(
        select(Candidate)
        .join(CandidateAtsId, CandidateAtsId.candidate_id == Candidate.id)
        .where(
            CandidateAtsId.team_id == team_id,
            CandidateAtsId.source == source,
            CandidateAtsId.ats_id == event.candidate_id,
        )
    ).all()
    for candidate in linked:
        if not candidate.erased:
            erase_candidate(session=session, candidate=candidate, now=now)
            detail = f"deleted in {source}"
            log_act(
                session, act=Act.ERASED, actor=ATS_ACTOR, source=Source.ATS, candidate=candidate, detail=detail, at=now
            )
    for notice in session.scalars(
        select(AtsNotice).where(
            AtsNotice.team_id == team_id, AtsNotice.source == source, AtsNotice.ats_candidate_id == event.candidate_id
        )
    ):
        session.delete(notice)


def _merged(session: Session, *, team_id: str, source: str, event: Merged) -> None:
    """Two ATS candidates became one: so do their Keepwarm candidates, and their notices follow."""
    session.execute(
        update(AtsNotice)
        .where(AtsNotice.team_id == team_id, AtsNotice.source == source, AtsNotice.ats_candidate_id == event.merged_id)
        .values(ats_candidate_id=event.kept_id)
    )
    merged = find_candidate(session, team_id=team_id, source=source, ats_id=event.merged_id, emails=())
    if merged is None:
        return
    kept = find_candidate(session, team_id=team_id, source=source, ats_id=event.kept_id, emails=())
    if kept is None or kept.id == merged.id:
        link_ats_id(session, team_id=team_id, source=source, ats_id=event.kept_id, candidate=merged)
        return
    merge_candidates(session, kept=kept, merged=merged)


def merge_candidates(session: Session, *, kept: Candidate, merged: Candidate) -> None:
    """Fold `merged` into `kept`: rejections, ATS ids and notices move; one check-in stream stays, the active one
    (the kept candidate's if both are); details `kept` lacks are taken from `merged`."""
    unindex_candidate(session=session, team_id=kept.team_id, candidate_id=kept.id)
    unindex_candidate(session=session, team_id=merged.team_id, candidate_id=merged.id)
    streams = {
        c.candidate_id: c
        for c in session.scalars(select(Checkin).where(Checkin.candidate_id.in_([kept.id, merged.id])))
    }
    kept_stream, merged_stream = streams.get(kept.id), streams.get(merged.id)
    if merged_stream is not None:
        if kept_stream is None or (
            kept_stream.status != CheckinStatus.ACTIVE and merged_stream.status == CheckinStatus.ACTIVE
        ):
            if kept_stream is not None:
                session.delete(kept_stream)
                session.flush()
            merged_stream.candidate_id = kept.id
        else:
            session.delete(merged_stream)
        session.flush()
    taken = select(RoleOutreach.role_id).where(RoleOutreach.candidate_id == kept.id).scalar_subquery()
    session.execute(delete(RoleOutreach).where(RoleOutreach.candidate_id == merged.id, RoleOutreach.role_id.in_(taken)))
    for table in (Rejection, CandidateAtsId, AtsNotice, RoleOutreach):
        session.execute(update(table).where(table.candidate_id == merged.id).values(candidate_id=kept.id))
    email, linkedin, tags = merged.email, merged.linkedin_url, merged.tags
    session.expire(merged, ["rejections"])  # moved: deleting must not find them under the old candidate
    session.delete(merged)
    session.flush()  # frees the merged email for the kept candidate
    kept.email = kept.email or email
    kept.linkedin_url = kept.linkedin_url or linkedin
    kept.tags = list(dict.fromkeys([*kept.tags, *tags]))
    session.expire(kept, ["rejections"])
    for rejection in kept.rejections:
        index_rejection(session=session, rejection=rejection, tags=kept.tags)
    session.flush()
