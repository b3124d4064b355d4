"""Handover: a recruiter who left (or changes teams) and what they keep warm, held until an admin moves it to
someone else. Callers commit.

A recruiter's candidates are those they own as matching and the digest show it: the recruiter of the candidate's
check-in stream, else (no stream) whoever recorded one of their rejections. Handing over moves, for each such
candidate, the stream (with its future reminders) and the rejections the recruiter recorded, so that matches,
digests, reopen alerts, `/rejected list` and Home all name the new owner; the recruiter's pending ATS notices
(not yet sent, or sent and still undecided: those are sent again, to the new owner); and their reopen alerts not yet
sent. One audit entry per candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, auto

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from models.ats_notice import AtsNotice, NoticeKind
from models.audit import Act, log_act
from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.departure_notice import DepartureNotice
from models.records import get_or_create_recruiter
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.role import RoleAlert

# What Slack answers a DM to someone no longer in the workspace (deactivated, or removed).
DEPARTURE_ERRORS = frozenset({"account_inactive", "user_not_found"})


@dataclass(frozen=True)
class Held:
    """What one recruiter keeps warm: candidates, active check-in streams, and those of them due now."""

    recruiter_id: int
    user_id: str
    departed_at: datetime | None
    candidates: int
    checkins: int
    due: int


@dataclass(frozen=True)
class Returned:
    """A departure the recruiter came back from before anyone handed it over: they keep what they hold."""

    user_id: str


def mark_departed(session: Session, *, team_id: str, user_id: str, now: datetime) -> Recruiter | None:
    """Note that a recruiter left, once: the first notice's instant stands. Only a known recruiter (a user who never
    used Keepwarm holds nothing); returns them when this call noted it.

    Deliveries Slack refused because they were gone lose that error: what they held waits for a handover instead of
    sitting among the admins' refused deliveries.
    """
    recruiter = session.scalars(
        select(Recruiter).where(Recruiter.team_id == team_id, Recruiter.user_id == user_id).with_for_update()
    ).one_or_none()
    if recruiter is None or recruiter.departed_at is not None:
        return None
    recruiter.departed_at = now
    session.execute(
        update(Checkin)
        .where(Checkin.recruiter_id == recruiter.id, Checkin.delivery_error.in_(DEPARTURE_ERRORS))
        .values(delivery_error=None, delivery_failed_at=None, retry_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AtsNotice)
        .where(AtsNotice.recruiter_id == recruiter.id, AtsNotice.delivery_error.in_(DEPARTURE_ERRORS))
        .values(delivery_error=None, retry_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(RoleAlert)
        .where(RoleAlert.recruiter_id == recruiter.id, RoleAlert.delivery_error.in_(DEPARTURE_ERRORS))
        .values(delivery_error=None)
        .execution_options(synchronize_session=False)
    )
    return recruiter


def mark_returned(session: Session, *, team_id: str, user_id: str) -> Recruiter | None:
    """A departed recruiter was reactivated: they keep what they still hold, and their held check-ins go out to them
    again. The admins' DMs about the departure not yet sent are dropped. Returns them when they had departed."""
    recruiter = session.scalars(
        select(Recruiter).where(Recruiter.team_id == team_id, Recruiter.user_id == user_id).with_for_update()
    ).one_or_none()
    if recruiter is None or recruiter.departed_at is None:
        return None
    unsent = select(DepartureNotice).where(
        DepartureNotice.recruiter_id == recruiter.id,
        DepartureNotice.sent_at.is_(None),
        DepartureNotice.claim_token.is_(None),
    )
    for notice in session.scalars(unsent):
        session.delete(notice)
    recruiter.departed_at = None
    return recruiter


def sent_departure_dms(session: Session, recruiter_id: int) -> list[tuple[str, str]]:
    """The admins' DMs (channel, ts) that showed this recruiter's departure with nobody handed it yet: to redraw
    once they come back, so no picker offers to hand over someone who returned."""
    rows = session.execute(
        select(DepartureNotice.channel, DepartureNotice.ts)
        .where(
            DepartureNotice.recruiter_id == recruiter_id,
            DepartureNotice.handed_to.is_(None),
            DepartureNotice.channel.is_not(None),
            DepartureNotice.ts.is_not(None),
        )
        .distinct()
    )
    return [(channel, ts) for channel, ts in rows]


