"""The workspaces that installed Keepwarm (multi-workspace mode), and who administers each."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.base import Base, utcnow
from models.workspace import OAUTH_STATES, Workspace

TEAM_ID = re.compile(r"T[A-Z0-9]{2,31}")


def record_install(session: Session, *, team_id: str, installer: str, now: datetime | None = None) -> Workspace:
    """A first install makes the installer the workspace's first admin; a reinstall (within the grace period after
    an uninstall, or a re-authorisation) keeps the workspace, its admins and its data as they were."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, installed_by=installer, admin_user_ids=installer)
        workspace.installed_at = now or utcnow()
        session.add(workspace)
        return workspace
    workspace.uninstalled_at = None
    return workspace


def workspace_admins(session: Session, team_id: str) -> frozenset[str]:
    """The admins of an installed workspace; none for a workspace Keepwarm does not know."""
    workspace = session.get(Workspace, team_id)
    return frozenset() if workspace is None else workspace.admins


def workspace_overrides(session: Session, team_id: str) -> tuple[frozenset[str], dict[str, str]]:
    """A workspace's admins and the settings its admins changed; nothing for a workspace Keepwarm does not know."""
    workspace = session.get(Workspace, team_id)
    return (frozenset(), {}) if workspace is None else (workspace.admins, workspace.overrides)


def save_overrides(session: Session, *, team_id: str, admins: frozenset[str], overrides: dict[str, str]) -> None:
    """Replace the workspace's admins and changed settings (values equal to the environment's are not kept)."""
    workspace = session.get_one(Workspace, team_id)
    workspace.admin_user_ids = ",".join(sorted(admins))
    workspace.settings = json.dumps(dict(sorted(overrides.items())))


def installed(session: Session, team_id: str) -> bool:
    """The workspace installed Keepwarm and has not uninstalled it since."""
    found = session.scalar(
        select(Workspace.team_id).where(Workspace.team_id == team_id, Workspace.uninstalled_at.is_(None))
    )
    return found is not None


def delete_abandoned_states(session: Session, *, now: datetime) -> int:
    """OAuth states whose install was never finished: slack_sdk's state store deletes a state only when it is used.
    Its expiry is stored as naive UTC."""
    expired = OAUTH_STATES.c.expire_at < now.astimezone(UTC).replace(tzinfo=None)
    return session.execute(delete(OAUTH_STATES).where(expired)).rowcount


def mark_uninstalled(session: Session, *, team_id: str, now: datetime) -> None:
    """From now on no work is done for the workspace; its data waits for the grace period, then is erased."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None and workspace.uninstalled_at is None:
        workspace.uninstalled_at = now


def erase_workspace(session: Session, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace, in every table (the audit trail, its installation and the workspace row
    included), children before parents; returns the rows deleted per table that had any."""
    erased: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c:
            count = session.execute(delete(table).where(table.c.team_id == team_id)).rowcount
            if count:
                erased[table.name] = count
    return erased


def past_grace(session: Session, *, now: datetime, grace: timedelta) -> list[str]:
    """Workspaces uninstalled longer ago than the grace period, whose data is due for erasure."""
    query = select(Workspace.team_id).where(
        Workspace.uninstalled_at.is_not(None), Workspace.uninstalled_at <= now - grace
    )
    return sorted(session.scalars(query))
