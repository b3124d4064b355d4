"""The Lever API client over real HTTP to the fake Lever: authentication, paging, caching, expansion, and every way a
read can fail ending in one LeverApiError with a short line, after honouring Retry-After where that is short enough."""

from __future__ import annotations

import base64
import socket
import time
from email.utils import formatdate

import pytest

from bot.ats.lever_api import Archived, ArchiveReason, LeverApi, LeverApiError, Opportunity
from testkit.fakelever import API_KEY, FakeLever, Reply, rate_limited, server_error

OPPORTUNITY = "5b1c62a4-1d3e-4f0a-9e43-3c1f7b2d9a10"


def failure(api: LeverApi, read: str, *args: str) -> str:
    """The message of the LeverApiError the read raises, checked to be one short line."""
    with pytest.raises(LeverApiError) as raised:
        getattr(api, read)(*args)
    message = str(raised.value)
    assert "\n" not in message and len(message) <= 300, message
    assert API_KEY not in message
    return message


def test_the_api_key_is_the_basic_user_name_with_an_empty_password(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.add_stage("s1", "Phone screen")
    assert lever_api.stage_name("s1") == "Phone screen"
    expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert [call.headers["Authorization"] for call in fake_lever.calls] == [expected]


def test_a_wrong_key_is_refused(fake_lever: FakeLever) -> None:
    fake_lever.add_stage("s1", "Phone screen")
    with LeverApi("not-the-key", base_url=fake_lever.api_url) as api:
        message = failure(api, "stage_name", "s1")
    assert message == "GET stages: Lever answered 401 (UnauthorizedError: Invalid API key)"
    assert "not-the-key" not in message


def test_stages_are_read_across_pages_once_per_client(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.page_size = 2
    for number in range(1, 6):
        fake_lever.add_stage(f"s{number}", f"Stage {number}")
    assert lever_api.stage_name("s5") == "Stage 5"
    assert lever_api.stage_name("s1") == "Stage 1"
    calls = fake_lever.calls_to("stages")
    assert len(calls) == 3  # 2 + 2 + 1, and the second name came from the cache
    assert "offset" not in calls[0].params
    offsets = [call.params["offset"][0] for call in calls[1:]]
    assert len(set(offsets)) == 2 and all(call.params["limit"] == ["100"] for call in calls)


def test_archive_reasons_are_read_across_pages_with_their_type(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.page_size = 2
    fake_lever.add_archive_reason("r-hired", "Hired", "hired")
    fake_lever.add_archive_reason("r-under", "Underqualified")
    fake_lever.add_archive_reason("r-withdrew", "Withdrew")
    assert lever_api.archive_reason("r-withdrew") == ArchiveReason("r-withdrew", "Withdrew", "non-hired")
    assert lever_api.archive_reason("r-hired").hired
    assert not lever_api.archive_reason("r-under").hired
    assert len(fake_lever.calls_to("archive_reasons")) == 2


def test_an_unknown_stage_is_looked_up_again_once_then_refused(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.add_stage("s1", "Phone screen")
    assert lever_api.stage_name("s1") == "Phone screen"
    fake_lever.add_stage("s2", "Onsite")  # an admin added a stage after the client read them
    assert lever_api.stage_name("s2") == "Onsite"
    assert failure(lever_api, "stage_name", "s9") == "Lever has no stage s9"
    assert len(fake_lever.calls_to("stages")) == 3


def test_retry_after_is_honoured_then_the_read_succeeds(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.add_stage("s1", "Phone screen")
    fake_lever.script("stages", rate_limited(1))
    started = time.monotonic()
    assert lever_api.stage_name("s1") == "Phone screen"
    assert 0.9 <= time.monotonic() - started < 5
    assert len(fake_lever.calls_to("stages")) == 2


@pytest.mark.parametrize("retry_after", ["31", formatdate(time.time() + 3600, usegmt=True)], ids=["seconds", "date"])
def test_a_retry_after_too_long_for_a_sweep_raises_without_waiting(
    fake_lever: FakeLever, lever_api: LeverApi, retry_after: str
) -> None:
    fake_lever.add_stage("s1", "Phone screen")
    fake_lever.script("stages", rate_limited(retry_after))
    started = time.monotonic()
    message = failure(lever_api, "stage_name", "s1")
    assert time.monotonic() - started < 1
    assert message.startswith("GET stages: Lever asks to wait ") and message.endswith(" s, too long for a sweep")
    assert len(fake_lever.calls_to("stages")) == 1


def test_a_server_error_is_retried_then_the_read_succeeds(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.add_posting("p1", "Backend Engineer")
    fake_lever.script("postings/p1", server_error(500))
    assert lever_api.posting_title("p1") == "Backend Engineer"
    assert len(fake_lever.calls_to("postings/p1")) == 2


def test_an_outage_raises_its_status_once_the_retries_are_spent(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.answer_every("stages", server_error(503))
    message = failure(lever_api, "stage_name", "s1")
    assert message == "GET stages: Lever answered 503 (InternalServerError: Something went wrong)"
    assert len(fake_lever.calls_to("stages")) == 4  # the first try and three retries


def test_a_slow_answer_times_out_without_retrying(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.add_opportunity(OPPORTUNITY, contact="c1", name="Ada")
    fake_lever.slow_down(f"opportunities/{OPPORTUNITY}", 2.0)
    started = time.monotonic()
    message = failure(lever_api, "opportunity", OPPORTUNITY)
    assert time.monotonic() - started < 1.5
    assert message == f"GET opportunities/{OPPORTUNITY}: Lever did not answer in time"
    assert len(fake_lever.calls) == 1


def test_a_missing_opportunity_is_a_404(lever_api: LeverApi) -> None:
    message = failure(lever_api, "opportunity", "gone")
    assert message == "GET opportunities/gone: Lever answered 404 (ResourceNotFound: opportunities/gone was not found)"


def test_an_unreachable_lever_raises() -> None:
    with socket.socket() as probe:  # a port nothing listens on once this socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with LeverApi(API_KEY, base_url=f"http://127.0.0.1:{port}/v1/", backoff=0) as api:
        message = failure(api, "stage_name", "s1")
    assert message == "GET stages: Lever could not be reached (ConnectionError)"


def test_an_answer_that_is_not_json_raises(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.script("postings/p1", Reply("<html>maintenance</html>"))
    assert failure(lever_api, "posting_title", "p1") == "GET postings/p1: Lever's answer is not JSON"


def test_an_opportunity_not_as_documented_raises(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    fake_lever.script(f"opportunities/{OPPORTUNITY}", Reply({"data": {"id": OPPORTUNITY, "stage": None}}))
    message = failure(lever_api, "opportunity", OPPORTUNITY)
    assert message == f"Lever's opportunity {OPPORTUNITY} is not as documented ('contact')"


def test_the_opportunity_is_read_with_owner_stage_and_applications_expanded(
    fake_lever: FakeLever, lever_api: LeverApi
) -> None:
    fake_lever.add_stage("s-onsite", "Onsite")
    fake_lever.add_user("u1", "Rita Recruiter", "rita@northwind.example")
    fake_lever.add_posting("p1", "Backend Engineer")
    fake_lever.add_archive_reason("r1", "Underqualified")
    fake_lever.add_opportunity(
        OPPORTUNITY,
        contact="c1",
        name="Ada Lovelace",
        emails=("Ada@Example.com",),
        links=("https://github.com/ada",),
        stage="s-onsite",
        owner="u1",
        posting="p1",
        archived=("r1", 1764806400000),
    )
    assert lever_api.opportunity(OPPORTUNITY) == Opportunity(
        id=OPPORTUNITY,
        contact_id="c1",
        name="Ada Lovelace",
        emails=("Ada@Example.com",),
        links=("https://github.com/ada",),
        stage_name="Onsite",
        archived=Archived("r1", 1764806400000),
        owner_email="rita@northwind.example",
        posting_ids=("p1",),
    )
    (call,) = fake_lever.calls
    assert call.params["expand"] == ["owner", "stage", "applications"]
