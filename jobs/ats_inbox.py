"""Processing the inbox of ATS deliveries: each one read, its recruiter found in Slack, and applied, exactly once.

The receivers only store deliveries (bot/ats/receiver.py); this runs in the clock process, with every sweep. A
delivery is applied and marked processed in one transaction, so it is applied once or not at all; anything that fails
on the way (the database, Lever's API, Slack's users.lookupByEmail, a body we cannot read) leaves it waiting, with
the error, and the next sweep tries again. Deliveries are applied fifty to a transaction, each under a savepoint, so
one that fails is rolled back alone. Deliveries are taken in the order they arrived: a stage change is known
before the archive that follows it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from slack_sdk import WebClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.ats import ashby, greenhouse, lever
from bot.ats.ashby_api import AshbyApi
from bot.ats.lever_api import LeverApi
from bot.config import Settings
from bot.rejection_input import cleaned_or_none
from bot.slack_directory import SlackDirectory
from jobs.delivery import of_team
from models.ats_delivery import Ats, AtsDelivery
from models.ats_events import Applied, AtsEvent, Hired, Rejected, StageSeen
from models.ats_intake import apply_events, last_stage
from models.db import one_line
from models.recruiter import Recruiter

# A processed delivery keeps its de-duplication key this long, so a late retry of it is still recognised; its body
# (personal data) is emptied as soon as it is processed.
KEEP_PROCESSED = timedelta(days=30)
BATCH = 500  # deliveries read from the inbox at a time
# Applied per transaction: a commit per delivery cost most of a sweep's time, and a longer transaction holds SQLite's
# one write lock longer against the receivers (bench/ats_intake.py measured 10, with pauses, and 50).
APPLY_BATCH = 50
# SQLite has one writer, and a write that waits polls for the lock, sleeping up to 100 ms between tries: batches back
# to back took it from the receivers for seconds (bench/ats_intake.py). A pause longer than that lets every waiting
# delivery in between two batches.
SQLITE_PAUSE_SECONDS = 0.11
ERROR_MAX = 300  # the inbox's last_error column
ID_MAX = 100  # the ATS id columns
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
    ashby_api: AshbyApi | None = None

    @classmethod
    def for_settings(cls, settings: Settings, client: WebClient) -> Inbox:
        lever_key, ashby_key = settings.lever_api.key, settings.ashby_api.key
        lever_api = None if lever_key is None else LeverApi(lever_key, base_url=settings.lever_api.url)
        ashby_api = None if ashby_key is None else AshbyApi(ashby_key, base_url=settings.ashby_api.url)
        return cls(settings, SlackDirectory(client), parsers(lever_api), ashby_api)

    def run(self, *, sessions: sessionmaker[Session], now: datetime, team_id: str | None = None) -> InboxReport:
        return run_inbox(
            team_id=team_id,
            sessions=sessions,
            settings=self.settings,
            directory=self.directory,
            parse=self.parse,
            ashby_api=self.ashby_api,
            now=now,
        )


def run_inbox(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    directory: SlackDirectory,
    parse: Mapping[Ats, Parser],
    now: datetime,
    ashby_api: AshbyApi | None = None,
    team_id: str | None = None,
) -> InboxReport:
    """Process every waiting delivery, oldest first, then purge old processed ones. Database errors while reading the
    inbox propagate (the run could not happen); one delivery's failure never stops the others."""
    report = InboxReport()
    single_writer = sessions.kw["bind"].dialect.name == "sqlite"
    after = 0
    while True:
        with sessions.begin() as session:
            batch = [
                Waiting(row.id, row.team_id, Ats(row.source), row.event, row.body)
                for row in session.execute(
                    select(AtsDelivery.id, AtsDelivery.team_id, AtsDelivery.source, AtsDelivery.event, AtsDelivery.body)
                    .where(
                        AtsDelivery.processed_at.is_(None),
                        AtsDelivery.id > after,
                        of_team(AtsDelivery.team_id, team_id),
                    )
                    .order_by(AtsDelivery.id)
                    .limit(BATCH)
                )
            ]
        for start in range(0, len(batch), APPLY_BATCH):
            if start and single_writer:
                time.sleep(SQLITE_PAUSE_SECONDS)
            _process(
                sessions=sessions,
                settings=settings,
                directory=directory,
                parse=parse,
                ashby_api=ashby_api,
                batch=batch[start : start + APPLY_BATCH],
                now=now,
                report=report,
            )
        if len(batch) < BATCH:
            break
        after = batch[-1].id
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


@dataclass(frozen=True)
class Waiting:
    """A delivery read from the inbox, still to process."""

    id: int
    team_id: str
    source: Ats
    event: str
    body: str


