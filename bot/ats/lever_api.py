"""Lever's API, read-only: what a stored Lever webhook delivery needs, since Lever's webhooks carry ids only.

Shapes as Lever documents them (hire.lever.co/developer/documentation, read for this through its index and the
client corbaltcode/lever-data-api-go, whose comments quote it field by field; the developer FAQ at
hire.lever.co/developer/support):
- HTTP Basic authentication, the API key as the username and an empty password. The root is
  https://api.lever.co/v1; accounts hosted in Lever's EU region answer on https://api.eu.lever.co/v1 instead.
- Every answer is `{"data": ...}`. A list answers `{"data": [...], "hasNext": bool, "next": "<token>"}` and the next
  page is asked for with `offset=<token>`; `limit` takes 1 to 100.
- `expand=owner`, `expand=stage` and `expand=applications` return those objects in place of their ids.
- An error answers `{"code": ..., "message": ...}`. Lever limits each key to 10 requests a second (bursts of 20) and
  answers 429 beyond that. Its documentation does not say whether the 429 carries Retry-After: when it does, the
  wait is honoured, else the retries back off exponentially.

Every failure raises `LeverApiError` with one short line, so that a sweep can leave the delivery in its inbox and try
again later.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from bot.ats.api_http import ApiClient, one_line


class LeverApiError(Exception):
    """Lever could not be read now (refused, unreachable, slow, rate limited, or answered something unusable)."""


@dataclass(frozen=True)
class ArchiveReason:
    """Why an opportunity left the pipeline. Lever's FAQ: every account has "Hired" (type `hired`); "any other
    archive reason besides Hired means that a candidate was rejected" (type `non-hired`)."""

    id: str
    text: str
    type: str

    @property
    def hired(self) -> bool:
        return self.type == "hired"


@dataclass(frozen=True)
class Archived:
    reason_id: str
    archived_at: int  # milliseconds since the epoch, as Lever gives every time


@dataclass(frozen=True)
class Opportunity:
    """One candidacy of one person (`contact`) for, at most, one job posting, as read with owner, stage and
    applications expanded. Lever keeps the stage an opportunity was in when it is archived."""

    id: str
    contact_id: str
    name: str
    emails: tuple[str, ...]
    links: tuple[str, ...]
    stage_name: str | None
    archived: Archived | None
    owner_email: str | None
    posting_ids: tuple[str, ...]  # "each Opportunity can only have up to one application", so one at most