def owned_by(recruiter_id: int) -> ColumnElement[bool]:
    """Candidates the recruiter owns: their stream's recruiter, or with no stream, one of their rejections'."""
    streamed = select(Checkin.id).where(Checkin.candidate_id == Candidate.id)
    return or_(
        select(Checkin.id).where(Checkin.candidate_id == Candidate.id, Checkin.recruiter_id == recruiter_id).exists(),
        and_(
            ~streamed.exists(),
            select(Rejection.id)
            .where(Rejection.candidate_id == Candidate.id, Rejection.recruiter_id == recruiter_id)
            .exists(),
        ),
    )


def held_by(session: Session, recruiter: Recruiter, now: datetime) -> Held:
    """What the recruiter keeps warm now (erased candidates hold nothing)."""
    candidates = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.team_id == recruiter.team_id, Candidate.erased.is_(False), owned_by(recruiter.id))
    )
    active = and_(Checkin.recruiter_id == recruiter.id, Checkin.status == CheckinStatus.ACTIVE)
    streams = session.scalar(
        select(func.count())
        .select_from(Checkin)
        .join(Candidate, Candidate.id == Checkin.candidate_id)
        .where(active, Candidate.erased.is_(False), Candidate.opted_out.is_(False))
    )
    due = session.scalar(
        select(func.count())
        .select_from(Checkin)
        .join(Candidate, Candidate.id == Checkin.candidate_id)
        .where(active, Checkin.due_at <= now, Candidate.erased.is_(False), Candidate.opted_out.is_(False))
    )
    return Held(recruiter.id, recruiter.user_id, recruiter.departed_at, candidates or 0, streams or 0, due or 0)


def departures(session: Session, *, team_id: str, now: datetime) -> list[Held]:
    """The team's departed recruiters who still hold candidates, the earliest departure first: what waits for an
    admin to hand it over."""
    departed = session.scalars(
        select(Recruiter)
        .where(Recruiter.team_id == team_id, Recruiter.departed_at.is_not(None))
        .order_by(Recruiter.departed_at, Recruiter.id)
    ).all()
    held = (held_by(session, recruiter, now) for recruiter in departed)
    return [h for h in held if h.candidates]


def recruiter_of(session: Session, *, team_id: str, recruiter_id: int) -> Recruiter | None:
    """A recruiter of this team by id (a picker's block names one), or None: another team's ids name no one here."""
    return session.scalars(
        select(Recruiter).where(Recruiter.id == recruiter_id, Recruiter.team_id == team_id)
    ).one_or_none()


class HandoverRefusal(Enum):
    """Why a handover moved nothing."""

    SAME_PERSON = auto()
    DEPARTED = auto()  # the one chosen left too
    NOTHING = auto()  # nothing (left) to move: never had any, none matching the filter, or handed over already
    BUSY = auto()  # a reminder or ATS notice of theirs is being delivered right now


@dataclass(frozen=True)
class RefusedHandover:
    refusal: HandoverRefusal
    handed_to: str | None = None  # NOTHING after an earlier handover of this departure: to whom, and by whom
    handed_by: str | None = None


@dataclass(frozen=True)
class HandedOver:
    """What moved: counts for the replies and the new owner's DM, and the admins' DMs to update (channel, ts)."""

    from_user: str
    to_user: str
    candidates: int
    checkins: int  # active check-in streams
    due: int  # of them, due now
    notices: int
    departure_dms: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    """`--tag` (one of the candidate's tags, exactly, case-insensitively) and `--role` (a case-insensitive substring
    of the role title of any of the candidate's rejections)."""

    tag: str | None = None
    role: str | None = None

    def keeps(self, candidate: Candidate) -> bool:
        if self.tag is not None and self.tag.lower() not in (t.lower() for t in candidate.tags):
            return False
        role = self.role
        return role is None or any(role.lower() in r.role_title.lower() for r in candidate.rejections)

    def keeps_notice(self, notice: AtsNotice) -> bool:
        """A notice not yet about a stored candidate has no tags; its role title is the ATS's."""
        if self.tag is not None:
            return False
        return self.role is None or self.role.lower() in (notice.role_title or "").lower()


