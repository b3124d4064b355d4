"""The reminder sweep: DM each recruiter, inside their working hours, one message listing their due check-ins.

Exactly once: due rows are claimed in the database (an atomic UPDATE on a NULL claim) before anything is posted,
and each DM carries the claim token (jobs/delivery.py), so a claim whose outcome is unknown is settled by finding
the DM again. So no due check-in is lost, and none is posted twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.blocks.reminders import MAX_ITEMS, build_reminder
from bot.config import Settings
from bot.ids import REMINDER_METADATA_TYPE
from bot.timezones import refresh_timezone
from jobs.delivery import find_posted, metadata, posted, to_each_recruiter
from jobs.slack_errors import RATELIMITED, Failure, Outcome, classify
from models import Candidate, Checkin, CheckinStatus, Recruiter, ReminderSent
from models.policy import Policy

# Longer than any one post can take (client timeout plus one rate-limit wait), so a live claim never expires.
LEASE = timedelta(minutes=10)
RELEASED: dict[str, object] = {"claim_token": None, "claimed_at": None, "claim_expires_at": None}
logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one sweep did, for logs, the CLI and tests."""

    messages: int = 0
    checkins: int = 0
    waiting_for_working_hours: int = 0
    deferred: int = 0
    failed: int = 0
    recovered: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.messages} message(s), {self.checkins} check-in(s) sent, "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.deferred} deferred, "
            f"{self.failed} failed, {self.recovered} found already delivered"
        )


def eligible(now: datetime) -> ColumnElement[bool]:
    """Active, due, unclaimed, not waiting out a rate limit, and not stuck on a permanent error."""
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
    )


