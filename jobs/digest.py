"""The digest: one message in DIGEST_CHANNEL listing every role opened since the last one, with who fits.

Each role appears in exactly one digest, as reminders reach a recruiter exactly once (jobs/delivery.py): the waiting
roles are claimed with one atomic UPDATE before anything is posted, the message carries the claim token, and a claim
whose post had an unknown outcome is settled by the next run from the channel's history. A channel the bot cannot
post to leaves the roles waiting and tells the admins what to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, Select, and_, func, null, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.digest import TOP_MATCHES, DigestEntry, build_digest
from bot.config import Settings
from bot.ids import DIGEST_METADATA_TYPE
from jobs.delivery import Claims, RunReport, run_clock
from jobs.slack_errors import CALL_ERRORS, Failure, Outcome, classify
from models import Role, RoleStatus
from models.matching import find_matches

RELEASED: dict[str, object] = {"digest_token": None, "digest_claim_expires_at": None, "digest_channel": None}
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
class DigestReport(RunReport):
    """What one digest run did, for logs, the CLI and tests."""

    roles: int = 0

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
    clock = run_clock(now)
    try:
        team_id = str(client.auth_test()["team_id"])
    except CALL_ERRORS as error:
        reason = classify(error).reason
        logger.warning("digest not run: Slack would not say which workspace the bot token is for (%s)", reason)
        report.failed += 1
        report.lines.append(f"could not ask Slack which workspace the bot token is for: {reason}")
        return report
    if not dry_run:
        # Each claim of the team with the channel it posts to (set with the claim): where to look for its message.
        claims = select(Role.digest_token, null(), Role.digest_channel).where(
            Role.team_id == team_id, Role.digested_at.is_(None)
        )
        CLAIMS.settle(sessions=sessions, client=client, claims=claims, now=now, report=report)
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
    with sessions.begin() as session:
        token = CLAIMS.claim(session, waiting(team_id, now), at=clock(), digest_channel=channel)
    with sessions.begin() as session:
        entries = _entries(session, session.scalars(_roles(Role.digest_token == token)), team_id=team_id)
        if not entries:
            report.lines.append("another digest run took the new roles")
            return
        reply = build_digest(entries, show_names=show_names, now=now)
    failure = CLAIMS.post(
        sessions=sessions,
        client=client,
        token=token,
        channel=channel,
        reply=reply,
        now=now,
        report=report,
        unfurl_links=False,
        unfurl_media=False,
    )
    if failure is None:
        report.roles += len(entries)
        report.lines.append(f"posted the digest to <#{channel}>: {len(entries)} role(s)")
        logger.info("digest posted to %s: %s role(s)", channel, len(entries))
    elif failure.outcome is Outcome.UNCERTAIN:
        report.lines.append(f"the digest may or may not be in <#{channel}> ({failure.reason}): the next run checks")
    else:
        _explain(client=client, settings=settings, failure=failure, count=len(entries), notify=True, report=report)


def record_sent(session: Session, *, token: str, channel: str, ts: str, now: datetime) -> int:
    """The digest is in Slack: its roles are digested for good. Returns how many this call recorded."""
    result = session.execute(
        update(Role)
        .where(Role.digest_token == token, Role.digested_at.is_(None))
        .values({**RELEASED, "digested_at": now, "digest_channel": channel, "digest_ts": ts})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# Refused or rate limited, the roles are simply handed back: they wait for the next digest.
CLAIMS = Claims(
    what="the digest",
    logger=logger,
    event_type=DIGEST_METADATA_TYPE,
    token=Role.digest_token,
    expires=Role.digest_claim_expires_at,
    released=RELEASED,
    record=record_sent,
)


def _not_posted(
    *, client: WebClient, settings: Settings, failure: Failure, count: int, notify: bool, report: DigestReport
) -> None:
    """The channel cannot take the digest now, so nothing was claimed: the roles stay pending (see _explain)."""
    channel = str(settings.digest.channel)
    if failure.outcome is not Outcome.PERMANENT:
        logger.warning("digest to %s deferred (%s): %s role(s) stay pending", channel, failure.reason, count)
        report.deferred += 1
    else:
        report.failed += 1
        logger.warning(
            "digest not posted to %s: %s; %s role(s) stay pending for the next digest", channel, failure.reason, count
        )
    _explain(client=client, settings=settings, failure=failure, count=count, notify=notify, report=report)


def _explain(
    *, client: WebClient, settings: Settings, failure: Failure, count: int, notify: bool, report: DigestReport
) -> None:
    """A refusal a person must fix is DMed to the admins (unless `notify` is off); anything else (rate limits, Slack
    or the network failing) is simply tried again by the next run.
    """
    channel = str(settings.digest.channel)
    report.lines.append(f"not posted to <#{channel}>: {failure.reason}; {count} role(s) stay pending")
    if failure.outcome is Outcome.PERMANENT and notify:
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