def hand_over(
    session: Session,
    *,
    team_id: str,
    from_user: str,
    to_user: str,
    actor: str,
    source: str,
    now: datetime,
    only: Filter | None = None,
) -> HandedOver | RefusedHandover:
    """Move what `from_user` keeps warm (all, or what `only` keeps) to `to_user`, in the caller's one transaction.

    The giving recruiter's row is locked first, so of two admins handing over at once, the second finds nothing left
    (SQLite serialises writers at BEGIN). Who may hand over, and whether `to_user` is a person of the team (not a bot),
    the caller checks with Slack first.
    """
    only = only or Filter()
    if from_user == to_user:
        return RefusedHandover(HandoverRefusal.SAME_PERSON)
    giver = session.scalars(
        select(Recruiter).where(Recruiter.team_id == team_id, Recruiter.user_id == from_user).with_for_update()
    ).one_or_none()
    taker = session.scalars(
        select(Recruiter).where(Recruiter.team_id == team_id, Recruiter.user_id == to_user)
    ).one_or_none()
    if taker is not None and taker.departed_at is not None:
        return RefusedHandover(HandoverRefusal.DEPARTED)
    if giver is None:
        return RefusedHandover(HandoverRefusal.NOTHING)
    moving = [
        c
        for c in session.scalars(
            select(Candidate)
            .options(selectinload(Candidate.rejections))
            .where(Candidate.team_id == team_id, Candidate.erased.is_(False), owned_by(giver.id))
            .order_by(Candidate.id)
        )
        if only.keeps(c)
    ]
    moved_ids = {c.id for c in moving}
    notices = [n for n in _pending_notices(session, giver.id) if n.candidate_id in moved_ids or _loose(n, only)]
    if not moving and not notices:
        return _nothing_left(session, giver)
    streams = session.scalars(
        select(Checkin).where(Checkin.recruiter_id == giver.id, Checkin.candidate_id.in_(moved_ids))
    ).all()
    alerts = session.scalars(
        select(RoleAlert).where(RoleAlert.recruiter_id == giver.id, RoleAlert.sent_at.is_(None)).order_by(RoleAlert.id)
    ).all()
    claimed = [*streams, *notices, *alerts] if moving else [*notices]
    if any(row.claim_token is not None for row in claimed):
        return RefusedHandover(HandoverRefusal.BUSY)
    if taker is None:
        taker = get_or_create_recruiter(session=session, team_id=team_id, user_id=to_user)
    active = [s for s in streams if s.status == CheckinStatus.ACTIVE and not s.candidate.opted_out]
    for stream in streams:
        stream.recruiter_id = taker.id
    session.execute(
        update(Rejection)
        .where(Rejection.recruiter_id == giver.id, Rejection.candidate_id.in_(moved_ids))
        .values(recruiter_id=taker.id)
        .execution_options(synchronize_session=False)
    )
    for notice in notices:
        notice.recruiter_id = taker.id
        notice.delivery_error = notice.retry_at = None
        if notice.sent_at is not None:  # sent to the one who left: the new owner gets it afresh
            notice.sent_at = notice.channel = notice.ts = None
    if moving:
        _pass_alerts(session, alerts, taker, whole=not _filtered(only), now=now)
    detail = f"from {from_user} to {to_user}"
    for candidate in moving:
        log_act(session, act=Act.HANDED_OVER, actor=actor, source=source, candidate=candidate, detail=detail, at=now)
    dms = _departure_dms(session, giver, to_user=to_user, by=actor, now=now, whole=not _filtered(only))
    return HandedOver(
        from_user=from_user,
        to_user=to_user,
        candidates=len(moving),
        checkins=len(active),
        due=sum(1 for s in active if s.due_at <= now),
        notices=len(notices),
        departure_dms=dms,
    )


def _filtered(only: Filter) -> bool:
    return only.tag is not None or only.role is not None


