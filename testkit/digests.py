"""Shared by the digest tests and the Role buttons tests: the people and dates of a digest, roles opened and closed as
/role does, and what a digest shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Role
from models.roles import close_role, create_role
from testkit import data
from testkit.fakeslack import TEAM_ID

TEAM = TEAM_ID
CHANNEL = "C0DIGEST"
ADMIN = "U0ADMIN"
ALICE, BRUNO, REC = "U0ALICE", "U0BRUNO", "U0REC"
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday, 09:00 UTC: the default digest time
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
MONTH = 30 * DAY
ROLE_REF = re.compile(r"\(#(\d+)\)")


# Past candidates: rejected by Alice four months before the digest, with an email made from the name.
reject = partial(data.reject, user=ALICE, at=NOW - 4 * MONTH, email_from_name=True)


def open_role(
    sessions: sessionmaker[Session],
    title: str,
    *,
    tags: tuple[str, ...] = (),
    at: datetime = NOW - 2 * DAY,
    team: str = TEAM,
    **details: str,
) -> int:
    """Open a role as /role does; returns its id."""
    with sessions.begin() as session:
        return create_role(session=session, team_id=team, opened_by=REC, title=title, tags=tags, now=at, **details).id


def close(sessions: sessionmaker[Session], role_id: int, *, at: datetime) -> None:
    """Close a role as `/role close` does."""
    with sessions.begin() as session:
        assert close_role(session=session, team_id=TEAM, role_id=role_id, user_id=REC, now=at).changed


def texts(message: dict[str, Any]) -> str:
    """Every text of a message's blocks, one per line."""
    found: list[str] = []
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found.extend(e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str))
    return "\n".join(found)


def roles_in(message: dict[str, Any]) -> list[int]:
    """The role ids a digest names, in full or in its compact list."""
    return [int(ref) for ref in ROLE_REF.findall(texts(message))]


def role_rows(sessions: sessionmaker[Session]) -> dict[int, tuple[Any, ...]]:
    """id -> (digested_at, digest_channel, digest_ts, digest_token, digest_claim_expires_at)."""
    with sessions.begin() as session:
        return {
            r.id: (r.digested_at, r.digest_channel, r.digest_ts, r.digest_token, r.digest_claim_expires_at)
            for r in session.scalars(select(Role).order_by(Role.id))
        }


def pending(sessions: sessionmaker[Session]) -> list[int]:
    """Roles waiting for a digest, with no claim on them."""
    return [i for i, (at, channel, ts, token, expires) in role_rows(sessions).items() if at is None and token is None]
