"""Memory of the signed requests already taken, so a captured request sent again is not processed twice.

A Slack signature covers the timestamp and the body, and slack_sdk's SignatureVerifier accepts it for five minutes
either side of that timestamp; Bolt keeps no memory of what it has seen, so inside that window anyone who captured a
signed `/rejected` could send it again and record the rejection again. Slack itself never sends one signature twice for
a new piece of work: every slash command and click carries its own trigger_id, every event its own event_id.
"""

from __future__ import annotations

import heapq
import threading

SIGNATURE_WINDOW_SECONDS = 300  # slack_sdk.signature.SignatureVerifier refuses a timestamp further from now
CAPACITY = 10_000  # far beyond a team's traffic in ten minutes; about 2 MB


class SeenSignatures:
    """Signatures accepted during the window they stay valid in; thread-safe, as waitress serves from many threads.

    Bounded: past `capacity` the entry expiring soonest is forgotten first, so a flood (which only a holder of the
    signing secret can send) costs memory it cannot grow, at worst letting through a replay of a forgotten request.
    In-process only: with several web processes, a replay routed to another process is not recognised.
    """

    def __init__(self, *, window_seconds: int = SIGNATURE_WINDOW_SECONDS, capacity: int = CAPACITY) -> None:
        self._window = window_seconds
        self._capacity = capacity
        self._expiries: list[tuple[int, str]] = []  # a heap: the soonest expiry first
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def first_sight(self, signature: str, *, timestamp: int, now: float) -> bool:
        """True the first time a signature comes (and remember it until it expires), False on every repeat."""
        with self._lock:
            while self._expiries and self._expiries[0][0] < now:
                self._seen.discard(heapq.heappop(self._expiries)[1])
            if signature in self._seen:
                return False
            if len(self._seen) >= self._capacity:
                self._seen.discard(heapq.heappop(self._expiries)[1])
            self._seen.add(signature)
            heapq.heappush(self._expiries, (timestamp + self._window, signature))
            return True

    def __len__(self) -> int:
        return len(self._seen)