def _pass_alerts(
    session: Session, alerts: Sequence[RoleAlert], taker: Recruiter, *, whole: bool, now: datetime
) -> None:
    """Reopen alerts waiting for the giver reach the taker: an alert finds its finalists by owner when it is
    delivered, so the taker needs one for each role (one at most: theirs already waiting stands). Handing over all of
    it, the giver's alert becomes the taker's (or goes, theirs standing); a part, the giver keeps theirs for the rest.
    """
    waiting = set(
        session.scalars(
            select(RoleAlert.role_id).where(RoleAlert.recruiter_id == taker.id, RoleAlert.sent_at.is_(None))
        )
    )
    for alert in alerts:
        if alert.role_id in waiting:
            if whole:
                session.delete(alert)
        elif whole:
            alert.recruiter_id, alert.delivery_error = taker.id, None
        else:
            session.add(RoleAlert(team_id=alert.team_id, role_id=alert.role_id, recruiter_id=taker.id, created_at=now))
        waiting.add(alert.role_id)


def _pending_notices(session: Session, recruiter_id: int) -> Sequence[AtsNotice]:
    """Notices still waiting on the recruiter: not yet sent, or a rejection sent and nobody decided."""
    return session.scalars(
        select(AtsNotice)
        .where(
            AtsNotice.recruiter_id == recruiter_id,
            or_(
                AtsNotice.sent_at.is_(None),
                and_(AtsNotice.kind == NoticeKind.REJECTED, AtsNotice.decision.is_(None)),
            ),
        )
        .order_by(AtsNotice.id)
    ).all()


def _loose(notice: AtsNotice, only: Filter) -> bool:
    """A notice about no stored candidate (the ATS's rejection, not yet kept) goes by the filter on its own."""
    return notice.candidate_id is None and only.keeps_notice(notice)


def _departure_dms(
    session: Session, giver: Recruiter, *, to_user: str, by: str, now: datetime, whole: bool
) -> list[tuple[str, str]]:
    """The admins' DMs about the giver's departure (none when they have not left), to redraw; handing over all of it
    notes on each who took it over and who handed it. A part leaves the departure waiting for the rest."""
    if giver.departed_at is None:
        return []
    rows = session.scalars(
        select(DepartureNotice).where(
            DepartureNotice.recruiter_id == giver.id, DepartureNotice.departed_at == giver.departed_at
        )
    ).all()
    for row in rows:
        if whole:
            row.handed_to, row.handed_by, row.handed_at = to_user, by, now
    return [(row.channel, row.ts) for row in rows if row.channel and row.ts]


def _nothing_left(session: Session, giver: Recruiter) -> RefusedHandover:
    """Nothing to move; after a handover of this departure, say to whom it went."""
    if giver.departed_at is not None:
        done = session.scalars(
            select(DepartureNotice)
            .where(
                DepartureNotice.recruiter_id == giver.id,
                DepartureNotice.departed_at == giver.departed_at,
                DepartureNotice.handed_to.is_not(None),
            )
            .limit(1)
        ).first()
        if done is not None:
            return RefusedHandover(HandoverRefusal.NOTHING, handed_to=done.handed_to, handed_by=done.handed_by)
    return RefusedHandover(HandoverRefusal.NOTHING)


def dm_entries(
    session: Session, notices: Sequence[DepartureNotice], now: datetime
) -> list[Held | tuple[str, str, str] | Returned]:
    """What an admin's departure DM shows for each of its notices: what is still held, who took it over and who
    handed it (from, to, by), or that the recruiter came back (since that departure, they may have left again)."""
    entries: list[Held | tuple[str, str, str] | Returned] = []
    for notice in notices:
        if notice.handed_to is not None:
            entries.append((notice.recruiter.user_id, notice.handed_to, notice.handed_by or ""))
        elif notice.recruiter.departed_at != notice.departed_at:
            entries.append(Returned(notice.recruiter.user_id))
        else:
            entries.append(held_by(session, notice.recruiter, now))
    return entries


def notices_in_dm(session: Session, *, team_id: str, channel: str, ts: str) -> Sequence[DepartureNotice]:
    """The notices one posted DM of the team carries, in the order it lists them."""
    return session.scalars(
        select(DepartureNotice)
        .where(DepartureNotice.team_id == team_id, DepartureNotice.channel == channel, DepartureNotice.ts == ts)
        .order_by(DepartureNotice.id)
    ).all()
