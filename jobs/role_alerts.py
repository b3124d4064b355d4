"""Reopen alerts: when a hire falls through, DM each recruiter who owns a finalist of that role.

`/role reopen` queues one RoleAlert per owning recruiter and delivers at once those inside their working hours;
the reminder sweep delivers the rest when their day starts. Delivery is exactly once, like reminders
(jobs/delivery.py): the alerts are claimed in the database before the DM is posted, and an uncertain post is settled
by finding its token again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.blocks.role_alerts import build_role_alert
from bot.config import Settings
from bot.ids import ROLE_ALERT_METADATA_TYPE
from bot.timezones import refresh_timezone
from jobs.delivery import Claims, RunReport, of_team, run_clock, to_each_recruiter
from jobs.departures import note_refusal
from jobs.slack_errors import Failure, Outcome
from models import Recruiter, Role, RoleAlert, RoleStatus
from models.recruiter import STAYING
from models.roles import Finalist, role_finalists

RELEASED: dict[str, object] = {"claim_token": None, "claim_expires_at": None}
logger = logging.getLogger(__name__)


@dataclass
class AlertReport(RunReport):
    """What one delivery run did."""

    alerts: int = 0
    waiting_for_working_hours: int = 0

    def summary(self) -> str:
        return (
            f"{self.messages} reopen alert message(s) for {self.alerts} role(s), "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.deferred} deferred, "
            f"{self.failed} failed"
        )


def pending(role_id: int | None = None) -> ColumnElement[bool]:
    """For a recruiter still in Slack: unsent, unclaimed, not stuck on a permanent error, for a role still open."""
    condition = and_(
        RoleAlert.sent_at.is_(None),
        RoleAlert.claim_token.is_(None),
        RoleAlert.delivery_error.is_(None),
        RoleAlert.role_id.in_(select(Role.id).where(Role.status == RoleStatus.OPEN)),
        # Held while their recruiter is gone from Slack (models/handover.py).
        select(STAYING.departed_at.is_(None)).where(STAYING.id == RoleAlert.recruiter_id).scalar_subquery(),
    )
    return condition if role_id is None else and_(condition, RoleAlert.role_id == role_id)


def record_sent(session: Session, *, token: str, channel: str | None, ts: str | None, now: datetime) -> int:
    """The alerts are settled: sent in this DM, or (no channel) left with nothing to say."""
    result = session.execute(
        update(RoleAlert)
        .where(RoleAlert.claim_token == token)
        .values(**RELEASED, sent_at=now, channel=channel, ts=ts)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _refused(failure: Failure, now: datetime) -> Mapping[str, object]:
    """A permanent refusal keeps the alert from being tried again; anything else is tried by the next sweep."""
    return {"delivery_error": failure.reason} if failure.outcome is Outcome.PERMANENT else {}


CLAIMS = Claims(
    what="reopen alerts",
    logger=logger,
    event_type=ROLE_ALERT_METADATA_TYPE,
    token=RoleAlert.claim_token,
    expires=RoleAlert.claim_expires_at,
    released=RELEASED,
    record=record_sent,
    refused=_refused,
)


def deliver_role_alerts(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    now: datetime,
    role_id: int | None = None,
    team_id: str | None = None,
) -> AlertReport:
    """Post every pending alert (of one role, or all; of one workspace with `team_id`) whose recruiter is inside
    working hours, one DM per recruiter."""
    report = AlertReport()
    clock = run_clock(now)
    dms = select(RoleAlert.claim_token, Recruiter.user_id, Recruiter.dm_channel).join(RoleAlert.recruiter)
    dms = dms.where(of_team(Recruiter.team_id, team_id))
    CLAIMS.settle(sessions=sessions, client=client, claims=dms, now=now, report=report)
    with sessions.begin() as session:
        recruiter_ids = session.scalars(
            select(RoleAlert.recruiter_id).where(pending(role_id), of_team(RoleAlert.team_id, team_id)).distinct()
        ).all()
    to_each_recruiter(
        sorted(recruiter_ids),
        lambda recruiter_id: _deliver(
            sessions=sessions,
            client=client,
            settings=settings,
            recruiter_id=recruiter_id,
            role_id=role_id,
            now=now,
            clock=clock,
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
    clock: Callable[[], datetime],
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
    with sessions.begin() as session:
        token = CLAIMS.claim(session, and_(pending(role_id), RoleAlert.recruiter_id == recruiter_id), at=clock())
    with sessions.begin() as session:
        alerts = _claimed(session, token)
        roles = [(alert.role, _owned(session, alert)) for alert in alerts]
        worth_sending = [(role, finalists) for role, finalists in roles if finalists]
        if not worth_sending:  # every finalist was erased, stopped or taken since: nothing left to say
            record_sent(session, token=token, channel=None, ts=None, now=now)
            return False
        reply = build_role_alert(worth_sending, now=now)
    failure = CLAIMS.post(
        sessions=sessions, client=client, token=token, channel=user_id, reply=reply, now=now, report=report
    )
    if failure is not None:
        note_refusal(sessions=sessions, client=client, recruiter_id=recruiter_id, failure=failure, now=now)
        return failure.rate_limited
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