class LeverApi(ApiClient):
    """A client for one Lever account. Archive reasons and stages are read once per client, and again only when an
    id is not among them (an admin added one since): they rarely change. Accounts in Lever's EU region need
    `base_url="https://api.eu.lever.co/v1/"`."""

    who = "Lever"
    error = LeverApiError
    default_base_url = "https://api.lever.co/v1/"
    methods = frozenset({"GET"})
    _archive_reasons: dict[str, ArchiveReason] | None = None  # until first read, by id
    _stage_names: dict[str, str] | None = None

    # --- what the parser reads -------------------------------------------------------------------------------

    def opportunity(self, opportunity_id: str) -> Opportunity:
        """`GET /opportunities/:id` with owner, stage and applications expanded."""
        path = f"opportunities/{quote(opportunity_id, safe='')}"
        data = self._get(path, {"expand": ["owner", "stage", "applications"]})
        try:
            return _opportunity(data)
        except (AttributeError, KeyError, TypeError) as error:
            message = f"Lever's opportunity {opportunity_id} is not as documented ({error})"
            raise LeverApiError(one_line(message)) from None

    def posting_title(self, posting_id: str) -> str:
        """`GET /postings/:id`: its `text` is the job's title."""
        data = self._get(f"postings/{quote(posting_id, safe='')}", {})
        title = data.get("text") if isinstance(data, dict) else None
        if not isinstance(title, str):
            raise LeverApiError(f"Lever's posting {posting_id} has no title")
        return title

    def archive_reason(self, reason_id: str) -> ArchiveReason:
        """One of the account's archive reasons (`GET /archive_reasons`, paged)."""
        if self._archive_reasons is None or reason_id not in self._archive_reasons:
            self._archive_reasons = {
                item["id"]: ArchiveReason(item["id"], item["text"], item["type"])
                for item in self._list("archive_reasons", ("id", "text", "type"))
            }
        reason = self._archive_reasons.get(reason_id)
        if reason is None:
            raise LeverApiError(f"Lever has no archive reason {reason_id}")
        return reason

    def stage_name(self, stage_id: str) -> str:
        """The name (`text`) of one of the account's stages (`GET /stages`, paged)."""
        if self._stage_names is None or stage_id not in self._stage_names:
            self._stage_names = {item["id"]: item["text"] for item in self._list("stages", ("id", "text"))}
        name = self._stage_names.get(stage_id)
        if name is None:
            raise LeverApiError(f"Lever has no stage {stage_id}")
        return name

    # --- HTTP ------------------------------------------------------------------------------------------------

    def _list(self, path: str, fields: tuple[str, ...]) -> Iterator[dict[str, str]]:
        """Every item of a list, page after page, each checked to have `fields` as strings."""
        params: dict[str, Any] = {"limit": self._page_size}
        while True:
            page = self._get(path, params, whole=True)
            items, more, token = page.get("data"), page.get("hasNext"), page.get("next")
            if not isinstance(items, list) or not isinstance(more, bool) or (more and not isinstance(token, str)):
                raise LeverApiError(f"Lever's {path} is not a documented list")
            for item in items:
                if not (isinstance(item, dict) and all(isinstance(item.get(name), str) for name in fields)):
                    raise LeverApiError(f"an item of Lever's {path} lacks {', '.join(fields)}")
                yield item
            if not more:
                return
            params = {"limit": self._page_size, "offset": token}

    def _get(self, path: str, params: Mapping[str, Any], *, whole: bool = False) -> Any:
        """The answer's `data` (or the whole answer, for lists), or LeverApiError saying what went wrong."""
        what = f"GET {path}"
        response = self._send("GET", path, params=params)
        if response.status_code != 200:
            raise LeverApiError(one_line(f"{what}: Lever answered {response.status_code}{_lever_says(response)}"))
        try:
            body = response.json()
        except ValueError:
            raise LeverApiError(f"{what}: Lever's answer is not JSON") from None
        if not isinstance(body, dict) or "data" not in body:
            raise LeverApiError(f"{what}: Lever's answer has no data")
        return body if whole else body["data"]


def _opportunity(data: Any) -> Opportunity:
    """The fields Keepwarm uses, checked: an AttributeError, KeyError or TypeError says what is not as documented."""
    stage, owner, archived = data["stage"], data.get("owner"), data.get("archived")
    applications = data.get("applications") or []
    return Opportunity(
        id=_text(data, "id"),
        contact_id=_text(data, "contact"),
        name=_text(data, "name"),
        emails=_texts(data, "emails"),
        links=_texts(data, "links"),
        stage_name=None if stage is None else _text(stage, "text"),
        archived=None if archived is None else Archived(_text(archived, "reason"), _millis(archived["archivedAt"])),
        owner_email=None if owner is None else _text(owner, "email"),
        posting_ids=tuple(_text(application, "posting") for application in applications if application.get("posting")),
    )


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value


def _texts(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    values = data.get(name) or []
    if not (isinstance(values, list) and all(isinstance(value, str) for value in values)):
        raise TypeError(f"{name} is not a list of text")
    return tuple(values)


def _millis(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("archivedAt is not milliseconds")
    return value


def _lever_says(response: requests.Response) -> str:
    """Lever's own error code and message, when the body has them."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    said = ": ".join(str(body[key]) for key in ("code", "message") if body.get(key))
    return f" ({said})" if said else ""
