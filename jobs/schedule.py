"""Every schedule in one place, with an explicit time zone (APScheduler 3.x)."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from jobs.reminders import run_reminders
from models.base import utcnow

logger = logging.getLogger(__name__)


def add_jobs(
    scheduler: BaseScheduler, *, settings: Settings, sessions: sessionmaker[Session], client: WebClient
) -> None:
    """The reminder sweep every SWEEP_MINUTES, first at start-up; a missed run is folded into the next one."""

    def sweep() -> None:
        run_reminders(sessions=sessions, client=client, settings=settings, now=utcnow())

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
