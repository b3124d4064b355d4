"""What every handler needs besides Bolt's own arguments, handed over on the Bolt context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.access import Access
from bot.config import Settings

CONTEXT_KEY = "keepwarm"


class DeliverReopenAlerts(Protocol):
    """Delivers a reopened role's queued alerts now (jobs.role_alerts.deliver_role_alerts, wired by the entry point),
    so `/role reopen` need not import the jobs that sit above bot/."""

    def __call__(
        self, *, sessions: sessionmaker[Session], client: WebClient, settings: Settings, now: datetime, role_id: int
    ) -> object: ...


@dataclass(frozen=True)
class Services:
    """Settings, the session factory (one session per request), the access rules and the reopen-alert delivery."""

    settings: Settings
    sessions: sessionmaker[Session]
    access: Access
    deliver_reopen_alerts: DeliverReopenAlerts


def services(context: BoltContext) -> Services:
    """The Services a middleware put on this request's context."""
    return context[CONTEXT_KEY]
