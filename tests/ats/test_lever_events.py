"""Stored Lever deliveries (tests/data/ats/lever) become normalized events, with what the webhook leaves out read from
the fake Lever API over real HTTP: names, emails, LinkedIn, role, stage, archive reason, owner and time."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.ats.lever import events
from bot.ats.lever_api import LeverApi, LeverApiError
from models.ats_events import Deleted, Hired, Rejected, StageSeen, Unrejected
from testkit.ats import fixture, lever_body
from testkit.fakelever import FakeLever

# The ids of the fixtures.
OPPORTUNITY = "5b1c62a4-1d3e-4f0a-9e43-3c1f7b2d9a10"
CONTACT = "0e7b9d5c-8a44-4c7f-b1c2-6f3a2d1e9b87"
TO_STAGE = "a1f4c2d8-7e36-4b9a-8c05-2d7e9f1b3c64"
FROM_STAGE = "c9e2b7a1-4d58-4f3c-9a26-8b1e5d7f0c93"
REASON = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"
ARCHIVED_AT = datetime(2025, 12, 4, tzinfo=UTC)  # the fixture's archivedAt, 1764806400000 ms

HIRED_REASON = "hired-reason"
ONSITE = "onsite-stage"
EMAILS = ("ada.lovelace@example.com", "ada@personal.example")


def account(fake: FakeLever, *, reason: str = "Underqualified", owner: str | None = "u1", posting: bool = True) -> None:
    """A Lever account holding the fixtures' opportunity, archived in the Onsite stage for `reason`."""
    fake.add_stage(FROM_STAGE, "New applicant")
    fake.add_stage(TO_STAGE, "Phone screen")
    fake.add_stage(ONSITE, "Onsite")
    fake.add_archive_reason(HIRED_REASON, "Hired", "hired")
    fake.add_archive_reason(REASON, reason)
    fake.add_user("u1", "Rita Recruiter", "Rita@Northwind.example")
    fake.add_posting("p-backend", "Backend Engineer")
    fake.add_opportunity(
        OPPORTUNITY,
        contact=CONTACT,
        name="Ada Lovelace",
        emails=("Ada.Lovelace@Example.COM", "ada@personal.example", "ADA.LOVELACE@example.com"),
        links=("https://github.com/ada", "https://www.linkedin.com/in/ada-lovelace", "linkedin.com/in/someone-else"),
        stage=ONSITE,
        owner=owner,
        posting="p-backend" if posting else None,
        archived=(REASON, 1764806400000),
    )


def stored(name: str, change: Callable[[dict[str, Any]], object] = lambda data: None) -> str:
    """A fixture delivery as the inbox keeps it, its `data` changed by `change`."""
    delivery = json.loads(fixture("lever", name))
    change(delivery["data"])
    return json.dumps(delivery)


def rejected(**changes: Any) -> Rejected:
    fields: dict[str, Any] = {
        "candidate_id": CONTACT,
        "application_id": OPPORTUNITY,
        "name": "Ada Lovelace",
        "emails": EMAILS,
        "linkedin": "https://www.linkedin.com/in/ada-lovelace",
        "role": "Backend Engineer",
        "stage_name": "Onsite",
        "reason": "Underqualified",
        "by_candidate": False,
        "recruiter_emails": ("rita@northwind.example",),
        "at": ARCHIVED_AT,
    }
    return Rejected(**{**fields, **changes})


