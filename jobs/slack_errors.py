"""How a failed Web API call is handled: give up, retry later, or first check whether Slack acted anyway."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from slack_sdk.errors import SlackApiError, SlackClientError

# Errors that will not go away by retrying; a person has to act (reinstall, re-invite, reassign).
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "ekm_access_denied",
        "invalid_auth",
        "is_archived",
        "messages_tab_disabled",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "user_disabled",
        "user_not_found",
    }
)
# Slack may have done the work before failing: "It's possible some aspect of the operation succeeded".
MAYBE_DONE = frozenset({"fatal_error", "internal_error"})
DEFAULT_RETRY = timedelta(minutes=1)
RATELIMITED = "ratelimited"
SLACK_CODE = re.compile(r"[a-z0-9_]+")
# Errors a Web API call raises: Slack's, the connection's, and a body that is not JSON or lacks a field.
CALL_ERRORS = (SlackClientError, OSError, ValueError, KeyError, TypeError)


class Outcome(Enum):
    PERMANENT = "permanent"
    RETRY = "retry"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Failure:
    outcome: Outcome
    reason: str
    retry_after: timedelta = DEFAULT_RETRY

    @property
    def rate_limited(self) -> bool:
        """Slack refused for its rate, even after the client waited Retry-After once: others would be refused too."""
        return self.outcome is Outcome.RETRY and self.reason == RATELIMITED


def classify(error: Exception) -> Failure:
    """Slack API errors by code and status; any other client or network error leaves the outcome unknown."""
    if not isinstance(error, SlackApiError):
        return Failure(Outcome.UNCERTAIN, f"{type(error).__name__}: {error}")
    response = error.response
    data = response.data if isinstance(response.data, dict) else {}
    code = str(data.get("error") or f"http_{response.status_code}")
    if not SLACK_CODE.fullmatch(code):
        # Not Slack's own answer (slack_sdk stands in for a body it could not read): the call may have worked.
        return Failure(Outcome.UNCERTAIN, f"unreadable answer (HTTP {response.status_code})")
    if response.status_code == 429 or code == RATELIMITED:
        seconds = response.headers.get("Retry-After") or response.headers.get("retry-after") or "60"
        retry = timedelta(seconds=int(seconds)) if str(seconds).isdigit() else DEFAULT_RETRY
        return Failure(Outcome.RETRY, RATELIMITED, retry)
    if response.status_code >= 500 or code in MAYBE_DONE:
        return Failure(Outcome.UNCERTAIN, code)
    if code in PERMANENT:
        return Failure(Outcome.PERMANENT, code)
    return Failure(Outcome.RETRY, code)
