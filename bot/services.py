"""What every handler needs besides Bolt's own arguments, handed over on the Bolt context."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import BoltContext
from sqlalchemy.orm import Session, sessionmaker

from bot.access import Access
from bot.config import Settings

CONTEXT_KEY = "keepwarm"


@dataclass(frozen=True)
class Services:
    """Settings, the session factory (one session per request) and the access rules."""

    settings: Settings
    sessions: sessionmaker[Session]
    access: Access


def services(context: BoltContext) -> Services:
    """The Services a middleware put on this request's context."""
    return context[CONTEXT_KEY]
