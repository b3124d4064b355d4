"""Ashby's API, read-only, for the one thing a webhook may not say: how far an archived application got.

Archiving moves an application into its interview plan's Archived stage, so the webhook's `currentInterviewStage`
then names that stage, not the last one the candidate reached. When no stage change was received before (the webhook
was set up later, or only applicationUpdate is subscribed), the application's history says it.

Shapes as Ashby documents them (developers.ashbyhq.com, API reference, `application.listHistory`):
- Every endpoint is a POST of a JSON body to https://api.ashbyhq.com/<endpoint>, with HTTP Basic authentication: the
  API key as the user name and an empty password. Reading history needs the key's "Candidates: read" permission.
- `application.listHistory` takes `applicationId`, and `cursor` and `limit` (at most 100) to page.
- It answers `{"success": true, "results": [...], "moreDataAvailable": bool, "nextCursor": "..."}`; each result is
  a stage the application entered: `id`, `stageId`, `title`, `stageNumber` (0 the first), `enteredStageAt`,
  `leftStageAt`. A refusal answers `{"success": false, "errors": [...]}` (or `errorInfo` with `code` and `message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ats.api_http import ApiClient, one_line


class AshbyApiError(Exception):
    """Ashby could not be read now (refused, unreachable, slow, rate limited, or answered something unusable)."""


@dataclass(frozen=True)
class StageEntered:
    """One entry of an application's history."""

    stage_id: str
    title: str
    number: int


class AshbyApi(ApiClient):
    """A client for one Ashby organisation."""

    who = "Ashby"
    error = AshbyApiError
    default_base_url = "https://api.ashbyhq.com/"
    methods = frozenset({"POST"})  # every Ashby endpoint is a POST; these only read

    def last_stage_before(self, application_id: str, *, stage_id: str | None) -> str | None:
        """The title of the last stage the application entered other than `stage_id` (the Archived stage it is in
        now), or None when its history holds no other."""
        entries = [entry for entry in self.history(application_id) if entry.stage_id != stage_id]
        return max(entries, key=lambda entry: entry.number).title if entries else None

    def history(self, application_id: str) -> list[StageEntered]:
        """Every stage the application entered (`application.listHistory`, page after page)."""
        found: list[StageEntered] = []
        body: dict[str, Any] = {"applicationId": application_id, "limit": self._page_size}
        while True:
            page = self._post("application.listHistory", body)
            results, more, cursor = page.get("results"), page.get("moreDataAvailable"), page.get("nextCursor")
            if not isinstance(results, list) or (more and not isinstance(cursor, str)):
                raise AshbyApiError("Ashby's application.listHistory is not a documented list")
            found.extend(_entry(item) for item in results)
            if not more:
                return found
            body = {**body, "cursor": cursor}

    def _post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """The successful answer, or AshbyApiError saying what went wrong."""
        what = f"POST {endpoint}"
        response = self._send("POST", endpoint, json=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200:
            raise AshbyApiError(one_line(f"{what}: Ashby answered {response.status_code}{_ashby_says(answer)}"))
        if not isinstance(answer, dict):
            raise AshbyApiError(f"{what}: Ashby's answer is not a JSON object")
        if answer.get("success") is not True:
            raise AshbyApiError(one_line(f"{what}: Ashby refused{_ashby_says(answer)}"))
        return answer


def _entry(item: Any) -> StageEntered:
    if not isinstance(item, dict):
        raise AshbyApiError("an entry of Ashby's application history is not an object")
    stage_id, title, number = item.get("stageId"), item.get("title"), item.get("stageNumber")
    if not isinstance(stage_id, str) or not isinstance(title, str):
        raise AshbyApiError("an entry of Ashby's application history lacks stageId or title")
    if not isinstance(number, int) or isinstance(number, bool):
        raise AshbyApiError("an entry of Ashby's application history lacks its stageNumber")
    return StageEntered(stage_id, title, number)


def _ashby_says(answer: Any) -> str:
    """Ashby's own errors, when the answer has them."""
    if not isinstance(answer, dict):
        return ""
    said = [str(error) for error in answer.get("errors") or [] if error]
    info = answer.get("errorInfo")
    if isinstance(info, dict):
        said += [str(info[key]) for key in ("code", "message") if info.get(key)]
    return f" ({': '.join(said)})" if said else ""
