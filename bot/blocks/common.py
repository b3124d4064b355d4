"""Small pieces shared by every builder, so limits and escaping are handled once."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

Block = dict[str, Any]
Message = dict[str, Any]

SECTION_TEXT_MAX = 3000
ID_MAX = 2**31 - 1  # PostgreSQL's integer
_ID = re.compile(r"[0-9]{1,10}")


def parse_id(raw: str) -> int | None:
    """A database id from a button value, or None: values come back from clients and can be forged."""
    if not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= ID_MAX else None


def escape(text: str) -> str:
    """Escape user-typed text for mrkdwn, so a name can never become a mention or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text to a limit with an ellipsis, never inside an `&amp;` escape or a `<link|label>`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp > cut.rfind(";"):
        cut = cut[:amp]
    return cut.rstrip() + "…"


def link_target(url: str) -> str:
    """A URL made safe inside Slack's `<url|label>` syntax."""
    return url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")


def message(text: str, blocks: list[Block]) -> Message:
    """A message with the plain-text fallback Slack shows in notifications and screen readers."""
    return {"text": text, "blocks": blocks}


def section(markdown: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(markdown, SECTION_TEXT_MAX)}}


def context(*markdown: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(m, SECTION_TEXT_MAX)} for m in markdown],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, 150)}}


def ago(then: datetime, now: datetime) -> str:
    """`3 days ago`, `4 months ago`, `2 years ago`: how long since a rejection, in words.

    Days up to 59, so a check-in at 14 or 55 days reads as the policy counts it; then months, then years.
    """
    days = max(0, (now - then).days)
    if days < 60:
        return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def slack_date(when: datetime) -> str:
    """A date Slack renders in the reader's own time zone, with a UTC fallback for old clients."""
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
