"""Reopen alerts: when a hire falls through, DM each recruiter who owns a finalist of that role.

`/role reopen` queues one RoleAlert per owning recruiter and delivers at once those inside their working hours;
the reminder sweep delivers the rest when their day starts. Delivery is exactly once, like reminders: the alerts are
claimed in the database before the DM is posted, and an uncertain post is settled by finding its token again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.blocks.role_alerts import build_role_alert
from bot.config import Settings
from bot.ids import ROLE_ALERT_METADATA_TYPE
from bot.timezones import refresh_timezone
from jobs.delivery import find_posted, metadata, posted, to_each_recruiter
from jobs.slack_errors import RATELIMITED, Failure, Outcome, classify
from models import Recruiter, Role, RoleAlert, RoleStatus
from models.roles import Finalist, role_finalists

LEASE = timedelta(minutes=10)
RELEASED: dict[str, object] = {"claim_token": None, "claim_expires_at": None}
logger = logging.getLogger(__name__)


@dataclass
class AlertReport:
    """What one delivery run did."""

    messages: int = 0
    alerts: int = 0
    waiting_for_working_hours: int = 0
    deferred: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.messages} reopen alert message(s) for {self.alerts} role(s), "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.deferred} deferred, "
            f"{self.failed} failed"
        )


def pending(role_id: int | None = None) -> ColumnElement[bool]:
    """Unsent, unclaimed, not stuck on a permanent error, for a role that is still open."""
    condition = and_(
        RoleAlert.sent_at.is_(None),
        RoleAlert.claim_token.is_(None),
        RoleAlert.delivery_error.is_(None),
        RoleAlert.role_id.in_(select(Role.id).where(Role.status == RoleStatus.OPEN)),
    )
    return condition if role_id is None else and_(condition, RoleAlert.role_id == role_id)


def deliver_role_alerts(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    now: datetime,
    role_id: int | None = None,
) -> AlertReport:
    """Post every pending alert (of one role, or all) whose recruiter is inside working hours, one DM per recruiter."""
    report = AlertReport()
    _settle_uncertain(sessions=sessions, client=client, now=now)
    with sessions.begin() as session:
        recruiter_ids = session.scalars(select(RoleAlert.recruiter_id).where(pending(role_id)).distinct()).all()
    to_each_recruiter(
        sorted(recruiter_ids),
        lambda recruiter_id: _deliver(
            sessions=sessions,
            client=client,
            settings=settings,
            recruiter_id=recruiter_id,
            role_id=role_id,
            now=now,
            report=report,
        ),
        what="reopen alerts",
        report=report,
    )
    return report


def _deliver(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    recruiter_id: int,
    role_id: int | None,
    now: datetime,
    report: AlertReport,
) -> bool:
    """Deliver one recruiter's pending alerts in one DM; True when Slack rate limited it even after a retry."""
    with sessions.begin() as session:
        recruiter = session.get_one(Recruiter, recruiter_id)
        team_id, user_id = recruiter.team_id, recruiter.user_id
    tz = refresh_timezone(sessions=sessions, client=client, team_id=team_id, user_id=user_id, now=now)
    if not settings.working_hours.allows(now, tz):
        report.waiting_for_working_hours += 1
        return False
    token = str(uuid.uuid4())
    with sessions.begin() as session:
        session.execute(
            update(RoleAlert)
            .where(pending(role_id), RoleAlert.recruiter_id == recruiter_id)
            .values(claim_token=token, claim_expires_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    with sessions.begin() as session:
        alerts = _claimed(session, token)
        roles = [(alert.role, _owned(session, alert)) for alert in alerts]
        worth_sending = [(role, finalists) for role, finalists in roles if finalists]
        if not worth_sending:  # every finalist was erased, stopped or taken since: nothing left to say
            _mark_sent(session, token, now=now, channel=None, ts=None)
            return False
        reply = build_role_alert(worth_sending, now=now)
    try:
        response = client.chat_postMessage(
            channel=user_id,
            text=reply["text"],
            blocks=reply["blocks"],
            metadata=metadata(ROLE_ALERT_METADATA_TYPE, token),
        )
        channel, ts = posted(response)
    except (SlackClientError, OSError, ValueError) as error:  # ValueError: a body that is not JSON, or no ts
        failure = _failed(sessions=sessions, token=token, error=error, now=now, report=report, user_id=user_id)
        return failure.outcome is Outcome.RETRY and failure.reason == RATELIMITED
    with sessions.begin() as session:
        _mark_sent(session, token, now=now, channel=channel, ts=ts)
    report.messages += 1
    report.alerts += len(worth_sending)
    report.lines.append(f"<@{user_id}>: reopen alert for {', '.join(role.title for role, _ in worth_sending)}")
    return False


def _claimed(session: Session, token: str) -> Sequence[RoleAlert]:
    query = (
        select(RoleAlert)
        .options(joinedload(RoleAlert.role), joinedload(RoleAlert.recruiter))
        .where(RoleAlert.claim_token == token)
        .order_by(RoleAlert.id)
    )
    return session.scalars(query).all()


def _owned(session: Session, alert: RoleAlert) -> list[Finalist]:
    """The finalists of the alert's role whose relationship this alert's recruiter owns, as of now."""
    return [f for f in role_finalists(session=session, role=alert.role) if f.owner_recruiter_id == alert.recruiter_id]


def _mark_sent(session: Session, token: str, *, now: datetime, channel: str | None, ts: str | None) -> None:
    session.execute(
        update(RoleAlert)
        .where(RoleAlert.claim_token == token)
        .values(**RELEASED, sent_at=now, channel=channel, ts=ts)
        .execution_options(synchronize_session=False)
    )


def _failed(
    *, sessions: sessionmaker[Session], token: str, error: Exception, now: datetime, report: AlertReport, user_id: str
) -> Failure:
    """Give up (permanent), try again next sweep (rate limits), or verify before trying again (unknown)."""
    failure = classify(error)
    values: dict[str, object]
    if failure.outcome is Outcome.PERMANENT:
        logger.warning("reopen alert to %s not sent: Slack said %s", user_id, failure.reason)
        values = {**RELEASED, "delivery_error": failure.reason}
        report.failed += 1
    elif failure.outcome is Outcome.RETRY:
        logger.warning("reopen alert to %s deferred: %s", user_id, failure.reason)
        values = dict(RELEASED)
        report.deferred += 1
    else:
        logger.warning("reopen alert to %s may or may not have arrived (%s): will check", user_id, failure.reason)
        values = {"claim_expires_at": now}
        report.deferred += 1
    with sessions.begin() as session:
        session.execute(
            update(RoleAlert)
            .where(RoleAlert.claim_token == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return failure


def _settle_uncertain(*, sessions: sessionmaker[Session], client: WebClient, now: datetime) -> None:
    """For each expired claim, look for its DM: mark it sent, or release it to be sent again."""
    with sessions.begin() as session:
        rows = session.execute(
            select(RoleAlert.claim_token, Recruiter.user_id, Recruiter.dm_channel)
            .join(RoleAlert.recruiter)
            .where(RoleAlert.claim_token.is_not(None), RoleAlert.claim_expires_at <= now)
            .distinct()
        ).all()
    for token, user_id, dm_channel in rows:
        try:
            channel = dm_channel or str(client.conversations_open(users=user_id)["channel"]["id"])
            ts = find_posted(client, channel=channel, event_type=ROLE_ALERT_METADATA_TYPE, token=token)
        except (SlackClientError, OSError, ValueError) as error:
            if classify(error).outcome is not Outcome.PERMANENT:
                logger.warning("could not check whether a reopen alert reached %s (%s); will retry", user_id, error)
                continue
            ts = None
        with sessions.begin() as session:
            if ts is not None:
                _mark_sent(session, token, now=now, channel=channel, ts=ts)
            else:
                session.execute(
                    update(RoleAlert)
                    .where(RoleAlert.claim_token == token)
                    .values(**RELEASED)
                    .execution_options(synchronize_session=False)
                )
