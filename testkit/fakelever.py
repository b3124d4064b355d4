"""A local fake of Lever's API: real HTTP on 127.0.0.1, so the real client (bot/ats/lever_api.py) runs end to end.

It serves what a test puts into it, shaped as Lever documents its objects (see bot/ats/lever_api.py for the sources):
opportunities with `contact`, `emails`, `links`, `stage`, `archived` {reason, archivedAt}, `owner` and
`applications`, expanded into objects when `expand` asks; postings with their `text`; archive reasons with `text` and
`type`; stages with `text`. Lists are paged for real, `{"data", "hasNext", "next"}` with `offset=<next>`, and
`page_size` can be made small so that a test crosses pages. Requests without the API key as the Basic user get 401.
Error bodies are `{"code", "message"}` as Lever's are; the codes are this fake's own.
"""

from __future__ import annotations

import secrets
from typing import Any

from testkit.fake_api import Call, FakeApi, Reply

API_KEY = "lever-test-api-key"
MAX_LIMIT = 100  # Lever's largest page


def rate_limited(retry_after: int | str = 1) -> Reply:
    """HTTP 429 with Retry-After (seconds, or an HTTP date)."""
    return Reply({"code": "TooManyRequests", "message": "Rate limit exceeded"}, 429, {"Retry-After": str(retry_after)})


def server_error(status: int = 500) -> Reply:
    return Reply({"code": "InternalServerError", "message": "Something went wrong"}, status)


def _error(status: int, code: str, message: str) -> Reply:
    return Reply({"code": code, "message": message}, status)


class FakeLever(FakeApi):
    """Answers from the data a test put in, page by page."""

    prefix = "/v1/"
    name = "fakelever"

    def __init__(self, *, api_key: str = API_KEY) -> None:
        super().__init__(api_key=api_key)

    def _clear_data(self) -> None:
        self.page_size = MAX_LIMIT
        self._opportunities: dict[str, dict[str, Any]] = {}
        self._applications: dict[str, dict[str, Any]] = {}
        self._postings: dict[str, dict[str, Any]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._stages: list[dict[str, Any]] = []
        self._archive_reasons: list[dict[str, Any]] = []

    # --- the account's data ----------------------------------------------------------------------------------

    def add_stage(self, stage_id: str, text: str) -> None:
        with self._lock:
            self._stages.append({"id": stage_id, "text": text})

    def add_archive_reason(self, reason_id: str, text: str, reason_type: str = "non-hired") -> None:
        """`reason_type` is "hired" or "non-hired", as Lever's `type`."""
        with self._lock:
            self._archive_reasons.append({"id": reason_id, "text": text, "status": "active", "type": reason_type})

    def add_user(self, user_id: str, name: str, email: str) -> None:
        with self._lock:
            username = email.partition("@")[0]
            self._users[user_id] = {"id": user_id, "name": name, "username": username, "email": email}

    def add_posting(self, posting_id: str, text: str) -> None:
        with self._lock:
            self._postings[posting_id] = {"id": posting_id, "text": text, "state": "published"}

    def add_opportunity(
        self,
        opportunity_id: str,
        *,
        contact: str,
        name: str,
        emails: tuple[str, ...] = (),
        links: tuple[str, ...] = (),
        stage: str | None = None,
        owner: str | None = None,
        posting: str | None = None,
        archived: tuple[str, int] | None = None,
    ) -> None:
        """An opportunity and, when `posting` is given, its one application; `archived` is (reason id, ms)."""
        archive = None if archived is None else {"reason": archived[0], "archivedAt": archived[1]}
        application_ids = []
        with self._lock:
            if posting is not None:
                application_id = f"app-{opportunity_id}"
                application_ids.append(application_id)
                self._applications[application_id] = {
                    "id": application_id,
                    "opportunityId": opportunity_id,
                    "candidateId": opportunity_id,
                    "type": "posting",
                    "posting": posting,
                    "archived": archive,
                }
            self._opportunities[opportunity_id] = {
                "id": opportunity_id,
                "name": name,
                "headline": "",
                "contact": contact,
                "stage": stage,
                "confidentiality": "non-confidential",
                "location": "",
                "phones": [],
                "emails": list(emails),
                "links": list(links),
                "archived": archive,
                "tags": [],
                "sources": [],
                "origin": "applied",
                "owner": owner,
                "followers": [],
                "applications": application_ids,
                "createdAt": 1764000000000,
                "isAnonymized": False,
            }

    def _default_reply(self, call: Call) -> Reply:
        if not self._authorized(call):
            return _error(401, "UnauthorizedError", "Invalid API key")
        if call.method != "GET":
            return _error(405, "MethodNotAllowed", f"{call.method} is not served by this fake")
        kind, _, item_id = call.path.partition("/")
        expand = set(call.params.get("expand", []))
        with self._lock:
            if call.path == "stages":
                return self._page(call, self._stages)
            if call.path == "archive_reasons":
                return self._page(call, self._archive_reasons)
            if kind == "opportunities" and item_id in self._opportunities:
                return Reply({"data": self._expanded(self._opportunities[item_id], expand)})
            if kind == "postings" and item_id in self._postings:
                return Reply({"data": dict(self._postings[item_id])})
        return _error(404, "ResourceNotFound", f"{call.path} was not found")

    def _page(self, call: Call, items: list[dict[str, Any]]) -> Reply:
        """One page of `items` from `offset` (a token from an earlier page's `next`), at most `limit` long."""
        try:
            limit = int(call.params.get("limit", [str(MAX_LIMIT)])[0])
            start = int(call.params["offset"][0].partition(".")[0]) if "offset" in call.params else 0
        except ValueError:
            return _error(400, "BadRequestError", "limit and offset must be what Lever gave")
        if not 1 <= limit <= MAX_LIMIT or not 0 <= start <= len(items):
            return _error(400, "BadRequestError", f"limit must be 1 to {MAX_LIMIT}, offset a token from next")
        end = start + min(limit, self.page_size)
        page: dict[str, Any] = {"data": [dict(item) for item in items[start:end]], "hasNext": end < len(items)}
        if page["hasNext"]:
            page["next"] = f"{end}.{secrets.token_hex(8)}"  # opaque to the client, as Lever's tokens are
        return Reply(page)

    def _expanded(self, opportunity: dict[str, Any], expand: set[str]) -> dict[str, Any]:
        """The opportunity with owner, stage and applications as objects in place of ids, where `expand` asks."""
        shown = dict(opportunity)
        if "owner" in expand and shown["owner"] is not None:
            shown["owner"] = dict(self._users[shown["owner"]])
        if "stage" in expand and shown["stage"] is not None:
            shown["stage"] = next(dict(stage) for stage in self._stages if stage["id"] == shown["stage"])
        if "applications" in expand:
            shown["applications"] = [dict(self._applications[item]) for item in shown["applications"]]
        return shown
