"""`python -m jobs import-roles greenhouse|lever SOURCE`: a job board's open jobs become the team's open roles.

Run it as often as you like: each run makes the board's roles match the board, in one transaction. A new job
opens a role that waits for the next digest; a job whose title, location, link, team or tags changed is updated in
place (not digested again); a job gone from the board closes its role; a job back on the board reopens its role and
puts it in the next digest again. Roles from `/role` and from other boards are never touched.

Roles are keyed by `external_id = "<board>:<job id>"` under `source` (greenhouse or lever), so two boards, even of
two companies on the same ATS, never close each other's roles. `<board>` is the token or site fetched, lower-cased.
For a recorded file it is the board that the jobs' own URLs name (boards.greenhouse.io/<token>/jobs/…,
jobs.lever.co/<site>/…), because that is what stays the same between two snapshots of one board and matches a live
fetch of it; the file's name is a poor key (acme-2026-01-05.json and acme-2026-01-12.json are the same board).
Only a board on its own careers domain, whose URLs name no board, falls back to the file's stem.

The board is the truth for its roles, with one exception: a role someone closed in Slack (`/role close`) stays
closed while its job is still posted, since the person knows the hire was made before the board does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.job_boards import Board, BoardError, BoardJob, load_board
from jobs.workspace import WorkspaceUnknown, bot_workspace, check_team
from models.role import Role, RoleStatus

__all__ = ["BoardError", "ImportReport", "import_roles", "sync_board"]

_FIELDS = ("title", "location", "url", "team_name", "tags")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): one line per role touched, and the counts."""

    lines: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.changed} changed, {self.closed} closed, "
            f"{self.reopened} reopened, {self.unchanged} unchanged"
        )


def import_roles(
    *,
    sessions: sessionmaker[Session],
    client: WebClient,
    board: str,
    source: str,
    team_id: str | None,
    now: datetime,
    dry_run: bool = False,
    base_url: str | None = None,
) -> ImportReport:
    """Read the board (a file, or fetched by token from `base_url`), then sync its roles; raises BoardError.

    Everything that can fail before the database (the team, the board, Slack) fails first, so nothing is half-done.
    """
    try:
        if team_id is not None:
            check_team(team_id)
        loaded = load_board(board, source, base_url=base_url)
        team = team_id or bot_workspace(client)
    except WorkspaceUnknown as error:
        raise BoardError(str(error)) from None
    with sessions() as session:
        report = sync_board(session=session, board=loaded, team_id=team, now=now, dry_run=dry_run)
        if not dry_run:
            session.commit()
    return report


def sync_board(*, session: Session, board: Board, team_id: str, now: datetime, dry_run: bool) -> ImportReport:
    """Make the team's roles from this board match it; the caller commits. A dry run only reads."""
    report = ImportReport()
    prefix = f"{board.name}:"
    roles = session.scalars(
        select(Role)
        .where(
            Role.team_id == team_id,
            Role.source == board.kind,
            Role.external_id.startswith(prefix, autoescape=True),
        )
        .order_by(Role.id)
    ).all()
    # SQLite's LIKE ignores case: keep exactly this board's keys.
    known = {role.external_id: role for role in roles if role.external_id and role.external_id.startswith(prefix)}
    added: list[Role] = []
    for job in board.jobs:
        role = known.pop(prefix + job.job_id, None)
        if role is None:
            report.new += 1
            added.append(_new_role(board=board, job=job, team_id=team_id, now=now))
            continue
        changes = [name for name in _FIELDS if getattr(role, name) != _value(job, name)]
        if role.status == RoleStatus.CLOSED and role.closed_by is not None:
            report.unchanged += 1
            report.lines.append(
                f"kept closed: {_label(role.id, role.title, role.location)} (closed by <@{role.closed_by}>)"
            )
        elif role.status == RoleStatus.CLOSED:
            report.reopened += 1
            report.lines.append(f"reopened: {_label(role.id, job.title, job.location)}")
            if not dry_run:
                _update(role, job, changes, now)
                _reopen(role, now)
        elif changes:
            report.changed += 1
            report.lines.append(f"changed: {_label(role.id, job.title, job.location)}: {', '.join(changes)}")
            if not dry_run:
                _update(role, job, changes, now)
        else:
            report.unchanged += 1
    for role in known.values():
        if role.status == RoleStatus.OPEN:
            report.closed += 1
            report.lines.append(f"closed: {_label(role.id, role.title, role.location)}")
            if not dry_run:
                role.status, role.closed_at, role.updated_at = RoleStatus.CLOSED, now, now
    if not dry_run:
        session.add_all(added)
        session.flush()  # the new roles' ids, for the report
    report.lines[:0] = [f"new: {_label(role.id, role.title, role.location)}" for role in added]
    return report


def _new_role(*, board: Board, job: BoardJob, team_id: str, now: datetime) -> Role:
    """An open role waiting for its first digest (digested_at unset)."""
    return Role(
        team_id=team_id,
        source=board.kind,
        external_id=f"{board.name}:{job.job_id}",
        status=RoleStatus.OPEN,
        opened_at=now,
        updated_at=now,
        **{name: _value(job, name) for name in _FIELDS},
    )


def _value(job: BoardJob, name: str) -> object:
    return list(job.tags) if name == "tags" else getattr(job, name)


def _update(role: Role, job: BoardJob, changes: list[str], now: datetime) -> None:
    """Write only what changed; an unchanged role is never passed here, so it keeps its updated_at."""
    for name in changes:
        setattr(role, name, _value(job, name))
    role.updated_at = now


def _reopen(role: Role, now: datetime) -> None:
    """Back on the board: open again and waiting for the next digest, any old digest claim forgotten."""
    role.status, role.closed_at, role.updated_at = RoleStatus.OPEN, None, now
    role.digested_at = role.digest_token = role.digest_claim_expires_at = None


def _label(role_id: int | None, title: str, location: str | None) -> str:
    """`#12 Backend Engineer (Berlin)`; a dry run's new role has no id yet."""
    number = f"#{role_id} " if role_id is not None else ""
    return f"{number}{title}{f' ({location})' if location else ''}"
