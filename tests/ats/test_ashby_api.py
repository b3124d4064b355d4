"""The Ashby API client over real HTTP to the fake Ashby: authentication, paging through an application's history,
the last stage before the Archived one, and every way a read can fail ending in one short AshbyApiError."""

from __future__ import annotations

import base64

import pytest

from bot.ats.ashby_api import AshbyApi, AshbyApiError, StageEntered
from testkit.fake_api import Reply
from testkit.fakeashby import API_KEY, FakeAshby

APPLICATION = "3ae2b801-19f6-41ef-ad28-214bd731948f"
ARCHIVED = "stage-archived"
PLAN = (("stage-review", "Application Review"), ("stage-screen", "Recruiter Screen"), ("stage-onsite", "Onsite"))


def failure(api: AshbyApi) -> str:
    """The message of the AshbyApiError reading the history raises, checked to be one short line."""
    with pytest.raises(AshbyApiError) as raised:
        api.last_stage_before(APPLICATION, stage_id=ARCHIVED)
    message = str(raised.value)
    assert "\n" not in message and len(message) <= 300, message
    assert API_KEY not in message
    return message


def test_the_last_stage_before_the_archived_one(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.add_history(APPLICATION, *PLAN, (ARCHIVED, "Archived"))
    assert ashby_api.last_stage_before(APPLICATION, stage_id=ARCHIVED) == "Onsite"
    [call] = fake_ashby.calls_to("application.listHistory")
    assert call.method == "POST"
    assert call.json() == {"applicationId": APPLICATION, "limit": 100}
    assert call.headers["Authorization"] == "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert call.headers["Content-Type"] == "application/json"


def test_history_is_read_across_pages_in_stage_order(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.page_size = 2
    fake_ashby.add_history(APPLICATION, *PLAN, (ARCHIVED, "Archived"), ("stage-onsite", "Onsite"))
    entries = ashby_api.history(APPLICATION)
    assert [(e.title, e.number) for e in entries] == [
        ("Application Review", 0),
        ("Recruiter Screen", 1),
        ("Onsite", 2),
        ("Archived", 3),
        ("Onsite", 4),
    ]
    calls = fake_ashby.calls_to("application.listHistory")
    assert len(calls) == 3
    cursors = [call.json().get("cursor") for call in calls]
    assert cursors[0] is None and len(set(cursors[1:])) == 2


def test_archived_and_unarchived_then_archived_again_keeps_the_last_active_stage(
    fake_ashby: FakeAshby, ashby_api: AshbyApi
) -> None:
    fake_ashby.add_history(
        APPLICATION, *PLAN[:2], (ARCHIVED, "Archived"), ("stage-onsite", "Onsite"), (ARCHIVED, "Archived")
    )
    assert ashby_api.last_stage_before(APPLICATION, stage_id=ARCHIVED) == "Onsite"


def test_a_history_with_only_the_archived_stage_says_nothing(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.add_history(APPLICATION, (ARCHIVED, "Archived"))
    assert ashby_api.last_stage_before(APPLICATION, stage_id=ARCHIVED) is None
    assert ashby_api.history(APPLICATION) == [StageEntered(ARCHIVED, "Archived", 0)]


def test_a_wrong_key_is_refused(fake_ashby: FakeAshby) -> None:
    fake_ashby.add_history(APPLICATION, *PLAN)
    with AshbyApi("not-the-key", base_url=fake_ashby.api_url) as api:
        message = failure(api)
    assert message == "POST application.listHistory: Ashby answered 401 (invalid_api_key)"
    assert "not-the-key" not in message


def test_a_refusal_with_success_false_says_ashbys_errors(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    assert failure(ashby_api) == "POST application.listHistory: Ashby refused (application_not_found)"
    fake_ashby.script(
        "application.listHistory",
        Reply({"success": False, "errorInfo": {"code": "forbidden", "message": "Missing permission candidatesRead"}}),
    )
    assert (
        failure(ashby_api)
        == "POST application.listHistory: Ashby refused (forbidden: Missing permission candidatesRead)"
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply("<html>busy</html>"), "POST application.listHistory: Ashby's answer is not a JSON object"),
        (Reply({"success": True}), "Ashby's application.listHistory is not a documented list"),
        (
            Reply({"success": True, "results": [], "moreDataAvailable": True}),
            "Ashby's application.listHistory is not a documented list",
        ),
        (
            Reply({"success": True, "results": [{"stageId": "s", "title": "Onsite"}], "moreDataAvailable": False}),
            "an entry of Ashby's application history lacks its stageNumber",
        ),
        (
            Reply({"success": True, "results": [{"title": "Onsite", "stageNumber": 1}], "moreDataAvailable": False}),
            "an entry of Ashby's application history lacks stageId or title",
        ),
        (
            Reply({"success": True, "results": ["Onsite"], "moreDataAvailable": False}),
            "an entry of Ashby's application history is not an object",
        ),
        (Reply({"message": "x" * 5000}, 502), "POST application.listHistory: Ashby answered 502"),
    ],
)
def test_garbage_answers_are_one_short_line(
    fake_ashby: FakeAshby, ashby_api: AshbyApi, reply: Reply, expected: str
) -> None:
    fake_ashby.answer_every("application.listHistory", reply)
    assert failure(ashby_api) == expected


def test_a_rate_limit_is_waited_out_when_short(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.add_history(APPLICATION, *PLAN, (ARCHIVED, "Archived"))
    fake_ashby.script("application.listHistory", Reply({"success": False}, 429, {"Retry-After": "0"}))
    assert ashby_api.last_stage_before(APPLICATION, stage_id=ARCHIVED) == "Onsite"
    assert len(fake_ashby.calls_to("application.listHistory")) == 2


def test_a_long_retry_after_fails_at_once_for_the_next_sweep(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.answer_every("application.listHistory", Reply({"success": False}, 429, {"Retry-After": "120"}))
    assert failure(ashby_api) == "POST application.listHistory: Ashby asks to wait 120 s, too long for a sweep"
    assert len(fake_ashby.calls_to("application.listHistory")) == 1


def test_a_slow_ashby_times_out(fake_ashby: FakeAshby, ashby_api: AshbyApi) -> None:
    fake_ashby.add_history(APPLICATION, *PLAN)
    fake_ashby.slow_down("application.listHistory", 1.0)
    assert failure(ashby_api) == "POST application.listHistory: Ashby did not answer in time"


def test_an_unreachable_ashby_is_one_line() -> None:
    with AshbyApi(API_KEY, base_url="http://127.0.0.1:9/", connect_timeout=0.5, retries=0) as api:
        assert failure(api) == "POST application.listHistory: Ashby could not be reached (ConnectionError)"


def test_an_empty_key_or_page_size_out_of_range_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="the Ashby API key is empty"):
        AshbyApi("")
    with pytest.raises(ValueError, match="page_size must be 1 to 100"):
        AshbyApi(API_KEY, page_size=101)
