"""Downloading a file someone uploaded to Slack, with the bot token, into a temporary file read as a stream.

Slack serves a file's bytes at its `url_private_download` (or `url_private`) to a request that carries
`Authorization: Bearer <token>` of an app with the `files:read` scope (docs.slack.dev, the file object's
"Authentication"). A token that may not read the file gets no 401 or 403: Slack redirects to the workspace's sign-in
page, which answers 200 with HTML (slackapi/bolt-js#2585, slackapi/node-slack-sdk#1750). So an HTML answer is a
refusal here, and the token is sent in an unredirected header: it goes to the file's URL and never on to wherever a
redirect points. It is only ever sent to Slack's own hosts, or to SLACK_API_URL's (a private Slack host; the tests'
fake Slack).

The bytes are copied to a temporary file in chunks, so memory stays flat whatever the size, and a download that
breaks off is known before anything is read from it.
"""

from __future__ import annotations

import http.client
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 30.0
SLACK_DOMAINS = ("slack.com", "slack-gov.com")
_TRY_AGAIN = "Nothing was imported; try again in a few minutes."


class DownloadFailed(Exception):
    """The file could not be had; the message says why and what to do, for the person who uploaded it."""


@contextmanager
def downloaded(file: Mapping[str, Any], *, client: WebClient, api_url: str) -> Iterator[BinaryIO]:
    """The uploaded file's bytes, from its start; `file` is the file object Slack gave (a file_input's state holds
    them whole; with only its `id`, files.info is asked for the rest). Raises DownloadFailed."""
    url = _url(file) or _url(_file_info(client, str(file.get("id", ""))))
    if url is None:
        raise DownloadFailed(f"Slack gave no address to download the file from. {_TRY_AGAIN}")
    if not _is_slack(url, api_url):
        host = urlsplit(url).hostname or url
        raise DownloadFailed(
            f"The file's address is not on Slack ({host}); Keepwarm sends its token to Slack only. Nothing was "
            "imported."
        )
    with tempfile.TemporaryFile() as spool:
        _fetch(url, token=client.token or "", into=spool)
        spool.seek(0)
        yield spool


def _url(file: Mapping[str, Any]) -> str | None:
    url = file.get("url_private_download") or file.get("url_private")
    return url if isinstance(url, str) and url else None


def _file_info(client: WebClient, file_id: str) -> Mapping[str, Any]:
    """The file object files.info gives (scope files:read)."""
    try:
        found = client.files_info(file=file_id).get("file")
    except SlackApiError as error:
        code = error.response.get("error")
        if code in ("missing_scope", "not_allowed_token_type", "no_permission"):
            raise DownloadFailed(
                f"Slack did not let Keepwarm read the file ({code}): the app needs the files:read scope; reinstall it "
                "after updating its manifest, then import again. Nothing was imported."
            ) from None
        raise DownloadFailed(f"Slack did not describe the file ({code}). {_TRY_AGAIN}") from None
    except (SlackClientError, OSError) as error:
        raise DownloadFailed(f"Slack did not answer when asked about the file ({error}). {_TRY_AGAIN}") from None
    return found if isinstance(found, dict) else {}


def _is_slack(url: str, api_url: str) -> bool:
    parts, api = urlsplit(url), urlsplit(api_url)
    if (parts.scheme, parts.netloc) == (api.scheme, api.netloc):
        return True
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == domain or host.endswith("." + domain) for domain in SLACK_DOMAINS)


def _fetch(url: str, *, token: str, into: BinaryIO) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "Keepwarm"})
    request.add_unredirected_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            if response.headers.get_content_type() == "text/html":
                raise DownloadFailed(
                    "Slack answered with its sign-in page instead of the file: the bot token may not read it. Check "
                    "that the app has the files:read scope (reinstall it after updating its manifest), then import "
                    "again. Nothing was imported."
                )
            shutil.copyfileobj(response, into, CHUNK_BYTES)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403, 404, 410):
            raise DownloadFailed(
                f"Slack refused the download (HTTP {error.code}): the file may have been deleted, or the bot token "
                "may not read it (it needs the files:read scope). Nothing was imported."
            ) from None
        raise DownloadFailed(f"Slack failed to serve the file (HTTP {error.code}). {_TRY_AGAIN}") from None
    except (OSError, http.client.HTTPException) as error:  # URLError, a timeout, a connection reset, a short body
        raise DownloadFailed(
            f"The download from Slack failed ({getattr(error, 'reason', None) or error or type(error).__name__}). "
            f"{_TRY_AGAIN}"
        ) from None
