"""`ashby.events()`: every documented delivery in tests/data/ats/ashby as the exact events it means, the variants
Ashby's schemas allow (archived, active, hired or lead; who withdrew; who to ask; the archived stage), and a
malformed body refused with a ValueError that names the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.ats import ashby
from models.ats_events import Deleted, Hired, Merged, Rejected, StageSeen
from testkit.ats import Edit, fixture_body, setting, without

CANDIDATE_ID = "5d8b2d3e-9f41-4b6c-8a0e-1c2d3e4f5a6b"
APPLICATION_ID = "3ae2b801-19f6-41ef-ad28-214bd731948f"
REJECTED = Rejected(
    candidate_id=CANDIDATE_ID,
    application_id=APPLICATION_ID,
    name="Priya Raman",
    emails=("priya.raman@example.org",),
    linkedin=None,
    role="Staff Platform Engineer",
    stage_name="Onsite",
    reason="Hired another candidate",
    by_candidate=False,
    recruiter_emails=("sam.ortiz@example.com",),
    at=datetime(2026, 11, 20, 16, 30, tzinfo=UTC),
)
HIRED = Hired(
    candidate_id=CANDIDATE_ID,
    application_id=APPLICATION_ID,
    emails=("priya.raman@example.org",),
    role="Staff Platform Engineer",
)
ARCHIVED_STAGE = {
    "id": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
    "title": "Archived",
    "type": "Archived",
    "orderInInterviewPlan": 1000,
    "interviewStageGroupId": "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
    "interviewPlanId": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
}


def body(name: str) -> dict[str, Any]:
    return fixture_body("ashby", name)


def update(change: Callable[[dict[str, Any]], object], name: str = "applicationUpdate") -> list[Any]:
    """The events of a documented application delivery after `change` has edited its application."""
    delivery = body(name)
    change(delivery["data"]["application"])
    return ashby.events(delivery)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("candidateStageChange", [REJECTED]),
        ("applicationUpdate", [REJECTED]),
        ("candidateHire", [HIRED]),
        ("candidateDelete", [Deleted(candidate_id=CANDIDATE_ID)]),
        ("candidateMerge", [Merged(kept_id=CANDIDATE_ID, merged_id="e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8")]),
    ],
)
def test_each_documented_delivery_is_the_events_it_means(name: str, expected: list[Any]) -> None:
    assert ashby.events(body(name)) == expected


def test_a_ping_is_never_stored_so_it_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        ashby.events(body("ping"))
    assert str(refused.value) == "action 'ping' is not an Ashby event Keepwarm keeps"


@pytest.mark.parametrize("name", ["candidateStageChange", "applicationUpdate"])
def test_an_active_application_is_a_stage_seen(name: str) -> None:
    def activate(application: dict[str, Any]) -> None:
        application.update(status="Active", archiveReason=None, archivedAt=None)

    assert update(activate, name) == [StageSeen(CANDIDATE_ID, APPLICATION_ID, "Onsite")]


@pytest.mark.parametrize("name", ["candidateStageChange", "applicationUpdate"])
def test_a_hired_application_is_a_hire(name: str) -> None:
    assert update(lambda application: application.update(status="Hired"), name) == [HIRED]


def test_a_lead_has_not_applied_so_it_gives_nothing() -> None:
    assert update(lambda application: application.update(status="Lead")) == []


def test_archived_into_the_archived_stage_leaves_the_stage_to_the_last_one_seen_or_its_history() -> None:
    assert update(lambda application: application.update(currentInterviewStage=ARCHIVED_STAGE)) == [
        replace(REJECTED, stage_name=None, archived_stage_id=ARCHIVED_STAGE["id"])
    ]
    assert update(lambda application: application.update(currentInterviewStage=None)) == [
        replace(REJECTED, stage_name=None)
    ]


@pytest.mark.parametrize(
    ("reason_type", "by_candidate"), [("RejectedByCandidate", True), ("RejectedByOrg", False), ("Other", False)]
)
def test_only_rejected_by_candidate_is_the_candidate_withdrawing(reason_type: str, by_candidate: bool) -> None:
    def withdraw(application: dict[str, Any]) -> None:
        application["archiveReason"].update(text="Accepted another offer", reasonType=reason_type)

    assert update(withdraw) == [replace(REJECTED, reason="Accepted another offer", by_candidate=by_candidate)]


def test_an_archive_without_a_reason_says_so_with_none() -> None:
    assert update(lambda application: application.update(archiveReason=None)) == [replace(REJECTED, reason=None)]


def member(email: str | None, role: str, user_id: str) -> dict[str, Any]:
    """A hiring team member as hiringTeam.addMember returns one (`email` is required there; None tests the lack)."""
    return {"email": email, "firstName": "Team", "lastName": "Member", "role": role, "userId": user_id}


HIRING_MANAGER = member("lee.chen@example.com", "Hiring Manager", "3f4a5b6c-7d8e-4f9a-9b0c-1d2e3f4a5b6c")


@pytest.mark.parametrize(
    ("team", "credited_email", "expected"),
    [
        (
            [HIRING_MANAGER, member("Sam.Ortiz@Example.com", "Recruiter", "2e3f")],
            "dana.whitfield@example.com",
            ("sam.ortiz@example.com",),
        ),
        (
            [member("sam.ortiz@example.com", "Recruiter", "2e3f"), member("ana.lima@example.com", "Recruiter", "4a5b")],
            "dana.whitfield@example.com",
            ("sam.ortiz@example.com", "ana.lima@example.com"),
        ),
        ([HIRING_MANAGER], "Dana.Whitfield@Example.com", ("dana.whitfield@example.com",)),
        ([member(None, "Recruiter", "2e3f")], "dana.whitfield@example.com", ("dana.whitfield@example.com",)),
        ([], None, ()),
    ],
    ids=["recruiter", "two-recruiters", "credited-fallback", "recruiter-without-email", "nobody-with-an-email"],
)
def test_the_recruiters_are_asked_else_the_user_the_application_is_credited_to(
    team: list[dict[str, Any]], credited_email: str | None, expected: tuple[str, ...]
) -> None:
    def change(application: dict[str, Any]) -> None:
        application["hiringTeam"] = team
        application["creditedToUser"]["email"] = credited_email

    assert update(change) == [replace(REJECTED, recruiter_emails=expected)]


def test_no_credited_user_and_no_recruiter_is_nobody_to_ask() -> None:
    assert update(lambda application: application.update(hiringTeam=[], creditedToUser=None)) == [
        replace(REJECTED, recruiter_emails=())
    ]


def test_emails_are_the_primary_then_the_others_lower_cased_each_once() -> None:
    """The candidate object's `emailAddresses` (candidate.info) lists the primary address again."""
    addresses = [
        {"value": "Priya.Raman@Example.org", "type": "Personal", "isPrimary": True},
        {"value": "priya@work.example", "type": "Work", "isPrimary": False},
    ]
    assert update(lambda application: application["candidate"].update(emailAddresses=addresses)) == [
        replace(REJECTED, emails=("priya.raman@example.org", "priya@work.example"))
    ]


