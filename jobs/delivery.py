"""What every job that posts to Slack shares: the claim token a message carries, finding it again, and the turn
through the recruiters a DM run serves.

A job claims its rows in the database, then posts one message carrying the claim token as message metadata. When the
outcome of the post is unknown (the process died, the connection broke, Slack answered 5xx), the token is looked for in
the channel's recent history: found means delivered, not found means free to post again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

HISTORY_PAGE = 200
HISTORY_PAGES = 10  # the newest 2,000 messages: far more than a DM or a digest channel gets between two runs
logger = logging.getLogger(__name__)


class Tally(Protocol):
    """The counts a delivery run keeps of recruiters it could not serve."""

    failed: int
    deferred: int


def to_each_recruiter(
    recruiter_ids: Sequence[int], deliver: Callable[[int], bool], *, what: str, report: Tally
) -> None:
    """Run `deliver` for each recruiter in turn; it returns True when Slack still rate limited the post after a retry.

    One recruiter's failure must not block the others. A rate limit stops the run: refused again after Retry-After,
    posting on for the others would most likely be refused too (the limit is the workspace's) and hold this run (the
    clock, or a `/role reopen`) for Retry-After per recruiter; they wait for the next sweep instead.
    """
    for served, recruiter_id in enumerate(recruiter_ids, start=1):
        try:
            rate_limited = deliver(recruiter_id)
        except Exception:
            logger.exception("%s to recruiter %s failed", what, recruiter_id)
            report.failed += 1
            continue
        if rate_limited and (left := len(recruiter_ids) - served):
            logger.warning("Slack is rate limiting %s: %s other recruiter(s) wait for the next sweep", what, left)
            report.deferred += left
            return


def metadata(event_type: str, token: str) -> dict[str, Any]:
    """The message metadata that lets a later run recognise this post."""
    return {"event_type": event_type, "event_payload": {"token": token}}


def posted(response: SlackResponse) -> tuple[str, str]:
    """The channel and ts of a message Slack says it posted; an answer without them leaves the outcome unknown."""
    channel, ts = response.get("channel"), response.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        raise ValueError("Slack answered ok without the message's channel and ts")
    return channel, ts


def carries(message: dict[str, Any], event_type: str, token: str) -> bool:
    """True when a message from conversations.history was posted under this claim."""
    found = message.get("metadata")
    if not isinstance(found, dict) or found.get("event_type") != event_type:
        return False
    payload = found.get("event_payload")
    return isinstance(payload, dict) and payload.get("token") == token


def find_posted(client: WebClient, *, channel: str, event_type: str, token: str) -> str | None:
    """The ts of the message posted under this claim, newest pages first, or None; Slack errors propagate."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )
        found = next((str(m["ts"]) for m in page.get("messages", []) if carries(m, event_type, token)), None)
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if found is not None or not cursor:
            return found
    return None