def run_reminders(
    *, sessions: sessionmaker[Session], client: WebClient, settings: Settings, now: datetime, dry_run: bool = False
) -> SweepReport:
    """One sweep. Database errors propagate (the sweep could not run); one recruiter's failure never stops others."""
    report = SweepReport()
    started = time.monotonic()

    def clock() -> datetime:
        """The sweep's instant plus the real time it has taken, so a late claim's lease is not born expired."""
        return now + timedelta(seconds=time.monotonic() - started)

    if not dry_run:
        settle_uncertain(sessions=sessions, client=client, policy=settings.policy, now=now, report=report)
    with sessions.begin() as session:
        recruiter_ids = sorted(session.scalars(select(Checkin.recruiter_id).where(eligible(now)).distinct()).all())
    to_each_recruiter(
        recruiter_ids,
        lambda recruiter_id: deliver(
            sessions=sessions,
            client=client,
            settings=settings,
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
        "reminder sweep: %s messages, %s check-ins, %s waiting for working hours, %s deferred, %s failed",
        report.messages,
        report.checkins,
        report.waiting_for_working_hours,
        report.deferred,
        report.failed,
    )
    return report


def deliver(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    recruiter_id: int,
    now: datetime,
    clock: Callable[[], datetime],
    dry_run: bool,
    report: SweepReport,
) -> bool:
    """Claim, post and record one recruiter's due check-ins, if it is working hours where they are.

    Returns True when Slack refused the post for its rate even after the client waited Retry-After once.
    """
    with sessions.begin() as session:
        recruiter = session.get_one(Recruiter, recruiter_id)
        team_id, user_id, tz = recruiter.team_id, recruiter.user_id, recruiter.tz
    if not dry_run:
        tz = refresh_timezone(sessions=sessions, client=client, team_id=team_id, user_id=user_id, now=now)
    if not settings.working_hours.allows(now, tz):
        report.waiting_for_working_hours += 1
        report.lines.append(f"<@{user_id}>: waiting for working hours ({tz or settings.working_hours.default_tz})")
        return False
    if dry_run:
        with sessions.begin() as session:
            due = _due(session, recruiter_id, now, limit=MAX_ITEMS)
            names = ", ".join(f"{c.candidate.name} ({c.rejection.role_title})" for c in due)
            report.lines.append(f"<@{user_id}>: would DM {len(due)} check-in(s): {names}")
        return False

    token = str(uuid.uuid4())
    claimed_at = clock()
    with sessions.begin() as session:
        ids = [c.id for c in _due(session, recruiter_id, now, limit=MAX_ITEMS)]
        session.execute(
            update(Checkin)
            .where(Checkin.id.in_(ids), eligible(now))
            .values(claim_token=token, claimed_at=claimed_at, claim_expires_at=claimed_at + LEASE)
            .execution_options(synchronize_session=False)
        )
    with sessions.begin() as session:
        claimed = _claimed(session, token)
        if not claimed:
            return False  # another sweep got there first
        more = session.scalar(select(func.count()).where(eligible(now), Checkin.recruiter_id == recruiter_id)) or 0
        reply = build_reminder(claimed, more=more, policy=settings.policy, now=now)
        count = len(claimed)

    try:
        response = client.chat_postMessage(
            channel=user_id,
            text=reply["text"],
            blocks=reply["blocks"],
            metadata=metadata(REMINDER_METADATA_TYPE, token),
        )
        channel, ts = posted(response)
    except (SlackClientError, OSError, ValueError) as error:  # ValueError: a body that is not JSON
        failure = _failed(sessions=sessions, token=token, error=error, now=now, report=report, user_id=user_id)
        return failure.outcome is Outcome.RETRY and failure.reason == RATELIMITED
    record_sent(sessions=sessions, token=token, channel=channel, ts=ts, policy=settings.policy, now=now)
    report.messages += 1
    report.checkins += count
    report.lines.append(f"<@{user_id}>: sent {count} check-in(s)")
    return False


def _with_details() -> Select[tuple[Checkin]]:
    """Check-ins with what a reminder shows about them, soonest due first."""
    return (
        select(Checkin)
        .options(joinedload(Checkin.candidate), joinedload(Checkin.rejection))
        .order_by(Checkin.due_at, Checkin.id)
    )


def _due(session: Session, recruiter_id: int, now: datetime, *, limit: int) -> Sequence[Checkin]:
    query = _with_details().where(eligible(now), Checkin.recruiter_id == recruiter_id).limit(limit)
    return session.scalars(query).all()


def _claimed(session: Session, token: str, *, lock: bool = False) -> Sequence[Checkin]:
    """The rows a claim holds; `lock` makes a second settler of the same claim wait, then find them released."""
    query = _with_details().where(Checkin.claim_token == token)
    if lock:
        query = query.with_for_update(of=Checkin)
    return session.scalars(query).all()


def record_sent(
    *, sessions: sessionmaker[Session], token: str, channel: str, ts: str, policy: Policy, now: datetime
) -> int:
    """The DM is in Slack: log it, release the claim and move each check-in to its next step.

    Returns how many check-ins this call recorded: none when another sweep settled the same claim first.
    """
    with sessions.begin() as session:
        claimed = _claimed(session, token, lock=True)
        for checkin in claimed:
            exists = session.scalar(
                select(ReminderSent.id).where(ReminderSent.checkin_id == checkin.id, ReminderSent.step == checkin.step)
            )
            if exists is None:
                session.add(
                    ReminderSent(
                        team_id=checkin.team_id, checkin_id=checkin.id, step=checkin.step, channel=channel, ts=ts
                    )
                )
            checkin.step, checkin.due_at = policy.after_send(step=checkin.step, due_at=checkin.due_at, now=now)
            checkin.claim_token = checkin.claimed_at = checkin.claim_expires_at = checkin.retry_at = None
            checkin.recruiter.dm_channel = channel
        return len(claimed)


def _failed(
    *, sessions: sessionmaker[Session], token: str, error: Exception, now: datetime, report: SweepReport, user_id: str
) -> Failure:
    """Give up (permanent), wait and retry (rate limits and the like), or verify before retrying (unknown)."""
    failure = classify(error)
    claim = Checkin.claim_token == token
    values: dict[str, object]
    if failure.outcome is Outcome.PERMANENT:
        logger.warning(
            "reminders to %s stopped: Slack said %s; an admin can retry from App Home", user_id, failure.reason
        )
        values = {**RELEASED, "delivery_error": failure.reason, "delivery_failed_at": now}
        report.failed += 1
    elif failure.outcome is Outcome.RETRY:
        logger.warning("reminders to %s deferred for %s: %s", user_id, failure.retry_after, failure.reason)
        values = {**RELEASED, "retry_at": now + failure.retry_after}
        report.deferred += 1
    else:
        # Keep the claim but let it expire now: the next sweep checks the DM's history before anything else.
        logger.warning("reminders to %s may or may not have arrived (%s): will check", user_id, failure.reason)
        values = {"claim_expires_at": now}
        report.deferred += 1
    with sessions.begin() as session:
        session.execute(update(Checkin).where(claim).values(**values).execution_options(synchronize_session=False))
    return failure


def settle_uncertain(
    *, sessions: sessionmaker[Session], client: WebClient, policy: Policy, now: datetime, report: SweepReport
) -> None:
    """For each claim that expired with its outcome unknown, look for its DM: record it, or release the claim."""
    with sessions.begin() as session:
        rows = session.execute(
            select(Checkin.claim_token, Recruiter.user_id, Recruiter.dm_channel)
            .join(Checkin.recruiter)
            .where(Checkin.claim_token.is_not(None), Checkin.claim_expires_at <= now)
            .distinct()
        ).all()
    for token, user_id, dm_channel in rows:
        try:
            channel = dm_channel or str(client.conversations_open(users=user_id)["channel"]["id"])
            ts = find_posted(client, channel=channel, event_type=REMINDER_METADATA_TYPE, token=token)
        except (SlackClientError, OSError, ValueError) as error:
            if classify(error).outcome is not Outcome.PERMANENT:
                logger.warning("could not check whether a reminder reached %s (%s); will retry", user_id, error)
                continue
            # Slack will never answer for this user: release the claim, and the next post records why.
            logger.warning("cannot check reminders to %s: %s", user_id, classify(error).reason)
            ts = None
        if ts is not None:
            if record_sent(sessions=sessions, token=token, channel=channel, ts=ts, policy=policy, now=now):
                report.recovered += 1
            continue
        with sessions.begin() as session:
            session.execute(
                update(Checkin)
                .where(Checkin.claim_token == token)
                .values(**RELEASED)
                .execution_options(synchronize_session=False)
            )
