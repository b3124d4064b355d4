"""Every schedule in one place, with an explicit time zone (APScheduler 3.x)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.metrics import Metrics
from jobs.ats_inbox import Inbox
from jobs.ats_notices import run_notices
from jobs.departures import run_departures
from jobs.digest import run_digest
from jobs.reminders import run_reminders
from jobs.role_alerts import deliver_role_alerts
from jobs.uninstalls import erase_uninstalled
from jobs.workspace_digests import DIGEST_GRACE, due_teams, run_digests
from jobs.workspaces import WorkspaceClient, for_each_workspace
from models.base import utcnow
from models.db import one_line
from models.installs import delete_abandoned_states

DIGEST_RETRY = "digest-retry"  # the job id of a digest the database kept from running
logger = logging.getLogger(__name__)
# What a sweep delivers after the ATS inbox, in order, each with its kind in the metrics.
DELIVERIES = (
    ("checkin", run_reminders),
    ("role_alert", deliver_role_alerts),
    ("ats_notice", run_notices),
    ("departure", run_departures),
)


def add_jobs(
    scheduler: BaseScheduler,
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    client: WebClient,
    metrics: Metrics,
) -> None:
    """The reminder sweep every SWEEP_MINUTES, first at start-up; a missed run is folded into the next one.

    The sweep first processes the deliveries ATS webhooks left in the inbox, and also delivers reopen alerts that
    waited for a recruiter's working hours, then the ATS notices recruiters have due, those the inbox just made
    among them, then the admins' DMs about recruiters who left.
    """

    inboxes: dict[str | None, tuple[str | None, Settings, Inbox]] = {}

    def inbox_for(workspace: WorkspaceClient) -> Inbox:
        """Each workspace's inbox lives as long as the process (its caches with it), until its token or settings
        change."""
        kept = inboxes.get(workspace.team_id)
        if kept is not None and kept[:2] == (workspace.client.token, workspace.settings):
            return kept[2]
        inbox = Inbox.for_settings(workspace.settings, workspace.client)
        inboxes[workspace.team_id] = (workspace.client.token, workspace.settings, inbox)
        return inbox

    def sweep() -> None:
        """A database that does not answer costs this run only: one warning line, and the next run tries again."""
        try:
            with metrics.timed("sweep"):
                for_each_workspace(
                    settings,
                    sessions,
                    lambda workspace: sweep_workspace(sessions, workspace, inbox_for(workspace), metrics),
                    what="the reminder sweep",
                    client=client,
                )
                if settings.multi_workspace:
                    with sessions.begin() as session:
                        delete_abandoned_states(session, now=utcnow())
                    erase_uninstalled(sessions=sessions, settings=settings, now=utcnow())
        except SQLAlchemyError as error:
            logger.warning(
                "reminder sweep could not run: the database did not answer (%s); next try in %s minute(s)",
                one_line(error),
                settings.sweep_minutes,
            )

    scheduler.add_job(
        sweep,
        IntervalTrigger(minutes=settings.sweep_minutes, timezone=UTC),
        id="reminders",
        next_run_time=utcnow(),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    logger.info("reminder sweep scheduled every %s minutes", settings.sweep_minutes)
    add_digest(scheduler, settings=settings, sessions=sessions, client=client, metrics=metrics, now=utcnow())


def sweep_workspace(
    sessions: sessionmaker[Session], workspace: WorkspaceClient, inbox: Inbox, metrics: Metrics
) -> None:
    """One workspace's sweep, with its token: the ATS inbox, then reminders (and retention), reopen alerts, ATS
    notices and the admins' DMs about recruiters who left, each run's messages counted in the metrics."""
    client, team_id, settings = workspace.client, workspace.team_id, workspace.settings
    inbox.run(sessions=sessions, now=utcnow(), team_id=team_id)
    for kind, deliver in DELIVERIES:
        counted = metrics.counting(kind, deliver)
        counted(sessions=sessions, client=client, settings=settings, now=utcnow(), team_id=team_id)


def add_digest(
    scheduler: BaseScheduler,
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    client: WebClient,
    metrics: Metrics,
    now: datetime,
) -> None:
    """The new-roles digest on DIGEST_CRON in DIGEST_TZ, when DIGEST_CHANNEL is set.

    A clock (re)started shortly after a scheduled time still posts that digest: the job starts at the missed time,
    inside its grace period. Running twice is harmless: a role only ever appears in one digest. In multi-workspace
    mode each workspace has its own schedule and channel (add_workspace_digests).
    """
    if settings.multi_workspace:
        add_workspace_digests(scheduler, settings=settings, sessions=sessions, metrics=metrics)
        return
    if settings.digest.channel is None:
        logger.info("no digest scheduled: DIGEST_CHANNEL is not set")
        return
    post_digest = metrics.counting("digest", run_digest)

    def digest(first_try: datetime | None = None) -> None:
        """A database that does not answer costs one warning line, and the digest is tried again every
        SWEEP_MINUTES for as long as a missed digest would still run at start-up (DIGEST_GRACE from the first try);
        after that its roles wait for the next digest, as they would have anyway."""
        started = first_try or utcnow()
        try:
            with metrics.timed("digest"):
                for_each_workspace(
                    settings,
                    sessions,
                    lambda workspace: post_digest(
                        sessions=sessions, client=workspace.client, settings=workspace.settings, now=utcnow()
                    ),
                    what="the digest",
                    client=client,
                )
        except SQLAlchemyError as error:
            retry_at = utcnow() + timedelta(minutes=settings.sweep_minutes)
            if retry_at - started > DIGEST_GRACE:
                logger.warning(
                    "digest could not run: the database did not answer (%s); its roles go out with the next digest",
                    one_line(error),
                )
                return
            logger.warning(
                "digest could not run: the database did not answer (%s); next try in %s minute(s)",
                one_line(error),
                settings.sweep_minutes,
            )
            scheduler.add_job(
                digest,
                DateTrigger(run_date=retry_at, timezone=UTC),
                kwargs={"first_try": started},
                id=DIGEST_RETRY,
                replace_existing=True,
                misfire_grace_time=None,
            )

    trigger = settings.digest.trigger()
    missed = trigger.get_next_fire_time(None, now - DIGEST_GRACE)
    catch_up = {"next_run_time": missed} if missed is not None and missed <= now else {}
    scheduler.add_job(
        digest,
        trigger,
        id="digest",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
        **catch_up,
    )
    logger.info(
        "digest to %s scheduled at %r (%s)%s",
        settings.digest.channel or "each workspace's own channel",
        settings.digest.cron,
        settings.digest.tz,
        f"; the one due at {missed:%Y-%m-%d %H:%M %Z} runs now" if catch_up else "",
    )


def add_workspace_digests(
    scheduler: BaseScheduler, *, settings: Settings, sessions: sessionmaker[Session], metrics: Metrics
) -> None:
    """Multi-workspace mode: every minute, first at start-up, the digests of the workspaces whose own DIGEST_CRON
    time has come (jobs/workspace_digests.py). A database that does not answer costs one warning line: the next
    minute tries again, and a digest time stays due for DIGEST_GRACE."""

    def digests() -> None:
        now = utcnow()
        try:
            teams = due_teams(settings=settings, sessions=sessions, now=now)
            if teams:
                with metrics.timed("digest"):
                    for team, report in run_digests(settings=settings, sessions=sessions, teams=teams, now=now):
                        metrics.count("digest", report, team)
        except SQLAlchemyError as error:
            logger.warning(
                "digests could not run: the database did not answer (%s); next try in a minute", one_line(error)
            )

    scheduler.add_job(
        digests,
        CronTrigger(minute="*", timezone=UTC),
        id="digest",
        next_run_time=utcnow(),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    logger.info("each workspace's digest scheduled on its own DIGEST_CRON (checked every minute)")
