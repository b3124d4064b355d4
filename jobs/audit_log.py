"""`python -m jobs audit [--since DATE] [--team T…]`: a team's whole audit log as CSV, oldest first.

Written as it is read, a page at a time, each page its own short transaction: a log of any length costs the same
memory, and the bot's writes never wait for the export (on SQLite a transaction holds the whole database).
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from models.audit import AuditEntry, entries_after

HEADER = ("at", "team", "actor", "act", "source", "candidate id", "subject", "detail")
PAGE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def write_audit_csv(sessions: sessionmaker[Session], *, team_id: str, since: datetime | None, out: TextIO) -> int:
    """Write the header and every entry of the team since `since` (all of them when None) to `out`; returns how many
    entries were written. Times are ISO 8601 in UTC; an erased candidate's subject is empty. Names and details were
    typed by people (a name may read "=HYPERLINK(…)"), so those that a spreadsheet would run are prefixed with '."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written, after = 0, None
    while True:
        with sessions.begin() as session:
            page = entries_after(session, team_id=team_id, since=since, after=after, limit=PAGE)
            rows = [_row(entry) for entry in page]
            after = (page[-1].at, page[-1].id) if page else None
        writer.writerows(rows)
        written += len(rows)
        if len(rows) < PAGE:
            return written


def _row(entry: AuditEntry) -> tuple[str | int, ...]:
    return (
        entry.at.isoformat(),
        entry.team_id,
        entry.actor,
        entry.act,
        entry.source,
        entry.candidate_id or "",
        _inert(entry.subject),
        _inert(entry.detail),
    )


def _inert(text: str | None) -> str:
    """Typed text as a spreadsheet shows it, never runs it."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
