"""ATS notices to their recruiters: each recruiter with notices due gets one DM per sweep listing them, inside their
working hours.

Exactly once (jobs/delivery.py), as reminders are: due notices are claimed in the database before anything is
posted, and the DM carries the claim token, so a claim whose outcome is unknown is settled by finding the DM again.
A notice without a recruiter waits in the admins' queue and is not due here until one is assigned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.ats_notices import MAX_NOTICES, build_notices
from bot.config import Settings
from bot.ids import ATS_NOTICE_METADATA_TYPE
from jobs.delivery import Claims, RunReport, in_working_hours, of_team, run_clock, stop_or_wait, to_each_recruiter
from jobs.departures import note_refusal
from models import AtsNotice, Checkin, CheckinStatus, Decision, NoticeKind, Recruiter
from models.opt_out import notice_about_opted_out
from models.recruiter import STAYING

RELEASED: dict[str, object] = {"claim_token": None, "claimed_at": None, "claim_expires_at": None}
logger = logging.getLogger(__name__)


@dataclass
class NoticeReport(RunReport):
    """What one run did, for logs, the CLI and tests."""

    notices: int = 0
    waiting_for_working_hours: int = 0

    def summary(self) -> str:
        return (
            f"{self.messages} message(s), {self.notices} ATS notice(s) sent, "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.deferred} deferred, "
            f"{self.failed} failed, {self.recovered} found already delivered"
        )


def due(now: datetime) -> ColumnElement[bool]:
    """Assigned to a recruiter still in Slack, unsent, unclaimed, not waiting out a rate limit nor stuck on a
    permanent error; a rejection only while it still asks (nobody decided) or says it was kept without asking (and
    is still kept); and not about a candidate who opted out since it arrived (it waits, unsent, in case they opt in
    again)."""
    return and_(
        ~notice_about_opted_out(),
        AtsNotice.recruiter_id.is_not(None),
        # Held while their recruiter is gone from Slack, until an admin hands them over (models/handover.py).
        select(STAYING.departed_at.is_(None)).where(STAYING.id == AtsNotice.recruiter_id).scalar_subquery(),
        AtsNotice.sent_at.is_(None),
        AtsNotice.claim_token.is_(None),
        AtsNotice.delivery_error.is_(None),
        or_(AtsNotice.retry_at.is_(None), AtsNotice.retry_at <= now),
        or_(
            AtsNotice.kind != NoticeKind.REJECTED,
            AtsNotice.decision.is_(None),
            and_(AtsNotice.auto_kept.is_(True), AtsNotice.decision == Decision.KEPT),
        ),
    )


def record_sent(session: Session, *, token: str, channel: str, ts: str, now: datetime) -> int:
    """The DM is in Slack: the notices are sent, in it, and the claim is released; the recruiter's DM channel is
    remembered, so a later settle looks there without opening it.

    Returns how many notices this call recorded: none when another run settled the same claim first."""
    recruiters = select(AtsNotice.recruiter_id).where(AtsNotice.claim_token == token).scalar_subquery()
    session.execute(
        update(Recruiter)
        .where(Recruiter.id.in_(recruiters))
        .values(dm_channel=channel)
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(AtsNotice)
        .where(AtsNotice.claim_token == token)
        .values(**RELEASED, retry_at=None, sent_at=now, channel=channel, ts=ts)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


CLAIMS = Claims(
    what="ATS notices",
    logger=logger,
    event_type=ATS_NOTICE_METADATA_TYPE,
    token=AtsNotice.claim_token,
    expires=AtsNotice.claim_expires_at,
    released=RELEASED,
    record=record_sent,
    refused=stop_or_wait,
)


def run_notices(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
    team_id: str | None = None,
) -> NoticeReport:
    """One run. Database errors propagate (it could not run); one recruiter's failure never stops the others."""
    report = NoticeReport()
    clock = run_clock(now)
    if not dry_run:
        dms = select(AtsNotice.claim_token, Recruiter.user_id, Recruiter.dm_channel).join(AtsNotice.recruiter)
        dms = dms.where(of_team(AtsNotice.team_id, team_id))
        CLAIMS.settle(sessions=sessions, client=client, claims=dms, now=now, report=report)
    with sessions.begin() as session:
        recruiter_ids = sorted(
            session.scalars(
                select(AtsNotice.recruiter_id).where(due(now), of_team(AtsNotice.team_id, team_id)).distinct()
            ).all()
        )
    to_each_recruiter(
        [recruiter_id for recruiter_id in recruiter_ids if recruiter_id is not None],
        lambda recruiter_id: _deliver(
            sessions=sessions,
            client=client,
            settings=settings,
            recruiter_id=recruiter_id,
            now=now,
            clock=clock,
            dry_run=dry_run,
            report=report,
        ),
        what="ATS notices",
        report=report,
    )
    if report.messages or report.failed or report.deferred:
        logger.info("ATS notices: %s", report.summary())
    return report


