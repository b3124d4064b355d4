"""Keep each recruiter's IANA time zone cached, so reminders can land inside their working hours."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.records import get_or_create_recruiter

REFRESH_AFTER = timedelta(days=1)
logger = logging.getLogger(__name__)


def timezone_stale(checked_at: datetime | None, now: datetime | None = None) -> bool:
    """True when the zone was never fetched, or a day or more ago."""
    return checked_at is None or (now or utcnow()) - checked_at >= REFRESH_AFTER


def refresh_timezone(
    *, sessions: sessionmaker[Session], client: WebClient, team_id: str, user_id: str, now: datetime | None = None
) -> str | None:
    """Fetch the user's time zone from users.info when unknown or a day old, and return the zone now cached.

    Failures only log (the cached zone stands, and the next try wins).
    """
    now = now or utcnow()
    cached: str | None = None
    try:
        with sessions.begin() as session:
            recruiter = get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
            cached = recruiter.tz
            if not timezone_stale(recruiter.tz_checked_at, now):
                return cached
        # No transaction stays open across the Web API call.
        tz = client.users_info(user=user_id)["user"].get("tz")
        with sessions.begin() as session:
            recruiter = get_or_create_recruiter(session=session, team_id=team_id, user_id=user_id)
            recruiter.tz = tz or recruiter.tz
            recruiter.tz_checked_at = now
            return recruiter.tz
    except SlackApiError as error:
        logger.warning("could not refresh the time zone of %s: Slack said %s", user_id, error.response.get("error"))
    except (SlackClientError, OSError, SQLAlchemyError):
        logger.exception("could not refresh the time zone of %s", user_id)
    return cached
