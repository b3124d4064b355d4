"""Processing the inbox of ATS deliveries: each one read, its recruiter found in Slack, and applied, exactly once.

The receivers only store deliveries (bot/ats/receiver.py); this runs in the clock process, with every sweep. A
delivery is applied and marked processed in one transaction, so it is applied once or not at all; anything that fails
on the way (the database, Lever's API, Slack's users.lookupByEmail, a body we cannot read) leaves it waiting, with
the error, and the next sweep tries again. Deliveries are taken in the order they arrived: a stage change is known
before the archive that follows it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.ats import ashby, greenhouse, lever
from bot.ats.lever_api import LeverApi
from bot.config import Settings
from bot.rejection_input import cleaned_or_none
from bot.slack_directory import SlackDirectory
from models.ats_delivery import Ats, AtsDelivery
from models.ats_events import Applied, AtsEvent, Hired, Rejected, StageSeen
from models.ats_intake import apply_events
from models.db import one_line

# A processed delivery keeps its de-duplication key this long, so a late retry of it is still recognised; its body
# (personal data) is emptied as soon as it is processed.
KEEP_PROCESSED = timedelta(days=30)
BATCH = 500
ERROR_MAX = 300  # the inbox's last_error column
logger = logging.getLogger(__name__)
Parser = Callable[[str], list[AtsEvent]]  # the stored body, as signed


@dataclass
class InboxReport:
    """What one pass over the inbox did, for logs, the CLI and tests."""

    processed: int = 0
    failed: int = 0
    purged: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.processed} ATS deliveries processed, {self.failed} left to retry, {self.purged} old ones purged"


def parsers(lever_api: LeverApi | None) -> dict[Ats, Parser]:
    """Greenhouse and Ashby deliveries carry everything; Lever's carry ids, read from its API when a key is set."""
    found: dict[Ats, Parser] = {
        Ats.GREENHOUSE: lambda raw: greenhouse.events(json.loads(raw)),
        Ats.ASHBY: lambda raw: ashby.events(json.loads(raw)),
    }
    if lever_api is not None:
        found[Ats.LEVER] = lambda raw: lever.events(raw, lever_api)
    return found


@dataclass(frozen=True)
class Inbox:
    """What processing needs between runs: the directory's cache of Slack users and Lever's cached reasons and
    stages live as long as the clock process."""

    settings: Settings
    directory: SlackDirectory
    parse: Mapping[Ats, Parser]

    @classmethod
    def for_settings(cls, settings: Settings, client: WebClient) -> Inbox:
        key = settings.lever_api.key
        lever_api = None if key is None else LeverApi(key, base_url=settings.lever_api.url)
        return cls(settings, SlackDirectory(client), parsers(lever_api))

    def run(self, *, sessions: sessionmaker[Session], now: datetime) -> InboxReport:
        return run_inbox(sessions=sessions, settings=self.settings, directory=self.directory, parse=self.parse, now=now)


def run_inbox(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    directory: SlackDirectory,
    parse: Mapping[Ats, Parser],
    now: datetime,
) -> InboxReport:
    """Process every waiting delivery, oldest first, then purge old processed ones. Database errors while reading the
    inbox propagate (the run could not happen); one delivery's failure never stops the others."""
    report = InboxReport()
    after = 0
    while True:
        with sessions.begin() as session:
            waiting = session.scalars(
                select(AtsDelivery.id)
                .where(AtsDelivery.processed_at.is_(None), AtsDelivery.id > after)
                .order_by(AtsDelivery.id)
                .limit(BATCH)
            ).all()
        for delivery_id in waiting:
            _process(
                sessions=sessions,
                settings=settings,
                directory=directory,
                parse=parse,
                delivery_id=delivery_id,
                now=now,
                report=report,
            )
        if len(waiting) < BATCH:
            break
        after = waiting[-1]
    with sessions.begin() as session:
        purged = session.execute(
            delete(AtsDelivery).where(
                AtsDelivery.processed_at.is_not(None), AtsDelivery.processed_at < now - KEEP_PROCESSED
            )
        )
        report.purged = purged.rowcount
    if report.processed or report.failed:
        logger.info("ATS inbox: %s", report.summary())
    return report


def _process(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    directory: SlackDirectory,
    parse: Mapping[Ats, Parser],
    delivery_id: int,
    now: datetime,
    report: InboxReport,
) -> None:
    with sessions.begin() as session:
        delivery = session.get_one(AtsDelivery, delivery_id)
        team_id, source, event, body = delivery.team_id, Ats(delivery.source), delivery.event, delivery.body
    try:
        events = _cleaned(parse[source](body))
        recruiters = _recruiters(directory, events)  # Slack, before the transaction: it must not hold one open
        with sessions.begin() as session:
            delivery = session.scalars(
                select(AtsDelivery)
                .where(AtsDelivery.id == delivery_id, AtsDelivery.processed_at.is_(None))
                .with_for_update()
            ).one_or_none()
            if delivery is None:
                return  # another run processed it meanwhile
            apply_events(
                session,
                team_id=team_id,
                source=source.value,
                events=events,
                rules=settings.ats_rules,
                policy=settings.policy,
                recruiters=recruiters,
                now=now,
            )
            delivery.processed_at = now
            delivery.body = ""
            delivery.attempts += 1
            delivery.last_error = None
    except Exception as error:  # anything: the delivery waits for the next sweep, and the others go on
        reason = f"{type(error).__name__}: {one_line(error)}"[:ERROR_MAX]
        logger.warning("%s %s delivery %s not processed, will retry: %s", source.value, event, delivery_id, reason)
        with sessions.begin() as session:
            session.execute(
                update(AtsDelivery)
                .where(AtsDelivery.id == delivery_id)
                .values(attempts=AtsDelivery.attempts + 1, last_error=reason)
            )
        report.failed += 1
        report.lines.append(f"{source.value} {event} (delivery {delivery_id}): {reason}")
        return
    report.processed += 1


def _recruiters(directory: SlackDirectory, events: Sequence[AtsEvent]) -> dict[str, str | None]:
    emails = {email for event in events if isinstance(event, Rejected) for email in event.recruiter_emails}
    return {email: directory.user_for_email(email) for email in sorted(emails)}


def _cleaned(events: list[AtsEvent]) -> list[AtsEvent]:
    """Names on one line, emails and LinkedIn as `/rejected` would store them (dropped where it would refuse them):
    what the ATS sends is shown and pre-filled, and must never stop a delivery."""
    cleaned: list[AtsEvent] = []
    for event in events:
        if isinstance(event, Rejected):
            event = dataclasses.replace(
                event,
                name=_line(event.name) or "(no name given)",
                role=_line(event.role),
                stage_name=None if event.stage_name is None else _line(event.stage_name) or None,
                reason=None if event.reason is None else _storable(event.reason).strip() or None,
                emails=_emails(event.emails),
                linkedin=cleaned_or_none("linkedin", event.linkedin),
                recruiter_emails=_emails(event.recruiter_emails),
            )
        elif isinstance(event, Hired | Applied):
            role = None if event.role is None else _line(event.role) or None
            event = dataclasses.replace(event, emails=_emails(event.emails), role=role)
        elif isinstance(event, StageSeen):
            event = dataclasses.replace(event, stage_name=_line(event.stage_name))
        cleaned.append(event)
    return cleaned


def _storable(text: str) -> str:
    """Without NUL, which PostgreSQL cannot store in text; everything else is the ATS's to say."""
    return text.replace("\x00", "")


def _line(text: str) -> str:
    return " ".join(_storable(text).split())


def _emails(emails: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e for email in emails if (e := cleaned_or_none("email", email)) is not None))
