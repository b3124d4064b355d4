"""Exactly-once delivery, for every job that posts to Slack: claim, post, settle; and the turn a DM run takes.

A job claims its due rows in the database (one atomic UPDATE of a NULL claim token), then posts one message carrying
the claim token as message metadata, then records it as sent (what "sent" writes is the job's). When the outcome of
the post is unknown (the process died, the connection broke, Slack answered 5xx), the claim is kept and the next run
looks for the token in the channel's recent history: found means delivered, not found means free to post again. So no
due row is lost, and none is posted twice. Each job keeps only what differs: what is due, how its message is built,
what "sent" writes.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse
from sqlalchemy import ColumnElement, Select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from bot.timezones import refresh_timezone
from jobs.slack_errors import CALL_ERRORS, Failure, Outcome, classify
from models.base import of_team as of_team  # the jobs filter their rows by team with it
from models.recruiter import Recruiter
from models.working_hours import WorkingHours

# Longer than any one post can take (client timeout plus one rate-limit wait), so a live claim never expires.
LEASE = timedelta(minutes=10)
HISTORY_PAGE = 200
HISTORY_PAGES = 10  # the newest 2,000 messages: far more than a DM or a digest channel gets between two runs
logger = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What one delivery run did, for logs, the CLI and tests; each job adds what it delivers and its summary."""

    messages: int = 0
    deferred: int = 0
    failed: int = 0
    recovered: int = 0  # claims whose message was found already posted
    lines: list[str] = field(default_factory=list)


class Record(Protocol):
    """What "sent" writes for a claim; returns how many rows it recorded (none when another run settled it first)."""

    def __call__(self, session: Session, *, token: str, channel: str, ts: str, now: datetime) -> int: ...


def _nothing(failure: Failure, now: datetime) -> Mapping[str, object]:
    return {}


@dataclass(frozen=True)
class Claims:
    """One job's claims (the columns they live in, what hands one back, what "sent" writes) and the protocol on them."""

    what: str  # in logs and report lines: "reminders", "the digest"
    logger: logging.Logger  # the job's own, so its warnings read as the job's
    event_type: str  # the metadata type that marks this job's messages
    token: InstrumentedAttribute[str | None]
    expires: InstrumentedAttribute[datetime | None]
    released: Mapping[str, object]  # the values that hand a claim back
    record: Record
    # Beside handing the claim back, what a refused post writes: why (permanent), or when to try again (retry).
    refused: Callable[[Failure, datetime], Mapping[str, object]] = _nothing
    # The claims of other tables whose rows the same message carries under the same token (a reminder DM's retention
    # warnings beside its check-ins): handed back, or kept to check, with this claim's own rows.
    also: tuple[Claims, ...] = ()

    def claim(
        self, session: Session, due: ColumnElement[bool], *, at: datetime, token: str | None = None, **values: object
    ) -> str:
        """Claim the unclaimed rows of `due` for LEASE from `at`, in one atomic UPDATE; returns the claim token.

        Given a `token`, the rows join that claim: one message carrying rows of two tables."""
        token = token or str(uuid.uuid4())
        session.execute(
            update(self.token.class_)
            .where(due, self.token.is_(None))
            .values({self.token.key: token, self.expires.key: at + LEASE, **values})
            .execution_options(synchronize_session=False)
        )
        return token

    def post(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        token: str,
        channel: str,
        reply: Mapping[str, Any],
        now: datetime,
        report: RunReport,
        **options: Any,
    ) -> Failure | None:
        """Post `reply` carrying the claim, then record it as sent, or record why not; returns the failure, if any."""
        try:
            response = client.chat_postMessage(
                channel=channel,
                text=reply["text"],
                blocks=reply["blocks"],
                metadata=metadata(self.event_type, token),
                **options,
            )
            posted_in, ts = posted(response)  # ok without a ts: posted, most likely, so settle it later
        except CALL_ERRORS as error:
            failure = classify(error)
            self._failed(sessions, token, failure, to=channel, now=now, report=report)
            return failure
        self._record(sessions, token=token, channel=posted_in, ts=ts, now=now)
        report.messages += 1
        return None

    def settle(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        claims: Select[tuple[str, str | None, str | None]],
        now: datetime,
        report: RunReport,
    ) -> None:
        """For each of `claims` (token, user to DM, channel) whose lease ran out, look for its message: record it, or
        release the claim. A claim naming neither channel nor user has nowhere to look: it is released."""
        with sessions.begin() as session:
            expired = session.execute(claims.where(self.token.is_not(None), self.expires <= now).distinct()).all()
        for token, user_id, channel in expired:
            where = f"<@{user_id}>" if user_id else f"<#{channel}>"
            try:
                if channel is None and user_id is not None:
                    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
                ts = channel and find_posted(client, channel=channel, event_type=self.event_type, token=token)
            except CALL_ERRORS as error:
                failure = classify(error)
                if failure.outcome is not Outcome.PERMANENT:
                    self.logger.warning(
                        "could not check whether %s reached %s (%s); will retry", self.what, where, failure.reason
                    )
                    continue
                # Slack will never answer for this user or channel: release the claim; the next post says why.
                self.logger.warning("cannot check whether %s reached %s: %s", self.what, where, failure.reason)
                ts = None
            if not (channel and ts):
                self.release(sessions, token)
            elif self._record(sessions, token=token, channel=channel, ts=ts, now=now):
                report.recovered += 1
                report.lines.append(f"found already posted: {self.what} to {where}, now recorded as sent")

    def release(self, sessions: sessionmaker[Session], token: str) -> None:
        """Hand the claim back: its rows are due again."""
        self._write(sessions, token, lambda claims: claims.released)

    def _record(self, sessions: sessionmaker[Session], *, token: str, channel: str, ts: str, now: datetime) -> int:
        with sessions.begin() as session:
            return self.record(session, token=token, channel=channel, ts=ts, now=now)

    def _failed(
        self,
        sessions: sessionmaker[Session],
        token: str,
        failure: Failure,
        *,
        to: str,
        now: datetime,
        report: RunReport,
    ) -> None:
        """Give up (permanent), hand the claim back to try again (rate limits and the like), or keep it to check first
        (unknown: Slack may have posted it)."""
        if failure.outcome is Outcome.UNCERTAIN:
            # Keep the claim but let it expire now: the next run looks for the message before anything else.
            self.logger.warning("%s to %s may or may not have arrived (%s): will check", self.what, to, failure.reason)
            self._write(sessions, token, lambda claims: {claims.expires.key: now})
            report.deferred += 1
            return
        if failure.outcome is Outcome.PERMANENT:
            self.logger.warning("%s to %s not sent: Slack said %s", self.what, to, failure.reason)
            report.failed += 1
        else:
            self.logger.warning("%s to %s deferred: %s", self.what, to, failure.reason)
            report.deferred += 1
        self._write(sessions, token, lambda claims: {**claims.released, **claims.refused(failure, now)})

    def _write(
        self, sessions: sessionmaker[Session], token: str, values: Callable[[Claims], Mapping[str, object]]
    ) -> None:
        """Write to the rows this claim holds, in every table it spans, each table's own `values`."""
        with sessions.begin() as session:
            for claims in (self, *self.also):
                session.execute(
                    update(claims.token.class_)
                    .where(claims.token == token)
                    .values(values(claims))
                    .execution_options(synchronize_session=False)
                )


