"""What the ATS API clients (Lever's, Ashby's) share: a requests Session with HTTP Basic authentication (the API key
as the user name, an empty password), explicit timeouts, and urllib3 retries that honour Retry-After unless it asks
for longer than a sweep should sleep. Every failure becomes one short line in the client's own error class, so a
sweep can leave the delivery in its inbox with that line and try again later."""

from __future__ import annotations

from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

LONGEST_WAIT_SECONDS = 30.0  # a Retry-After beyond this raises: a sweep does not sleep for minutes
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MESSAGE_LENGTH = 200  # the inbox keeps 300 characters of the last error


def api_session(
    api_key: str, *, base_url: str, retries: int, backoff: float, longest_wait: float, methods: frozenset[str]
) -> requests.Session:
    """A Session for one API root. `methods` are those retried: Ashby's reads are POSTs, which urllib3 would not
    retry by default."""
    session = requests.Session()
    session.auth = (api_key, "")
    session.headers["Accept"] = "application/json"
    retry = _Retry(
        total=retries,
        read=False,  # a read timeout or an answer cut short is not retried: the sweep tries again later
        status_forcelist=RETRY_STATUSES,
        allowed_methods=methods,
        backoff_factor=backoff,
        raise_on_status=False,  # the last answer comes back, so its status can be reported
        longest_wait=longest_wait,
    )
    session.mount(base_url, HTTPAdapter(max_retries=retry))
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    who: str,
    what: str,
    error: type[Exception],
    timeout: tuple[float, float],
    **kwargs: Any,
) -> requests.Response:
    """The answer, whatever its status; `error` saying in one line why there was none (`who` names the API)."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except _WaitTooLong as wait:
        raise error(f"{what}: {who} asks to wait {wait.seconds:.0f} s, too long for a sweep") from None
    except requests.Timeout:
        raise error(f"{what}: {who} did not answer in time") from None
    except requests.RequestException as failure:
        raise error(one_line(f"{what}: {who} could not be reached ({type(failure).__name__})")) from None


def one_line(text: str) -> str:
    """One short line, whatever the API put in its message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _MESSAGE_LENGTH else flat[: _MESSAGE_LENGTH - 1] + "…"


class _Retry(Retry):
    """urllib3's retries, except that a Retry-After longer than `longest_wait` raises instead of sleeping."""

    def __init__(self, *args: Any, longest_wait: float = LONGEST_WAIT_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.longest_wait = longest_wait

    def new(self, **kw: Any) -> Self:
        """urllib3 makes a new Retry for each attempt from its own parameters: carry ours along."""
        return super().new(longest_wait=self.longest_wait, **kw)

    def parse_retry_after(self, retry_after: str) -> float:
        seconds = super().parse_retry_after(retry_after)
        if seconds > self.longest_wait:
            raise _WaitTooLong(seconds)
        return seconds


class _WaitTooLong(Exception):
    """Raised from inside urllib3's retry loop, out through requests (which wraps only urllib3's own errors)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