def test_a_stage_change_names_the_stage_moved_to(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    account(fake_lever)
    body = lever_body("candidateStageChange").decode()
    assert events(body, lever_api) == [StageSeen(CONTACT, OPPORTUNITY, "Phone screen")]
    assert [call.path for call in fake_lever.calls] == ["stages"]


def test_an_archive_for_a_reason_other_than_hired_is_a_rejection(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    account(fake_lever)
    body = lever_body("candidateArchiveChange").decode()
    assert events(body, lever_api) == [rejected()]


@pytest.mark.parametrize(
    ("reason", "by_candidate"),
    [
        ("Withdrew", True),
        ("Candidate withdrawn", True),
        ("Offer declined", True),
        ("Declined our offer", True),
        ("They rejected us", True),
        ("Underqualified", False),
        ("Unresponsive", False),
        ("Position closed", False),
        ("Declined by hiring manager", False),
    ],
)
def test_the_reason_text_says_whether_the_candidate_withdrew(
    fake_lever: FakeLever, lever_api: LeverApi, reason: str, by_candidate: bool
) -> None:
    account(fake_lever, reason=reason)
    assert events(stored("candidateArchiveChange"), lever_api) == [rejected(reason=reason, by_candidate=by_candidate)]


def test_an_archive_as_hired_is_a_hire_not_a_rejection(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    account(fake_lever)
    body = stored("candidateArchiveChange", lambda data: data["toArchived"].update(reason=HIRED_REASON))
    assert events(body, lever_api) == [Hired(CONTACT, OPPORTUNITY, EMAILS, "Backend Engineer")]


def test_an_unarchive_is_an_unrejection_from_the_delivery_alone(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    body = stored("candidateArchiveChange", lambda data: data.update(fromArchived=data["toArchived"], toArchived=None))
    assert events(body, lever_api) == [Unrejected(CONTACT, OPPORTUNITY)]
    assert fake_lever.calls == []


def test_without_to_archived_the_opportunity_says_whether_it_is_archived(
    fake_lever: FakeLever, lever_api: LeverApi
) -> None:
    account(fake_lever)
    body = stored("candidateArchiveChange", lambda data: data.pop("toArchived"))
    assert events(body, lever_api) == [rejected()]
    fake_lever.reset()
    fake_lever.add_opportunity(OPPORTUNITY, contact=CONTACT, name="Ada Lovelace")
    assert events(body, lever_api) == [Unrejected(CONTACT, OPPORTUNITY)]


def test_a_rejection_without_owner_or_posting_has_no_recruiter_and_no_role(
    fake_lever: FakeLever, lever_api: LeverApi
) -> None:
    account(fake_lever, owner=None, posting=False)
    assert events(stored("candidateArchiveChange"), lever_api) == [rejected(role="", recruiter_emails=())]
    assert events(stored("candidateHired"), lever_api) == [Hired(CONTACT, OPPORTUNITY, EMAILS, None)]


def test_a_hire_reads_the_emails_and_the_role(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    account(fake_lever)
    body = lever_body("candidateHired").decode()
    assert events(body, lever_api) == [Hired(CONTACT, OPPORTUNITY, EMAILS, "Backend Engineer")]


def test_a_deletion_erases_the_contact_without_asking_lever(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    body = lever_body("candidateDeleted").decode()
    assert events(body, lever_api) == [Deleted(CONTACT)]
    assert fake_lever.calls == []


def test_lever_failing_raises_its_error_so_the_delivery_waits(fake_lever: FakeLever, lever_api: LeverApi) -> None:
    with pytest.raises(LeverApiError, match="404"):
        events(stored("candidateArchiveChange"), lever_api)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "is not JSON"),
        ("[]", "is not a JSON object"),
        ('{"event": "candidateHired"}', "has no data object"),
        (stored("candidateHired", lambda data: data.pop("contactId")), "contactId is missing"),
        (stored("candidateHired", lambda data: data.update(opportunityId="")), "opportunityId is missing"),
        (stored("candidateStageChange", lambda data: data.pop("toStageId")), "toStageId is missing"),
        (stored("candidateArchiveChange", lambda data: data.update(toArchived="yes")), "toArchived is not"),
        (stored("candidateArchiveChange", lambda data: data["toArchived"].pop("archivedAt")), "toArchived is not"),
        ('{"event": "applicationCreated", "data": {"opportunityId": "o1", "contactId": "c1"}}', "not one"),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-data",
        "no-contact",
        "empty-opportunity",
        "no-stage",
        "archived-text",
        "archived-no-time",
        "unknown-event",
    ],
)
def test_a_malformed_stored_body_raises_value_error(lever_api: LeverApi, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        events(body, lever_api)