def stop_or_wait(failure: Failure, now: datetime) -> Mapping[str, object]:
    """A permanent refusal keeps the row from being tried again (its error shown); a rate limit waits out
    Retry-After: what ATS notices and departure DMs record when Slack refuses them."""
    if failure.outcome is Outcome.PERMANENT:
        return {"delivery_error": failure.reason}
    return {"retry_at": now + failure.retry_after}


def run_clock(now: datetime) -> Callable[[], datetime]:
    """The run's instant plus the real time it has taken, so a claim made late in a run is not born expired."""
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


class Tally(Protocol):
    """The counts a delivery run keeps of recruiters it could not serve."""

    failed: int
    deferred: int


class HoursTally(Protocol):
    """What a DM run notes about a recruiter it leaves for their working hours."""

    waiting_for_working_hours: int
    lines: list[str]


def in_working_hours(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    working_hours: WorkingHours,
    recruiter_id: int,
    now: datetime,
    dry_run: bool,
    report: HoursTally,
) -> tuple[str, str | None] | None:
    """The recruiter's Slack user id and time zone when it is working hours where they are; else None, noted in the
    report. A dry run asks Slack nothing, so it goes by the zone last cached."""
    with sessions.begin() as session:
        recruiter = session.get_one(Recruiter, recruiter_id)
        team_id, user_id, tz = recruiter.team_id, recruiter.user_id, recruiter.tz
    if not dry_run:
        tz = refresh_timezone(sessions=sessions, client=client, team_id=team_id, user_id=user_id, now=now)
    if not working_hours.allows(now, tz):
        report.waiting_for_working_hours += 1
        report.lines.append(f"<@{user_id}>: waiting for working hours ({tz or working_hours.default_tz})")
        return None
    return user_id, tz


def to_each_recruiter(
    recruiter_ids: Sequence[int], deliver: Callable[[int], bool], *, what: str, report: Tally
) -> None:
    """Run `deliver` for each recruiter in turn; it returns True when Slack still rate limited the post after a retry.

    One recruiter's failure must not block the others. A rate limit stops the run: refused again after Retry-After,
    posting on for the others would most likely be refused too (the limit is the workspace's) and hold this run (the
    clock, or a `/role reopen`) for Retry-After per recruiter; they wait for the next sweep instead.
    """
    for served, recruiter_id in enumerate(recruiter_ids, start=1):
        try:
            rate_limited = deliver(recruiter_id)
        except Exception:
            logger.exception("%s to recruiter %s failed", what, recruiter_id)
            report.failed += 1
            continue
        if rate_limited and (left := len(recruiter_ids) - served):
            logger.warning("Slack is rate limiting %s: %s other recruiter(s) wait for the next sweep", what, left)
            report.deferred += left
            return


def metadata(event_type: str, token: str) -> dict[str, Any]:
    """The message metadata that lets a later run recognise this post."""
    return {"event_type": event_type, "event_payload": {"token": token}}


def posted(response: SlackResponse) -> tuple[str, str]:
    """The channel and ts of a message Slack says it posted; an answer without them leaves the outcome unknown."""
    channel, ts = response.get("channel"), response.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        raise ValueError("Slack answered ok without the message's channel and ts")
    return channel, ts


def carries(message: dict[str, Any], event_type: str, token: str) -> bool:
    """True when a message from conversations.history was posted under this claim."""
    found = message.get("metadata")
    if not isinstance(found, dict) or found.get("event_type") != event_type:
        return False
    payload = found.get("event_payload")
    return isinstance(payload, dict) and payload.get("token") == token


def find_posted(client: WebClient, *, channel: str, event_type: str, token: str) -> str | None:
    """The ts of the message posted under this claim, newest pages first, or None; Slack errors propagate."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )
        found = next((str(m["ts"]) for m in page.get("messages", []) if carries(m, event_type, token)), None)
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if found is not None or not cursor:
            return found
    return None
