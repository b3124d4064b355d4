"""What every job that posts to Slack shares: the claim token a message carries, and finding it again.

A job claims its rows in the database, then posts one message carrying the claim token as message metadata. When the
outcome of the post is unknown (the process died, the connection broke, Slack answered 5xx), the token is looked for in
the channel's recent history: found means delivered, not found means free to post again.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

HISTORY_LIMIT = 100


def metadata(event_type: str, token: str) -> dict[str, Any]:
    """The message metadata that lets a later run recognise this post."""
    return {"event_type": event_type, "event_payload": {"token": token}}


def carries(message: dict[str, Any], event_type: str, token: str) -> bool:
    """True when a message from conversations.history was posted under this claim."""
    found = message.get("metadata")
    if not isinstance(found, dict) or found.get("event_type") != event_type:
        return False
    payload = found.get("event_payload")
    return isinstance(payload, dict) and payload.get("token") == token


def find_posted(client: WebClient, *, channel: str, event_type: str, token: str) -> str | None:
    """The ts of the message posted under this claim, or None; Slack errors propagate to the caller."""
    history = client.conversations_history(channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True)
    return next((str(m["ts"]) for m in history.get("messages", []) if carries(m, event_type, token)), None)
