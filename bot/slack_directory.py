"""Who an email address is in Slack: an ATS names a rejection's recruiter by email, Slack knows them by user id."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

FOUND_SECONDS = 24 * 3600.0
# Shorter, so that a recruiter who joins Slack after their first rejection is found within the hour.
MISSING_SECONDS = 3600.0
MAX_ENTRIES = 10_000


class EmailLookupFailed(Exception):
    """Slack gave no answer about the address (an error, a rate limit, the network): ask again later."""


class SlackDirectory:
    """Slack user ids by email through users.lookupByEmail (scope users:read.email), remembered for a while.

    Meant for the clock process: a lookup is a Tier 3 Web API call, too slow and too limited for a request path.
    Answers, found or not, are kept per lower-cased address; failures are not kept, so the next call asks again.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        found_seconds: float = FOUND_SECONDS,
        missing_seconds: float = MISSING_SECONDS,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self._client = client
        self._clock = clock
        self._found_seconds, self._missing_seconds = found_seconds, missing_seconds
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[str | None, float]] = OrderedDict()  # email -> (user id, expires at)

    def user_for_email(self, email: str) -> str | None:
        """The id of the active, human Slack user with this address, or None; raises EmailLookupFailed."""
        key = email.strip().lower()
        if not key:
            return None  # Slack would refuse the call; no address is nobody
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None and self._clock() < answer[1]:
                return answer[0]
        user_id = self._look_up(key)
        self._remember(key, user_id)
        return user_id

    def _look_up(self, email: str) -> str | None:
        try:
            user = self._client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise EmailLookupFailed(f"users.lookupByEmail failed: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise EmailLookupFailed(f"users.lookupByEmail failed: {error!r}") from error
        # Slack's reference answers users_not_found for a deactivated user; should it ever return one anyway, or a
        # bot, neither can act on a reminder.
        if user.get("deleted") or user.get("is_bot"):
            return None
        return str(user["id"])

    def _remember(self, email: str, user_id: str | None) -> None:
        """Oldest answers go first once the cache is full, so memory stays bounded however many addresses pass."""
        ttl = self._found_seconds if user_id is not None else self._missing_seconds
        with self._lock:
            self._answers.pop(email, None)
            self._answers[email] = (user_id, self._clock() + ttl)
            while len(self._answers) > self._max_entries:
                self._answers.popitem(last=False)