def test_linkedin_is_the_first_social_link_of_type_linkedin() -> None:
    links = [
        {"type": "GitHub", "url": "https://github.com/priya"},
        {"type": "LinkedIn", "url": "https://linkedin.com/in/priya-raman"},
        {"type": "LinkedIn", "url": "https://linkedin.com/in/someone-else"},
    ]
    assert update(lambda application: application["candidate"].update(socialLinks=links)) == [
        replace(REJECTED, linkedin="https://linkedin.com/in/priya-raman")
    ]


def test_the_archive_time_is_given_in_utc_whatever_the_offset() -> None:
    [event] = update(lambda application: application.update(archivedAt="2026-11-20T11:30:00.000-05:00"))
    assert event == REJECTED  # the same instant...
    assert event.at.tzinfo == UTC  # ...expressed in UTC, not merely equal to it


APPLICATION = ("data", "application")
CANDIDATE = (*APPLICATION, "candidate")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("applicationUpdate", without("action"), "action is missing"),
        ("applicationUpdate", without("data"), "data is missing"),
        ("applicationUpdate", without(*APPLICATION), "data.application is missing"),
        ("applicationUpdate", without(*APPLICATION, "id"), "data.application.id is missing"),
        ("candidateStageChange", setting({}, *CANDIDATE, "id"), "data.application.candidate.id is not an id"),
        ("applicationUpdate", without(*CANDIDATE, "name"), "data.application.candidate.name is missing"),
        ("applicationUpdate", without(*APPLICATION, "status"), "data.application.status is missing"),
        (
            "applicationUpdate",
            setting("Rejected", *APPLICATION, "status"),
            "data.application.status 'Rejected' is not Active, Archived, Hired or Lead",
        ),
        ("applicationUpdate", without(*APPLICATION, "job"), "data.application.job is missing"),
        ("applicationUpdate", setting(None, *APPLICATION, "archivedAt"), "data.application.archivedAt is missing"),
        (
            "applicationUpdate",
            setting("2026-11-20", *APPLICATION, "archivedAt"),
            "data.application.archivedAt has no time zone",
        ),
        (
            "applicationUpdate",
            setting({"id": "x"}, *APPLICATION, "hiringTeam"),
            "data.application.hiringTeam is not a list",
        ),
        (
            "applicationUpdate",
            setting("RejectedByOrg", *APPLICATION, "archiveReason"),
            "data.application.archiveReason is not an object",
        ),
        (
            "applicationUpdate",
            setting("priya.raman@example.org", *CANDIDATE, "primaryEmailAddress"),
            "data.application.candidate.primaryEmailAddress is not an object",
        ),
        (
            "candidateStageChange",
            lambda delivery: delivery["data"]["application"].update(status="Active", currentInterviewStage=None),
            "data.application.currentInterviewStage is missing",
        ),
        ("candidateHire", without(*CANDIDATE, "id"), "data.application.candidate.id is missing"),
        ("candidateDelete", setting("", "data", "candidate", "id"), "data.candidate.id is missing"),
        ("candidateMerge", without("data", "mergedCandidate"), "data.mergedCandidate is missing"),
        ("candidateMerge", setting(None, "data", "deletedCandidate", "id"), "data.deletedCandidate.id is missing"),
    ],
)
def test_a_malformed_body_is_refused_naming_the_field(name: str, change: Edit, message: str) -> None:
    delivery = body(name)
    change(delivery)
    with pytest.raises(ValueError) as refused:
        ashby.events(delivery)
    assert str(refused.value) == message


@pytest.mark.parametrize("not_an_object", [[], "applicationUpdate", None])
def test_a_body_that_is_not_an_object_is_refused(not_an_object: Any) -> None:
    with pytest.raises(ValueError) as refused:
        ashby.events(not_an_object)
    assert str(refused.value) == "the body is not a JSON object"
