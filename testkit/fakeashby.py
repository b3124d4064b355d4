"""A local fake of Ashby's API: real HTTP on 127.0.0.1, so the real client (bot/ats/ashby_api.py) runs end to end.

It serves `application.listHistory` from the histories a test puts in, shaped as Ashby documents it (see
bot/ats/ashby_api.py): POST with a JSON body, Basic authentication with the API key as the user name, pages of
`results` with `moreDataAvailable` and `nextCursor`, and `{"success": false, "errors": [...]}` when refused.
"""

from __future__ import annotations

import secrets
from typing import Any

from testkit.fake_api import Call, FakeApi, Reply

API_KEY = "ashby-test-api-key"
MAX_LIMIT = 100
ENTERED_AT = "2026-11-02T10:00:00.000Z"


def refused(*errors: str) -> Reply:
    """What Ashby answers a call it will not serve: HTTP 200 with success false."""
    return Reply({"success": False, "errors": list(errors)})


class FakeAshby(FakeApi):
    """Answers from the histories a test put in, page by page."""

    prefix = "/"
    name = "fakeashby"

    def __init__(self, *, api_key: str = API_KEY) -> None:
        super().__init__(api_key=api_key)

    def _clear_data(self) -> None:
        self.page_size = MAX_LIMIT
        self._histories: dict[str, list[dict[str, Any]]] = {}

    def add_history(self, application_id: str, *stages: tuple[str, str]) -> None:
        """The stages (id, title) the application entered, in order; the first is stage number 0."""
        with self._lock:
            self._histories[application_id] = [
                {
                    "id": f"history-{application_id}-{number}",
                    "stageId": stage_id,
                    "title": title,
                    "stageNumber": number,
                    "enteredStageAt": ENTERED_AT,
                    "leftStageAt": None,
                    "allowedActions": [],
                    "actorId": None,
                }
                for number, (stage_id, title) in enumerate(stages)
            ]

    def _default_reply(self, call: Call) -> Reply:
        if not self._authorized(call):
            return Reply({"success": False, "errors": ["invalid_api_key"]}, 401)
        if call.method != "POST":
            return Reply({"success": False, "errors": ["method_not_allowed"]}, 405)
        body = call.json()
        if call.path != "application.listHistory":
            return Reply({"success": False, "errors": [f"{call.path} is not served by this fake"]}, 404)
        if not isinstance(body, dict) or not isinstance(body.get("applicationId"), str):
            return refused("applicationId is required")
        with self._lock:
            history = self._histories.get(body["applicationId"])
            if history is None:
                return refused("application_not_found")
            return self._page(body, history)

    def _page(self, body: dict[str, Any], items: list[dict[str, Any]]) -> Reply:
        """One page from `cursor` (a token from an earlier page's `nextCursor`), at most `limit` long."""
        limit, cursor = body.get("limit", MAX_LIMIT), body.get("cursor")
        try:
            start = int(cursor.partition(".")[0]) if isinstance(cursor, str) else 0
        except ValueError:
            return refused("invalid_cursor")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT or not 0 <= start <= len(items):
            return refused(f"limit must be 1 to {MAX_LIMIT}, cursor a nextCursor")
        end = start + min(limit, self.page_size)
        page: dict[str, Any] = {"success": True, "results": [dict(item) for item in items[start:end]]}
        page["moreDataAvailable"] = end < len(items)
        if page["moreDataAvailable"]:
            page["nextCursor"] = f"{end}.{secrets.token_hex(8)}"  # opaque to the client, as Ashby's are
        return Reply(page)