def _process(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    directory: SlackDirectory,
    parse: Mapping[Ats, Parser],
    ashby_api: AshbyApi | None,
    batch: Sequence[Waiting],
    now: datetime,
    report: InboxReport,
) -> None:
    """Read each delivery and ask Slack, Lever and Ashby what it needs (outside any transaction), then apply the batch
    in one transaction, each delivery under its own savepoint: one that fails is rolled back alone and left waiting,
    with its error; the rest commit together, marked processed. A commit per delivery cost most of a sweep's time."""
    failed: dict[int, str] = {}
    ready: list[tuple[Waiting, list[AtsEvent], dict[str, str | None]]] = []
    staged: set[str] = set()  # Ashby applications whose stage change this batch carries
    for delivery in batch:
        try:
            events = _cleaned(parse[delivery.source](delivery.body))
            if delivery.source is Ats.ASHBY:
                events = _archived_stages(sessions, ashby_api, delivery.team_id, events, staged=staged)
            ready.append((delivery, events, _recruiters(directory, events)))
        except Exception as error:  # anything: the delivery waits for the next sweep, and the others go on
            failed[delivery.id] = _reason(error)
    apply = partial(_apply, settings=settings, now=now)
    try:
        try:  # the usual case: every delivery applies, and the batch costs one transaction
            with sessions.begin() as session:
                done = apply(session, ready, failed=None)
        except Exception:  # one of them failed: again, each under a savepoint, so only that one is left waiting
            with sessions.begin() as session:
                done = apply(session, ready, failed=failed)
    except SQLAlchemyError as error:  # the database itself: nothing in this batch was kept
        failed.update({d.id: _reason(error) for d, _, _ in ready if d.id not in failed})
        done = []
    if failed:
        with sessions.begin() as session:
            for delivery_id, reason in failed.items():
                _mark(session, [delivery_id], last_error=reason)
    for delivery in batch:
        if delivery.id in failed:
            reason = failed[delivery.id]
            logger.warning(
                "%s %s delivery %s not processed, will retry: %s",
                delivery.source.value,
                delivery.event,
                delivery.id,
                reason,
            )
            report.lines.append(f"{delivery.source.value} {delivery.event} (delivery {delivery.id}): {reason}")
    report.failed += len(failed)
    report.processed += len(done)


def _apply(
    session: Session,
    ready: Sequence[tuple[Waiting, list[AtsEvent], dict[str, str | None]]],
    *,
    settings: Settings,
    now: datetime,
    failed: dict[int, str] | None,
) -> list[int]:
    """Apply the deliveries another run has not processed meanwhile and mark them processed; returns their ids.

    With `failed`, each delivery gets a savepoint and one that fails is rolled back alone, its reason written there;
    without, the first failure propagates and takes the transaction with it.
    """
    unprocessed = set(
        session.scalars(
            select(AtsDelivery.id)
            .where(AtsDelivery.id.in_([d.id for d, _, _ in ready]), AtsDelivery.processed_at.is_(None))
            .with_for_update()
        )
    )
    done: list[int] = []
    known: dict[tuple[str, str], Recruiter] | None = {} if failed is None else None  # none to roll back
    for delivery, events, recruiters in ready:
        if delivery.id not in unprocessed:
            continue
        apply = partial(
            apply_events,
            session,
            team_id=delivery.team_id,
            source=delivery.source.value,
            events=events,
            rules=settings.ats_rules,
            policy=settings.policy,
            recruiters=recruiters,
            now=now,
            known_recruiters=known,
        )
        if failed is None:
            apply()
            done.append(delivery.id)
            continue
        try:
            with session.begin_nested():
                apply()
        except SQLAlchemyError as error:
            if not session.is_active:
                raise  # the connection itself failed
            failed[delivery.id] = _reason(error)
        except Exception as error:
            failed[delivery.id] = _reason(error)
        else:
            done.append(delivery.id)
    _mark(session, done, processed_at=now, body="", last_error=None)
    return done


def _mark(session: Session, ids: Sequence[int], **values: object) -> None:
    """Count an attempt on these deliveries and write what it left."""
    if ids:
        session.execute(
            update(AtsDelivery)
            .where(AtsDelivery.id.in_(ids))
            .values(attempts=AtsDelivery.attempts + 1, **values)
            .execution_options(synchronize_session=False)
        )


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {one_line(error)}"[:ERROR_MAX]


def _recruiters(directory: SlackDirectory, events: Sequence[AtsEvent]) -> dict[str, str | None]:
    emails = {email for event in events if isinstance(event, Rejected) for email in event.recruiter_emails}
    return {email: directory.user_for_email(email) for email in sorted(emails)}


def _archived_stages(
    sessions: sessionmaker[Session],
    api: AshbyApi | None,
    team_id: str,
    events: list[AtsEvent],
    *,
    staged: set[str],
) -> list[AtsEvent]:
    """An Ashby archive that says only "Archived" gets how far it got from the stage-change events already received
    (or earlier in this batch, applied before it), else from the application's history in Ashby's API. Without a key
    the stage stays unknown, which counts as an interview, so the recruiter is asked."""
    filled: list[AtsEvent] = []
    for event in events:
        if isinstance(event, StageSeen):
            staged.add(event.application_id)
        unnamed = isinstance(event, Rejected) and event.stage_name is None and event.archived_stage_id is not None
        if api is not None and isinstance(event, Rejected) and unnamed and event.application_id not in staged:
            with sessions.begin() as session:
                seen = last_stage(session, team_id=team_id, source=Ats.ASHBY.value, application_id=event.application_id)
            if seen is None:
                stage = api.last_stage_before(event.application_id, stage_id=event.archived_stage_id)
                event = dataclasses.replace(event, stage_name=stage and (_line(stage) or None))
        filled.append(event)
    return filled


def _cleaned(events: list[AtsEvent]) -> list[AtsEvent]:
    """Names on one line, emails and LinkedIn as `/rejected` would store them (dropped where it would refuse them):
    what the ATS sends is shown and pre-filled, and must never stop a delivery."""
    cleaned: list[AtsEvent] = []
    for event in events:
        ids = [value for name, value in vars(event).items() if name.endswith("_id") and isinstance(value, str)]
        if any(len(value) > ID_MAX for value in ids):
            raise ValueError(f"an id longer than {ID_MAX} characters: not one an ATS gives")
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
