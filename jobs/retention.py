"""Retention's part of the reminder sweep: erase the candidates whose period ran out, in batches."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.base import of_team
from models.candidate import Candidate
from models.retention import ERASE_BATCH, Retention, erase_batch, expiring

logger = logging.getLogger(__name__)


class ErasureTally(Protocol):
    """What the sweep's report keeps of retention's erasures."""

    erased: int
    lines: list[str]


def erase_expired(
    *,
    sessions: sessionmaker[Session],
    retention: Retention,
    now: datetime,
    dry_run: bool,
    report: ErasureTally,
    batch: int = ERASE_BATCH,
    team_id: str | None = None,
) -> None:
    """Erase every candidate (of the team, if given: each workspace has its own periods) whose period ran out by
    `now`, one committed batch at a time; a dry run only counts."""
    if dry_run:
        with sessions.begin() as session:
            due = session.scalar(
                select(func.count()).where(
                    Candidate.erased.is_(False), of_team(Candidate.team_id, team_id), expiring(retention, by=now)
                )
            )
        if due:
            report.lines.append(f"would erase {due} candidate(s) whose retention period ran out")
        return
    erased = 0
    while True:
        with sessions.begin() as session:
            count = erase_batch(session, retention, now=now, limit=batch, team_id=team_id)
        if not count:
            break
        erased += count
    if erased:
        report.erased += erased
        report.lines.append(f"erased {erased} candidate(s) whose retention period ran out")
        logger.info("retention: erased %s candidate(s) whose period ran out", erased)