def _deliver(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    recruiter_id: int,
    now: datetime,
    clock: Callable[[], datetime],
    dry_run: bool,
    report: NoticeReport,
) -> bool:
    """Claim, post and record one recruiter's due notices in one DM, if it is working hours where they are.

    Returns True when Slack refused the post for its rate even after the client waited Retry-After once.
    """
    found = in_working_hours(
        sessions=sessions,
        client=client,
        working_hours=settings.working_hours,
        recruiter_id=recruiter_id,
        now=now,
        dry_run=dry_run,
        report=report,
    )
    if found is None:
        return False
    user_id, _ = found
    if dry_run:
        with sessions.begin() as session:
            names = ", ".join(f"{n.name} ({n.kind})" for n in _due(session, recruiter_id, now))
            report.lines.append(f"<@{user_id}>: would DM ATS notices: {names}")
        return False

    claimed_at = clock()
    with sessions.begin() as session:
        ids = [notice.id for notice in _due(session, recruiter_id, now)]
        token = CLAIMS.claim(session, and_(AtsNotice.id.in_(ids), due(now)), at=claimed_at, claimed_at=claimed_at)
    with sessions.begin() as session:
        claimed = _claimed(session, token)
        if not claimed:
            return False  # another run got there first
        more = session.scalar(select(func.count()).where(due(now), AtsNotice.recruiter_id == recruiter_id)) or 0
        reply = build_notices(claimed, first_checkins=_first_checkins(session, claimed), more=more)
        count = len(claimed)
    failure = CLAIMS.post(
        sessions=sessions, client=client, token=token, channel=user_id, reply=reply, now=now, report=report
    )
    if failure is not None:
        note_refusal(sessions=sessions, client=client, recruiter_id=recruiter_id, failure=failure, now=now)
        return failure.rate_limited
    report.notices += count
    report.lines.append(f"<@{user_id}>: sent {count} ATS notice(s)")
    return False


def _due(session: Session, recruiter_id: int, now: datetime) -> Sequence[AtsNotice]:
    query = (
        select(AtsNotice)
        .where(due(now), AtsNotice.recruiter_id == recruiter_id)
        .order_by(AtsNotice.created_at, AtsNotice.id)
        .limit(MAX_NOTICES)
    )
    return session.scalars(query).all()


def _claimed(session: Session, token: str) -> Sequence[AtsNotice]:
    query = select(AtsNotice).where(AtsNotice.claim_token == token).order_by(AtsNotice.created_at, AtsNotice.id)
    return session.scalars(query).all()


def _first_checkins(session: Session, notices: Sequence[AtsNotice]) -> dict[int, datetime]:
    """When the check-ins of each rejection kept without asking start, by notice id."""
    kept = {notice.rejection_id: notice.id for notice in notices if notice.rejection_id is not None}
    if not kept:
        return {}
    rows = session.execute(
        select(Checkin.rejection_id, Checkin.due_at).where(
            Checkin.rejection_id.in_(kept), Checkin.status == CheckinStatus.ACTIVE
        )
    )
    return {kept[rejection_id]: due_at for rejection_id, due_at in rows}
