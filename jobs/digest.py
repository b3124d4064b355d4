"""The digest: one message in DIGEST_CHANNEL listing every role opened since the last one, with who fits.

Each role appears in exactly one digest, as reminders reach a recruiter exactly once (jobs/reminders.py): the waiting
roles are claimed with one atomic UPDATE before anything is posted, the message carries the claim token
(jobs/delivery.py), and a claim whose post had an unknown outcome is settled by the next run from the channel's
history. A channel the bot cannot post to leaves the roles waiting and tells the admins what to fix.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, Select, and_, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.digest import TOP_MATCHES, DigestEntry, build_digest
from bot.config import Settings
from bot.ids import DIGEST_METADATA_TYPE
from jobs.delivery import find_posted, metadata, posted
from jobs.slack_errors import Failure, Outcome, classify
from models import Role, RoleStatus
from models.matching import find_matches

# Longer than any one post can take (client timeout plus one rate-limit wait), so a live claim never expires.
LEASE = timedelta(minutes=10)
RELEASED: dict[str, object] = {"digest_token": None, "digest_claim_expires_at": None, "digest_channel": None}
# Errors a Web API call raises here: Slack's, the connection's, and a body that is not JSON or lacks a field.
CALL_ERRORS = (SlackClientError, OSError, ValueError, KeyError, TypeError)
WHAT_TO_DO = {
    "not_in_channel": "Keepwarm is not a member of {channel}: invite @Keepwarm to {channel} (`/invite @Keepwarm`).",
    "channel_not_found": (
        "{channel} (DIGEST_CHANNEL) does not exist, or is private and Keepwarm was never invited: invite @Keepwarm "
        "to it, or set DIGEST_CHANNEL to a channel Keepwarm is in."
    ),
    "is_archived": (
        "{channel} is archived: unarchive it, or set DIGEST_CHANNEL to another channel and invite @Keepwarm there."
    ),
}
OTHER_REFUSAL = "Slack refused it ({reason}): check Keepwarm's installation and scopes, and reinstall it if needed."
logger = logging.getLogger(__name__)


@dataclass
class DigestReport:
    """What one digest run did, for logs, the CLI and tests."""

    messages: int = 0
    roles: int = 0
    deferred: int = 0
    failed: int = 0
    recovered: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.messages} digest message(s), {self.roles} role(s) posted, {self.deferred} deferred, "
            f"{self.failed} failed, {self.recovered} found already posted"
        )


def waiting(team_id: str, now: datetime) -> ColumnElement[bool]:
    """Open roles of the team opened by `now` that no digest has posted and no run holds."""
    return and_(
        Role.team_id == team_id,
        Role.status == RoleStatus.OPEN,
        Role.digested_at.is_(None),
        Role.opened_at <= now,
        Role.digest_token.is_(None),
    )


def run_digest(
    *, sessions: sessionmaker[Session], client: WebClient, settings: Settings, now: datetime, dry_run: bool = False
) -> DigestReport:
    """One digest. Database errors propagate (the run could not happen); Slack errors are handled and reported."""
    report = DigestReport()
    channel = settings.digest.channel
    if channel is None:
        report.lines.append("DIGEST_CHANNEL is not set: there is no channel to post the digest to")
        return report
    started = time.monotonic()

    def clock() -> datetime:
        """The run's instant plus the real time it has taken, so the claim's lease is not born expired."""
        return now + timedelta(seconds=time.monotonic() - started)

    try:
        team_id = str(client.auth_test()["team_id"])
    except CALL_ERRORS as error:
        reason = classify(error).reason
        logger.warning("digest not run: Slack would not say which workspace the bot token is for (%s)", reason)
        report.failed += 1
        report.lines.append(f"could not ask Slack which workspace the bot token is for: {reason}")
        return report
    if not dry_run:
        _settle_uncertain(sessions=sessions, client=client, team_id=team_id, now=now, report=report)
    with sessions.begin() as session:
        count = session.scalar(select(func.count()).select_from(Role).where(waiting(team_id, now))) or 0
    if not count:
        report.lines.append("no new roles since the last digest: nothing to post")
        return report
    audience = _audience(client=client, settings=settings, channel=channel)
    if isinstance(audience, Failure):
        _not_posted(client=client, settings=settings, failure=audience, count=count, notify=not dry_run, report=report)
        return report
    if dry_run:
        _describe(sessions=sessions, team_id=team_id, channel=channel, show_names=audience, now=now, report=report)
        return report
    _post(
        sessions=sessions,
        client=client,
        settings=settings,
        team_id=team_id,
        show_names=audience,
        now=now,
        clock=clock,
        report=report,
    )
    return report


def _audience(*, client: WebClient, settings: Settings, channel: str) -> bool | Failure:
    """Whether the channel may see candidate names, or why the digest cannot go there now."""
    try:
        info: dict[str, Any] = client.conversations_info(channel=channel)["channel"]
    except CALL_ERRORS as error:
        return classify(error)
    if info.get("is_archived"):
        return Failure(Outcome.PERMANENT, "is_archived")
    if info.get("is_member") is False:
        return Failure(Outcome.PERMANENT, "not_in_channel")
    return bool(info.get("is_private")) or settings.digest.show_names


def _entries(session: Session, roles: Iterable[Role], *, team_id: str) -> list[DigestEntry]:
    """Each role with its top matches; one more is fetched only to say that more fit."""
    entries = []
    for role in roles:
        found = find_matches(
            session=session, team_id=team_id, title=role.title, tags=role.tags, limit=TOP_MATCHES + 1, role_id=role.id
        )
        entries.append(DigestEntry(role=role, matches=found[:TOP_MATCHES], more=len(found) > TOP_MATCHES))
    return entries


def _roles(condition: ColumnElement[bool]) -> Select[tuple[Role]]:
    return select(Role).where(condition).order_by(Role.opened_at, Role.id)


def _describe(
    *,
    sessions: sessionmaker[Session],
    team_id: str,
    channel: str,
    show_names: bool,
    now: datetime,
    report: DigestReport,
) -> None:
    """A dry run: what the digest would say, with names only where the channel would see them."""
    with sessions.begin() as session:
        entries = _entries(session, session.scalars(_roles(waiting(team_id, now))), team_id=team_id)
    seen = "names shown" if show_names else "names hidden"
    report.lines.append(f"would post to <#{channel}> ({seen}): {len(entries)} new role(s)")
    for entry in entries:
        line = f"{entry.role.title} (#{entry.role.id}): {entry.count()} match(es)"
        if show_names and entry.matches:
            line += ": " + ", ".join(f"{m.name} (<@{m.owner_user_id}>)" for m in entry.matches)
        report.lines.append(line)


def _post(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    team_id: str,
    show_names: bool,
    now: datetime,
    clock: Callable[[], datetime],
    report: DigestReport,
) -> None:
    """Claim every waiting role, post one message carrying the claim, then record it or hand the claim back."""
    channel = str(settings.digest.channel)
    token = str(uuid.uuid4())
    with sessions.begin() as session:
        session.execute(
            update(Role)
            .where(waiting(team_id, now))
            .values(digest_token=token, digest_claim_expires_at=clock() + LEASE, digest_channel=channel)
            .execution_options(synchronize_session=False)
        )
    with sessions.begin() as session:
        entries = _entries(session, session.scalars(_roles(Role.digest_token == token)), team_id=team_id)
        if not entries:
            report.lines.append("another digest run took the new roles")
            return
        reply = build_digest(entries, show_names=show_names, now=now)
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=reply["text"],
            blocks=reply["blocks"],
            metadata=metadata(DIGEST_METADATA_TYPE, token),
            unfurl_links=False,
            unfurl_media=False,
        )
        posted_in, ts = posted(response)  # ok without a ts: posted, most likely, so settle it later
    except CALL_ERRORS as error:
        _failed(
            sessions=sessions,
            client=client,
            settings=settings,
            token=token,
            failure=classify(error),
            count=len(entries),
            now=now,
            report=report,
        )
        return
    _record_posted(sessions=sessions, token=token, channel=posted_in, ts=ts, now=now)
    report.messages += 1
    report.roles += len(entries)
    report.lines.append(f"posted the digest to <#{channel}>: {len(entries)} role(s)")
    logger.info("digest posted to %s: %s role(s)", channel, len(entries))


def _record_posted(*, sessions: sessionmaker[Session], token: str, channel: str, ts: str, now: datetime) -> int:
    """The digest is in Slack: its roles are digested for good. Returns how many this call recorded."""
    with sessions.begin() as session:
        result = session.execute(
            update(Role)
            .where(Role.digest_token == token, Role.digested_at.is_(None))
            .values({**RELEASED, "digested_at": now, "digest_channel": channel, "digest_ts": ts})
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def _release(sessions: sessionmaker[Session], token: str) -> None:
    """Hand the roles back: they wait for the next digest."""
    with sessions.begin() as session:
        session.execute(
            update(Role)
            .where(Role.digest_token == token, Role.digested_at.is_(None))
            .values(**RELEASED)
            .execution_options(synchronize_session=False)
        )


def _failed(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    settings: Settings,
    token: str,
    failure: Failure,
    count: int,
    now: datetime,
    report: DigestReport,
) -> None:
    """An unknown outcome keeps the claim for the next run to check; any other failure hands the roles back."""
    channel = str(settings.digest.channel)
    if failure.outcome is Outcome.UNCERTAIN:
        # Keep the claim but let it expire now: the next run looks for the message before posting these roles.
        logger.warning("the digest may or may not be in %s (%s): the next run will check", channel, failure.reason)
        with sessions.begin() as session:
            session.execute(
                update(Role)
                .where(Role.digest_token == token)
                .values(digest_claim_expires_at=now)
                .execution_options(synchronize_session=False)
            )
        report.deferred += 1
        report.lines.append(f"the digest may or may not be in <#{channel}> ({failure.reason}): the next run checks")
        return
    _release(sessions, token)
    _not_posted(client=client, settings=settings, failure=failure, count=count, notify=True, report=report)


def _not_posted(
    *, client: WebClient, settings: Settings, failure: Failure, count: int, notify: bool, report: DigestReport
) -> None:
    """The roles stay pending: a refusal a person must fix is logged and DMed to the admins (unless `notify` is off);
    anything else (rate limits, Slack or the network failing) is simply tried again by the next run.
    """
    channel = str(settings.digest.channel)
    report.lines.append(f"not posted to <#{channel}>: {failure.reason}; {count} role(s) stay pending")
    if failure.outcome is not Outcome.PERMANENT:
        logger.warning("digest to %s deferred (%s): %s role(s) stay pending", channel, failure.reason, count)
        report.deferred += 1
        return
    report.failed += 1
    logger.warning(
        "digest not posted to %s: %s; %s role(s) stay pending for the next digest", channel, failure.reason, count
    )
    if notify:
        _tell_admins(client=client, settings=settings, channel=channel, reason=failure.reason, count=count)


def _tell_admins(*, client: WebClient, settings: Settings, channel: str, reason: str, count: int) -> None:
    """A DM to each admin saying what to do."""
    advice = WHAT_TO_DO.get(reason, OTHER_REFUSAL).format(channel=f"<#{channel}>", reason=reason)
    text = (
        f"Keepwarm could not post the new-roles digest. {advice} "
        f"The {count} waiting role(s) will go out with the next digest."
    )
    if not settings.admin_user_ids:
        logger.warning("no ADMIN_USER_IDS to tell that the digest could not be posted")
    for admin in sorted(settings.admin_user_ids):
        try:
            client.chat_postMessage(channel=admin, text=text)
        except CALL_ERRORS as error:
            logger.warning("could not DM admin %s about the digest: %s", admin, classify(error).reason)


def _settle_uncertain(
    *, sessions: sessionmaker[Session], client: WebClient, team_id: str, now: datetime, report: DigestReport
) -> None:
    """For each expired claim, look for its message: record the roles as digested, or hand them back."""
    with sessions.begin() as session:
        claims = session.execute(
            select(Role.digest_token, Role.digest_channel)
            .where(
                Role.team_id == team_id,
                Role.digest_token.is_not(None),
                Role.digested_at.is_(None),
                Role.digest_claim_expires_at <= now,
            )
            .distinct()
        ).all()
    for token, channel in claims:
        if channel is None:  # not a claim this job wrote: nothing to look for
            _release(sessions, token)
            continue
        try:
            ts = find_posted(client, channel=channel, event_type=DIGEST_METADATA_TYPE, token=token)
        except CALL_ERRORS as error:
            failure = classify(error)
            if failure.outcome is not Outcome.PERMANENT:
                logger.warning("could not check whether a digest reached %s (%s); will retry", channel, failure.reason)
                continue
            # Slack will never show this channel's history: hand the roles back; the post will say what is wrong.
            logger.warning("cannot check digests in %s: %s", channel, failure.reason)
            ts = None
        if ts is None:
            _release(sessions, token)
        elif _record_posted(sessions=sessions, token=token, channel=channel, ts=ts, now=now):
            report.recovered += 1
            report.lines.append(f"an earlier digest was found in <#{channel}>: its roles are recorded as posted")
