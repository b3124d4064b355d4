"""What every handler needs besides Bolt's own arguments, handed over on the Bolt context."""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Protocol

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.access import Access
from bot.config import Settings
from bot.slack_directory import SlackDirectory

CONTEXT_KEY = "keepwarm"


class DeliverReopenAlerts(Protocol):
    """Delivers a reopened role's queued alerts now (jobs.role_alerts.deliver_role_alerts, wired by the entry point),
    so `/role reopen` need not import the jobs that sit above bot/."""

    def __call__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        settings: Settings,
        now: datetime,
        role_id: int,
        team_id: str | None,
    ) -> object: ...


class ImportOutcome(Protocol):
    """What an import of past candidates reports (jobs.import_candidates.ImportReport): `ok` False when nothing (more)
    was written, the lines it printed, its problems by line, and its one-line summary."""

    @property
    def ok(self) -> bool: ...

    @property
    def lines(self) -> list[str]: ...

    @property
    def problems(self) -> list[str]: ...

    def summary(self) -> str: ...


class ImportCandidates(Protocol):
    """Imports a CSV of past candidates (jobs.import_candidates.import_candidates, wired by the entry point), so the
    Slack upload need not import the jobs that sit above bot/."""

    def __call__(
        self,
        *,
        sessions: sessionmaker[Session],
        directory: SlackDirectory,
        settings: Settings,
        source: BinaryIO,
        team_id: str,
        owner: str | None,
        dry_run: bool,
        skip_invalid: bool,
        now: datetime,
        actor: str,
    ) -> ImportOutcome: ...


def _import_worker() -> Executor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepwarm-import")


def _export_worker() -> Executor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepwarm-export")


@dataclass(frozen=True)
class Services:
    """Settings, the session factory (one session per request), the access rules, the reopen-alert delivery, the
    candidate import, the one thread imports uploaded in Slack run on after their acknowledgement, and the one that
    uploads `/rejected export` files (its own, so an export never waits behind a minute-long import)."""

    settings: Settings
    sessions: sessionmaker[Session]
    access: Access
    deliver_reopen_alerts: DeliverReopenAlerts
    import_candidates: ImportCandidates
    imports: Executor = field(default_factory=_import_worker)
    exports: Executor = field(default_factory=_export_worker)


def services(context: BoltContext) -> Services:
    """The Services a middleware put on this request's context."""
    return context[CONTEXT_KEY]
