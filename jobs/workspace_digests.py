"""Each workspace's digest on its own DIGEST_CRON in its own DIGEST_TZ (multi-workspace mode).

The clock looks every minute for the workspaces with a digest time since their last digest, and runs the digest for
those only, each with its own token and settings. A workspace's last digest instant is kept in the database
(`workspaces.digest_at`), so a time is never posted twice, across restarts too; a time missed by less than
DIGEST_GRACE (the clock was down, or the database did not answer) still posts, as a single workspace's digest does at
start-up. A change of DIGEST_CRON in the Settings modal applies from the next minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.workspace_settings import effective
from jobs.digest import DigestReport, run_digest
from jobs.workspaces import WorkspaceClient, for_each_workspace
from models.workspace import Workspace

# A digest whose time passed less than this ago while the clock was down still goes out when it starts.
DIGEST_GRACE = timedelta(hours=1)
# Later than the last digest: a cron time equal to it was that digest's own.
_AFTER = timedelta(microseconds=1)


def time_due(settings: Settings, last: datetime | None, now: datetime) -> datetime | None:
    """The first of the workspace's digest times after its last digest and at most DIGEST_GRACE ago, once it has
    come; None when none has."""
    since = now - DIGEST_GRACE if last is None else max(last + _AFTER, now - DIGEST_GRACE)
    fire: datetime | None = settings.digest.trigger().get_next_fire_time(None, since)
    return fire if fire is not None and fire <= now else None


def due_teams(*, settings: Settings, sessions: sessionmaker[Session], now: datetime) -> list[str]:
    """The installed workspaces with a digest channel whose digest time has come since their last digest."""
    with sessions() as session:
        installed = session.scalars(select(Workspace).where(Workspace.uninstalled_at.is_(None))).all()
        due = []
        for workspace in installed:
            own = effective(settings, workspace.admins, workspace.overrides)
            if own.digest.channel is not None and time_due(own, workspace.digest_at, now) is not None:
                due.append(workspace.team_id)
    return sorted(due)


def run_digests(
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    teams: Sequence[str],
    now: datetime,
) -> list[tuple[str | None, DigestReport]]:
    """The digest of each workspace named, with its token and settings, each then marked done at `now`. A run that
    raised is not marked: the next minute tries again, inside DIGEST_GRACE. A refusal by Slack is marked done (the
    admins were told; the roles wait for the next digest), so it is not repeated every minute."""

    def one(workspace: WorkspaceClient) -> tuple[str | None, DigestReport]:
        report = run_digest(sessions=sessions, client=workspace.client, settings=workspace.settings, now=now)
        with sessions.begin() as session:
            session.get_one(Workspace, workspace.team_id).digest_at = now
        return workspace.team_id, report

    return for_each_workspace(settings, sessions, one, what="the digest", teams=teams)


def run_due_digests(
    *, settings: Settings, sessions: sessionmaker[Session], now: datetime
) -> list[tuple[str | None, DigestReport]]:
    """What the clock does each minute, as of `now`: the digests whose time has come."""
    teams = due_teams(settings=settings, sessions=sessions, now=now)
    return run_digests(settings=settings, sessions=sessions, teams=teams, now=now) if teams else []
