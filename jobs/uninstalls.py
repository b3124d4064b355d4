"""Erase the data of workspaces that uninstalled Keepwarm more than UNINSTALL_GRACE_DAYS ago and did not reinstall.

The log says which workspace and how many rows, never whose: a team id and counts are not personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.installs import erase_workspace, past_grace

logger = logging.getLogger(__name__)


@dataclass
class ErasureReport:
    lines: list[str] = field(default_factory=list)
    workspaces: int = 0

    def summary(self) -> str:
        return f"{self.workspaces} uninstalled workspace(s) erased"


def erase_uninstalled(
    *, sessions: sessionmaker[Session], settings: Settings, now: datetime, dry_run: bool = False
) -> ErasureReport:
    """Each workspace is erased in a transaction of its own, so one that fails is tried again on the next run."""
    report = ErasureReport()
    days = settings.uninstall_grace_days
    with sessions.begin() as session:
        due = past_grace(session, now=now, grace=timedelta(days=days))
    for team_id in due:
        if dry_run:
            report.lines.append(f"would erase workspace {team_id}, uninstalled more than {days} days ago")
            report.workspaces += 1
            continue
        with sessions.begin() as session:
            erased = erase_workspace(session, team_id)
        rows = sum(erased.values())
        detail = ", ".join(f"{table} {count}" for table, count in sorted(erased.items()))
        logger.info("erased workspace %s, uninstalled more than %s days ago: %s rows (%s)", team_id, days, rows, detail)
        report.lines.append(f"erased workspace {team_id}: {rows} rows")
        report.workspaces += 1
    return report
