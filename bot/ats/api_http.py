"""What the ATS API clients (Lever's, Ashby's) share: `ApiClient`, a requests Session with HTTP Basic authentication
(the API key as the user name, an empty password), explicit timeouts, and urllib3 retries that honour Retry-After
unless it asks for longer than a sweep should sleep. Every failure becomes one short line in the client's own error
class, so a sweep can leave the delivery in its inbox with that line and try again later."""

from __future__ import annotations

from typing import Any, ClassVar, Self
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

LONGEST_WAIT_SECONDS = 30.0  # a Retry-After beyond this raises: a sweep does not sleep for minutes
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE_SIZE = 100  # Lever's and Ashby's largest page
_MESSAGE_LENGTH = 200  # the inbox keeps 300 characters of the last error


class ApiClient:
    """A client for one account of one API, for one thread at a time (a requests Session is not thread-safe).
    A subclass names the API (`who`), its error class, its default root and the HTTP methods its reads use."""

    who: ClassVar[str]
    error: ClassVar[type[Exception]]
    default_base_url: ClassVar[str]
    methods: ClassVar[frozenset[str]]  # retried: Ashby's reads are POSTs, which urllib3 would not retry by default

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        longest_wait: float = LONGEST_WAIT_SECONDS,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if not api_key:
            raise ValueError(f"the {self.who} API key is empty")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
        base_url = base_url or self.default_base_url
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._timeout = (connect_timeout, read_timeout)
        self._page_size = page_size
        self._session = _session(
            api_key,
            base_url=self._base_url,
            retries=retries,
            backoff=backoff,
            longest_wait=longest_wait,
            methods=self.methods,
        )

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The answer to `method path` under the API's root, whatever its status; the client's error saying in one
        line why there was none."""
        what = f"{method} {path}"
        try:
            return self._session.request(method, urljoin(self._base_url, path), timeout=self._timeout, **kwargs)
        except _WaitTooLong as wait:
            raise self.error(f"{what}: {self.who} asks to wait {wait.seconds:.0f} s, too long for a sweep") from None
        except requests.Timeout:
            raise self.error(f"{what}: {self.who} did not answer in time") from None
        except requests.RequestException as failure:
            raise self.error(one_line(f"{what}: {self.who} could not be reached ({type(failure).__name__})")) from None


def _session(
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
