"""Departures: noticing from a refused DM that a recruiter left, and telling each admin once, inside their working
hours, with a picker to hand over what the recruiter kept warm.

The admins' DMs are delivered exactly once like reminders (jobs/delivery.py): one row per admin and departure is
claimed before the DM is posted, and a post whose outcome is unknown is settled by finding its token again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.blocks.handover import DM_DEPARTURES_MAX, build_departure_dm
from bot.config import Settings
from bot.ids import DEPARTURE_METADATA_TYPE
from jobs.delivery import Claims, RunReport, in_working_hours, of_team, run_clock, stop_or_wait, to_each_recruiter
from jobs.slack_errors import CALL_ERRORS, Failure, Outcome
from models import DepartureNotice, Recruiter
from models.handover import DEPARTURE_ERRORS, Held, departures, dm_entries, mark_departed
from models.records import get_or_create_recruiter

RELEASED: dict[str, object] = {"claim_token": None, "claim_expires_at": None}
logger = logging.getLogger(__name__)


@dataclass
class DepartureReport(RunReport):
    """What one run did."""

    queued: int = 0
    waiting_for_working_hours: int = 0
    unattended: int = 0  # departures holding candidates with no admin to tell

    def summary(self) -> str:
        unattended = f", {self.unattended} held with no admin to tell" if self.unattended else ""
        return (
            f"{self.messages} departure message(s), {self.queued} queued, "
            f"{self.waiting_for_working_hours} waiting for working hours, {self.deferred} deferred, "
            f"{self.failed} failed{unattended}"
        )


def note_refusal(
    *, sessions: sessionmaker[Session], client: WebClient, recruiter_id: int, failure: Failure, now: datetime
) -> bool:
    """After Slack refused a DM with `account_inactive` or `user_not_found`, ask users.info whether the recruiter is
    really gone (deleted, or unknown) before holding what they keep warm: `account_inactive` also answers a token
    whose workspace is gone, which must not make everyone a departure. True when this noted a departure."""
    if failure.outcome is not Outcome.PERMANENT or failure.reason not in DEPARTURE_ERRORS:
        return False
    with sessions.begin() as session:
        recruiter = session.get_one(Recruiter, recruiter_id)
        team_id, user_id = recruiter.team_id, recruiter.user_id
    try:
        gone = bool(client.users_info(user=user_id)["user"].get("deleted"))
    except SlackApiError as error:
        gone = error.response.get("error") == "user_not_found"
        if not gone:
            logger.warning("could not check whether %s left: Slack said %s", user_id, error.response.get("error"))
    except CALL_ERRORS as error:
        logger.warning("could not check whether %s left: %s", user_id, error)
        return False
    if not gone:
        return False
    with sessions.begin() as session:
        noted = mark_departed(session, team_id=team_id, user_id=user_id, now=now) is not None
    if noted:
        logger.warning("%s left (Slack said %s): what they keep warm waits for a handover", user_id, failure.reason)
    return noted


def due(now: datetime) -> ColumnElement[bool]:
    """Unsent, unclaimed, not stuck nor waiting out a rate limit, not handed over yet, and about a departure that still
    stands (a recruiter who came back is nobody's concern)."""
    return and_(
        DepartureNotice.sent_at.is_(None),
        DepartureNotice.claim_token.is_(None),
        DepartureNotice.delivery_error.is_(None),
        DepartureNotice.handed_to.is_(None),
        or_(DepartureNotice.retry_at.is_(None), DepartureNotice.retry_at <= now),
        select(Recruiter.departed_at == DepartureNotice.departed_at)
        .where(Recruiter.id == DepartureNotice.recruiter_id)
        .scalar_subquery(),
    )


def record_sent(session: Session, *, token: str, channel: str | None, ts: str | None, now: datetime) -> int:
    """The DM is in Slack (or, with no channel, had nothing left to say): the notices are sent, in it."""
    result = session.execute(
        update(DepartureNotice)
        .where(DepartureNotice.claim_token == token)
        .values(**RELEASED, retry_at=None, sent_at=now, channel=channel, ts=ts)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


CLAIMS = Claims(
    what="departure notices",
    logger=logger,
    event_type=DEPARTURE_METADATA_TYPE,
    token=DepartureNotice.claim_token,
    expires=DepartureNotice.claim_expires_at,
    released=RELEASED,
    record=record_sent,
    refused=stop_or_wait,
)


def run_departures(
    *, sessions: sessionmaker[Session], client: WebClient, settings: Settings, now: datetime, team_id: str | None = None
) -> DepartureReport:
    """Queue one DM per admin for each departure still holding candidates, then deliver those in working hours (of
    one workspace with `team_id`, in multi-workspace mode, where `client` and `settings` are that workspace's)."""
    report = DepartureReport()
    clock = run_clock(now)
    queue(sessions, admins=settings.admin_user_ids, now=now, team_id=team_id, report=report)
    dms = select(DepartureNotice.claim_token, Recruiter.user_id, Recruiter.dm_channel).join(
        Recruiter, Recruiter.id == DepartureNotice.admin_id
    )
    dms = dms.where(of_team(DepartureNotice.team_id, team_id))
    CLAIMS.settle(sessions=sessions, client=client, claims=dms, now=now, report=report)
    with sessions.begin() as session:
        mine = of_team(DepartureNotice.team_id, team_id)
        admin_ids = sorted(session.scalars(select(DepartureNotice.admin_id).where(due(now), mine).distinct()).all())
    to_each_recruiter(
        admin_ids,
        lambda admin_id: _deliver(
            sessions=sessions, client=client, settings=settings, admin_id=admin_id, now=now, clock=clock, report=report
        ),
        what="departure notices",
        report=report,
    )
    return report


def queue(
    sessions: sessionmaker[Session],
    *,
    admins: frozenset[str] | set[str],
    now: datetime,
    report: DepartureReport,
    team_id: str | None = None,
) -> None:
    """One notice per admin and departure (of one workspace with `team_id`, whose admins `admins` are), once: the
    unique key makes a second run add nothing. A departure with no admin to tell stays held, and is logged each run
    until ADMIN_USER_IDS names one: nobody else may hand it over."""
    with sessions.begin() as session:
        left = select(Recruiter.team_id).where(Recruiter.departed_at.is_not(None), of_team(Recruiter.team_id, team_id))
        teams = session.scalars(left.distinct()).all()
        for team in teams:
            for held in departures(session, team_id=team, now=now):
                recruiter = session.get_one(Recruiter, held.recruiter_id)
                tell = sorted(admins - {held.user_id})
                if not tell:
                    report.unattended += 1
                    logger.warning(
                        "%s left, holding %d candidate(s), and no admin (ADMIN_USER_IDS) is there to hand them over",
                        held.user_id,
                        held.candidates,
                    )
                for admin_user in tell:
                    admin = get_or_create_recruiter(session=session, team_id=team, user_id=admin_user)
                    exists = session.scalar(
                        select(DepartureNotice.id).where(
                            DepartureNotice.recruiter_id == recruiter.id,
                            DepartureNotice.departed_at == recruiter.departed_at,
                            DepartureNotice.admin_id == admin.id,
                        )
                    )
                    if exists is None and recruiter.departed_at is not None:
                        session.add(
                            DepartureNotice(
                                team_id=team,
                                recruiter_id=recruiter.id,
                                departed_at=recruiter.departed_at,
                                admin_id=admin.id,
                                created_at=now,
                            )
                        )
                        report.queued += 1


def _deliver(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    admin_id: int,
    now: datetime,
    clock: Callable[[], datetime],
    report: DepartureReport,
) -> bool:
    """One admin's due notices in one DM, inside their working hours; True when Slack rate limited it."""
    found = in_working_hours(
        sessions=sessions,
        client=client,
        working_hours=settings.working_hours,
        recruiter_id=admin_id,
        now=now,
        dry_run=False,
        report=report,
    )
    if found is None:
        return False
    user_id, _ = found
    with sessions.begin() as session:
        first = select(DepartureNotice.id).where(due(now), DepartureNotice.admin_id == admin_id)
        ids = session.scalars(first.order_by(DepartureNotice.id).limit(DM_DEPARTURES_MAX)).all()
        token = CLAIMS.claim(session, and_(due(now), DepartureNotice.id.in_(ids)), at=clock())
    with sessions.begin() as session:
        claimed = session.scalars(
            select(DepartureNotice)
            .options(joinedload(DepartureNotice.recruiter))
            .where(DepartureNotice.claim_token == token)
            .order_by(DepartureNotice.id)
        ).all()
        if not claimed:
            return False  # another run got there first
        entries = dm_entries(session, claimed, now)
        if not any(isinstance(entry, Held) and entry.candidates for entry in entries):
            record_sent(session, token=token, channel=None, ts=None, now=now)  # handed over meanwhile
            return False
        reply = build_departure_dm(entries)
    failure = CLAIMS.post(
        sessions=sessions, client=client, token=token, channel=user_id, reply=reply, now=now, report=report
    )
    if failure is not None:
        return failure.rate_limited
    report.lines.append(f"<@{user_id}>: told of {len(entries)} departure(s)")
    return False
