"""The reminder sweep: DM each recruiter, inside their working hours, one message listing their due check-ins.

At most CHECKINS_PER_DAY reach a recruiter on one of their working days (jobs/daily_cap.py), the strongest and most
recent first: a backlog (an import of past rejections, a bot down for weeks) is spread over the following days.

Exactly once (jobs/delivery.py): due rows are claimed in the database before anything is posted, and each DM carries
the claim token, so a claim whose outcome is unknown is settled by finding the DM again. So no due check-in is lost,
and none is posted twice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, Select, UnaryExpression, and_, case, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, sessionmaker

from bot.blocks.reminders import MAX_WARNINGS, build_reminder, checkin_room
from bot.config import Settings
from bot.ids import REMINDER_METADATA_TYPE
from jobs.daily_cap import allowance
from jobs.delivery import Claims, RunReport, in_working_hours, of_team, run_clock, to_each_recruiter
from jobs.departures import note_refusal
from jobs.retention import erase_expired
from jobs.slack_errors import Failure, Outcome
from models import STAGES, Candidate, Checkin, CheckinStatus, Recruiter, Rejection, ReminderSent, RetentionWarning
from models.policy import Policy
from models.recruiter import STAYING
from models.retention import plan_warnings

logger = logging.getLogger(__name__)


@dataclass
class SweepReport(RunReport):
    """What one sweep did, for logs, the CLI and tests."""

    checkins: int = 0
    waiting_for_working_hours: int = 0
    at_daily_cap: int = 0  # recruiters with check-ins due who already had their day's worth
    erased: int = 0  # candidates whose retention period ran out
    warnings: int = 0  # retention warnings delivered

    def summary(self) -> str:
        return (
            f"{self.messages} message(s), {self.checkins} check-in(s) sent, "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.at_daily_cap} at the daily cap, "
            f"{self.deferred} deferred, {self.failed} failed, {self.recovered} found already delivered, "
            f"{self.erased} erased at the end of their retention period, {self.warnings} erasure warning(s)"
        )


def eligible(now: datetime) -> ColumnElement[bool]:
    """Active, due, unclaimed, not waiting out a rate limit, not stuck on a permanent error, recruiter still here."""
    return and_(
        Checkin.status == CheckinStatus.ACTIVE,
        Checkin.due_at <= now,
        Checkin.claim_token.is_(None),
        Checkin.delivery_error.is_(None),
        or_(Checkin.retry_at.is_(None), Checkin.retry_at <= now),
        # A scalar subquery, so each due row looks up its own candidate by primary key: `IN (SELECT …)` made SQLite
        # list every candidate of the history at every sweep, and PostgreSQL turns IN and EXISTS into a join that
        # it may run by reading all candidates (BENCHMARKS.md, sweep cost).
        select(and_(Candidate.erased.is_(False), Candidate.opted_out.is_(False)))
        .where(Candidate.id == Checkin.candidate_id)
        .scalar_subquery(),
        # Held while their recruiter is gone from Slack: not sent, not failed, waiting for a handover (models/handover).
        select(STAYING.departed_at.is_(None)).where(STAYING.id == Checkin.recruiter_id).scalar_subquery(),
    )


def warning_due(now: datetime) -> ColumnElement[bool]:
    """Retention warnings not yet delivered, unclaimed, not waiting out a rate limit or stuck on a permanent error,
    about a candidate still on file who did not opt out."""
    return and_(
        RetentionWarning.sent_at.is_(None),
        RetentionWarning.claim_token.is_(None),
        RetentionWarning.delivery_error.is_(None),
        or_(RetentionWarning.retry_at.is_(None), RetentionWarning.retry_at <= now),
        RetentionWarning.expires_at > now,
        select(and_(Candidate.erased.is_(False), Candidate.opted_out.is_(False)))
        .where(Candidate.id == RetentionWarning.candidate_id)
        .scalar_subquery(),
    )


def _claims(policy: Policy) -> tuple[Claims, Claims]:
    """Reminder claims: sent moves each check-in to its next step and marks each warning sent; a refusal waits for an
    admin or Retry-After. One claim spans both tables (a DM carries both); the first leads for check-ins, the second
    for warnings, so a claim of warnings alone is settled too."""
    record = partial(record_sent, policy=policy)
    checkins = Claims(
        what="reminders",
        logger=logger,
        event_type=REMINDER_METADATA_TYPE,
        token=Checkin.claim_token,
        expires=Checkin.claim_expires_at,
        released={"claim_token": None, "claimed_at": None, "claim_expires_at": None},
        record=record,
        refused=_refused,
    )
    warnings = dataclasses.replace(
        checkins,
        token=RetentionWarning.claim_token,
        expires=RetentionWarning.claim_expires_at,
        released={"claim_token": None, "claim_expires_at": None},
    )
    return dataclasses.replace(checkins, also=(warnings,)), dataclasses.replace(warnings, also=(checkins,))


def _refused(failure: Failure, now: datetime) -> Mapping[str, object]:
    """A permanent refusal stops the check-in until an admin retries it from App Home; a rate limit waits it out."""
    if failure.outcome is Outcome.PERMANENT:
        return {"delivery_error": failure.reason, "delivery_failed_at": now}
    return {"retry_at": now + failure.retry_after}


def run_reminders(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
    team_id: str | None = None,
) -> SweepReport:
    """One sweep (of one workspace's check-ins with `team_id`, in multi-workspace mode, where `client` has that
    workspace's token). Database errors propagate (the sweep could not run); one recruiter's failure never stops
    others."""
    report = SweepReport()
    # First: nobody is reminded of, or warned about, a candidate whose time is up, by this workspace's own periods.
    erase_expired(
        sessions=sessions, retention=settings.retention, now=now, dry_run=dry_run, report=report, team_id=team_id
    )
    clock = run_clock(now)
    reminders, warned = _claims(settings.policy)
    if not dry_run:
        with sessions.begin() as session:
            plan_warnings(session, settings.retention, now=now, team_id=team_id)
        dms = select(Checkin.claim_token, Recruiter.user_id, Recruiter.dm_channel).join(Checkin.recruiter)
        dms = dms.where(of_team(Checkin.team_id, team_id))
        reminders.settle(sessions=sessions, client=client, claims=dms, now=now, report=report)
        dms = select(RetentionWarning.claim_token, Recruiter.user_id, Recruiter.dm_channel).join(
            RetentionWarning.recruiter
        )
        dms = dms.where(of_team(RetentionWarning.team_id, team_id))
        warned.settle(sessions=sessions, client=client, claims=dms, now=now, report=report)
    with sessions.begin() as session:
        recruiter_ids = sorted(
            set(session.scalars(select(Checkin.recruiter_id).where(eligible(now), of_team(Checkin.team_id, team_id))))
            | set(
                session.scalars(
                    select(RetentionWarning.recruiter_id).where(
                        warning_due(now), of_team(RetentionWarning.team_id, team_id)
                    )
                )
            )
        )
    to_each_recruiter(
        recruiter_ids,
        lambda recruiter_id: deliver(
            sessions=sessions,
            client=client,
            settings=settings,
            claims=reminders,
            recruiter_id=recruiter_id,
            now=now,
            clock=clock,
            dry_run=dry_run,
            report=report,
        ),
        what="reminders",
        report=report,
    )
    logger.info(
        "reminder sweep: %s messages, %s check-ins, %s retention warnings, %s waiting for working hours, %s at the "
        "daily cap, %s deferred, %s failed",
        report.messages,
        report.checkins,
        report.warnings,
        report.waiting_for_working_hours,
        report.at_daily_cap,
        report.deferred,
        report.failed,
    )
    return report


def deliver(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    claims: Claims,
    recruiter_id: int,
    now: datetime,
    clock: Callable[[], datetime],
    dry_run: bool,
    report: SweepReport,
) -> bool:
    """Claim, post and record one recruiter's due check-ins and retention warnings, if it is working hours where
    they are: check-ins as today's cap leaves room, the strongest and most recent first, at most MAX_ITEMS in one DM;
    warnings whatever the cap (an erasure does not wait), the soonest first, at most MAX_WARNINGS.

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
    user_id, tz = found
    cap, day = settings.checkins_per_day, settings.working_hours.local_day(now, tz)
    if dry_run:
        with sessions.begin() as session:
            room = allowance(session, recruiter_id=recruiter_id, cap=cap, day=day, now=now)
            warning_ids = _first_warnings(session, recruiter_id, now)
            limit = min(room, checkin_room(len(warning_ids)))
            due = _listed(session, _first_due(session, recruiter_id, now, limit=limit))
            names = ", ".join(f"{c.candidate.name} ({c.rejection.role_title})" for c in due)
            checkins_waiting = _any_due(session, recruiter_id, now)
        if not room and checkins_waiting:
            _at_cap(report, user_id, cap)
        if due:
            report.lines.append(f"<@{user_id}>: would DM {len(due)} check-in(s): {names}")
        if warning_ids:
            report.lines.append(f"<@{user_id}>: would warn of {len(warning_ids)} erasure(s)")
        return False

    claimed_at = clock()
    token = None
    with sessions.begin() as session:
        # The allowance locks the recruiter until this claim commits: two sweeps cannot both spend it.
        room = allowance(session, recruiter_id=recruiter_id, cap=cap, day=day, now=now)
        warning_ids = _first_warnings(session, recruiter_id, now)
        if ids := _first_due(session, recruiter_id, now, limit=min(room, checkin_room(len(warning_ids)))):
            due = and_(Checkin.id.in_(ids), eligible(now))
            token = claims.claim(session, due, at=claimed_at, claimed_at=claimed_at)
        if warning_ids:
            due = and_(RetentionWarning.id.in_(warning_ids), warning_due(now))
            token = claims.also[0].claim(session, due, at=claimed_at, token=token)
        checkins_waiting = not room and _any_due(session, recruiter_id, now)
    if checkins_waiting:
        _at_cap(report, user_id, cap)
    if token is None:
        return False  # nothing due that the cap allows, or another sweep got there first
    with sessions.begin() as session:
        claimed = _claimed(session, token)
        warnings = [(w.candidate, w.expires_at) for w in _claimed_warnings(session, token)]
        if not (claimed or warnings):
            return False  # another sweep got there first
        waiting = session.scalar(select(func.count()).where(eligible(now), Checkin.recruiter_id == recruiter_id)) or 0
        more = min(waiting, room - len(claimed))  # today's allowance covers these: later sweeps send them
        later = waiting - more  # held back by the cap
        reply = build_reminder(
            claimed, more=more, later=later, per_day=cap, policy=settings.policy, now=now, warnings=warnings
        )
        count = len(claimed)
    failure = claims.post(
        sessions=sessions, client=client, token=token, channel=user_id, reply=reply, now=now, report=report
    )
    if failure is not None:
        note_refusal(sessions=sessions, client=client, recruiter_id=recruiter_id, failure=failure, now=now)
        return failure.rate_limited
    report.checkins += count
    report.warnings += len(warnings)
    held = f", {later} held for the next working days by the daily cap" if later else ""
    warned = f", warned of {len(warnings)} erasure(s)" if warnings else ""
    report.lines.append(f"<@{user_id}>: sent {count} check-in(s){held}{warned}")
    return False


def _at_cap(report: SweepReport, user_id: str, cap: int) -> None:
    report.at_daily_cap += 1
    report.lines.append(f"<@{user_id}>: daily cap reached ({cap} a day): the rest wait for the next working day")


# How far a rejected candidate got, for "strongest first": final before interview before screen.
_STAGE_RANK = case({stage: rank for rank, stage in enumerate(STAGES)}, value=Rejection.stage, else_=-1)


def _priority() -> tuple[UnaryExpression[object], ...]:
    """Which due check-ins go first when the cap or a DM's size holds some back: the strongest (how far they got,
    then their rating, none counting lowest), then the most recently rejected, who remember the team best; rejected
    at the same instant, in the order they were recorded."""
    return (
        _STAGE_RANK.desc(),
        func.coalesce(Rejection.rating, 0).desc(),
        Rejection.rejected_at.desc(),
        Checkin.id.asc(),
    )


def _first_due(session: Session, recruiter_id: int, now: datetime, *, limit: int) -> list[int]:
    """The ids of the recruiter's `limit` first due check-ins, in priority order.

    Reads the recruiter's due rows only (ix_checkins_recruiter_id_status_due_at) and each one's rejection by key:
    the cost follows the number due, never the history.
    """
    if limit <= 0:
        return []
    query = (
        select(Checkin.id)
        .join(Rejection, Rejection.id == Checkin.rejection_id)
        .where(eligible(now), Checkin.recruiter_id == recruiter_id)
        .order_by(*_priority())
        .limit(limit)
    )
    return list(session.scalars(query))


def _any_due(session: Session, recruiter_id: int, now: datetime) -> bool:
    """Whether the recruiter has check-ins due at all (held back by the cap, when there is no room)."""
    query = select(Checkin.id).where(eligible(now), Checkin.recruiter_id == recruiter_id).limit(1)
    return session.scalar(query) is not None


def _first_warnings(session: Session, recruiter_id: int, now: datetime) -> list[int]:
    """The ids of the recruiter's undelivered retention warnings, the soonest erasure first, at most MAX_WARNINGS."""
    query = (
        select(RetentionWarning.id)
        .where(warning_due(now), RetentionWarning.recruiter_id == recruiter_id)
        .order_by(RetentionWarning.expires_at, RetentionWarning.id)
        .limit(MAX_WARNINGS)
    )
    return list(session.scalars(query))


def _claimed_warnings(session: Session, token: str, *, lock: bool = False) -> Sequence[RetentionWarning]:
    """The warnings a claim holds, the soonest erasure first, with their candidates."""
    query = (
        select(RetentionWarning)
        .options(joinedload(RetentionWarning.candidate), joinedload(RetentionWarning.recruiter))
        .where(RetentionWarning.claim_token == token)
        .order_by(RetentionWarning.expires_at, RetentionWarning.id)
    )
    if lock:
        query = query.with_for_update(of=RetentionWarning)
    return session.scalars(query).all()


def _with_details() -> Select[tuple[Checkin]]:
    """Check-ins with what a reminder shows about them, in priority order."""
    return (
        select(Checkin)
        .join(Checkin.rejection)
        .options(contains_eager(Checkin.rejection), joinedload(Checkin.candidate))
        .order_by(*_priority())
    )


def _listed(session: Session, ids: Sequence[int]) -> Sequence[Checkin]:
    return session.scalars(_with_details().where(Checkin.id.in_(ids))).all() if ids else []


def _claimed(session: Session, token: str, *, lock: bool = False) -> Sequence[Checkin]:
    """The rows a claim holds; `lock` makes a second settler of the same claim wait, then find them released."""
    query = _with_details().where(Checkin.claim_token == token)
    if lock:
        query = query.with_for_update(of=Checkin)
    return session.scalars(query).all()


def record_sent(session: Session, *, token: str, channel: str, ts: str, policy: Policy, now: datetime) -> int:
    """The DM is in Slack: log it, release the claim, move each check-in to its next step and mark each warning sent.

    Returns how many check-ins and warnings this call recorded: none when another sweep settled the same claim first.
    """
    claimed = _claimed(session, token, lock=True)
    warnings = _claimed_warnings(session, token, lock=True)
    for warning in warnings:
        warning.sent_at, warning.channel, warning.ts = now, channel, ts
        warning.claim_token = warning.claim_expires_at = warning.retry_at = None
        warning.recruiter.dm_channel = channel
    for checkin in claimed:
        exists = session.scalar(
            select(ReminderSent.id).where(ReminderSent.checkin_id == checkin.id, ReminderSent.step == checkin.step)
        )
        if exists is None:
            # Sent at the sweep's instant: the day the daily cap counts it on is the day the sweep was working in.
            sent = ReminderSent(
                team_id=checkin.team_id, checkin_id=checkin.id, step=checkin.step, channel=channel, ts=ts, sent_at=now
            )
            session.add(sent)
        checkin.step, checkin.due_at = policy.after_send(step=checkin.step, due_at=checkin.due_at, now=now)
        checkin.claim_token = checkin.claimed_at = checkin.claim_expires_at = checkin.retry_at = None
        checkin.recruiter.dm_channel = channel
    return len(claimed) + len(warnings)
