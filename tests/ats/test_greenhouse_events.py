"""`greenhouse.events()`: every documented delivery in tests/data/ats/greenhouse as the exact events it means, the
variants the documentation allows (who to ask, who withdrew, prospects, LinkedIn among the addresses), and a
malformed body refused with a ValueError that names the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.ats import greenhouse
from models.ats_events import Applied, Deleted, Hired, Merged, Rejected, Unrejected
from testkit.ats import Edit, fixture_body, setting, without

REJECTED = Rejected(
    candidate_id="700060",
    application_id="700054",
    name="Priya Raman",
    emails=("candidate0.700061@example.org",),
    linkedin=None,
    role="Designer",
    stage_name="Offer",
    reason="Too Junior",
    by_candidate=False,  # the documented example's type is "Wrong skill set", not "They rejected us"
    recruiter_emails=(),  # the documented example has neither recruiter nor credited_to
    at=datetime(2015, 2, 11, 15, 50, 41, tzinfo=UTC),
)


def body(name: str) -> dict[str, Any]:
    return fixture_body("greenhouse", name)


def rejection(change: Callable[[dict[str, Any]], object]) -> list[Any]:
    """The events of the documented rejection after `change` has edited its application."""
    delivery = body("reject_candidate")
    change(delivery["payload"]["application"])
    return greenhouse.events(delivery)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("reject_candidate", [REJECTED]),
        ("unreject_candidate", [Unrejected(candidate_id="700070", application_id="700066")]),
        (
            "hire_candidate",
            [
                Hired(
                    candidate_id="700008",
                    application_id="700004",
                    emails=("candidate0.700010@example.org", "candidate1.700011@example.org"),
                    role="Developer",
                )
            ],
        ),
        (
            "new_candidate_application",
            [
                Applied(
                    candidate_id="700037",
                    application_id="700028",
                    emails=("candidate0.700039@example.org", "candidate1.700040@example.org"),
                    role="Data Scientist",
                )
            ],
        ),
        ("delete_candidate", [Deleted(candidate_id="700001")]),
        ("merge_candidate", [Merged(kept_id="700027", merged_id="700024")]),
    ],
)
def test_each_documented_delivery_is_the_events_it_means(name: str, expected: list[Any]) -> None:
    assert greenhouse.events(body(name)) == expected


def test_a_ping_is_never_stored_so_it_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        greenhouse.events(body("ping"))
    assert str(refused.value) == "action 'ping' is not a Greenhouse event Keepwarm keeps"


RECRUITER = {"id": 3128, "email": "Alicia.Flopple@Example.com", "name": "Alicia Flopple", "employee_id": "789GHI"}
CREDITED = {"id": 15, "email": "ada@example.com", "name": "Ada Lacey", "employee_id": "123ABC"}


@pytest.mark.parametrize(
    ("recruiter", "credited_to", "expected"),
    [
        (RECRUITER, CREDITED, ("alicia.flopple@example.com", "ada@example.com")),
        (None, CREDITED, ("ada@example.com",)),  # no recruiter: the user credited is asked
        (RECRUITER, None, ("alicia.flopple@example.com",)),
        (RECRUITER, {"name": "An Agency Recruiter"}, ("alicia.flopple@example.com",)),  # credited, not a user
        (RECRUITER, {**CREDITED, "email": "alicia.flopple@example.com"}, ("alicia.flopple@example.com",)),
        (None, None, ()),
    ],
    ids=["both", "credited-fallback", "recruiter-only", "credited-by-name-only", "same-person", "neither"],
)
def test_the_recruiter_is_asked_first_then_whoever_the_application_is_credited_to(
    recruiter: dict[str, Any] | None, credited_to: dict[str, Any] | None, expected: tuple[str, ...]
) -> None:
    def change(application: dict[str, Any]) -> None:
        application["candidate"]["recruiter"] = recruiter
        application["credited_to"] = credited_to

    assert rejection(change) == [replace(REJECTED, recruiter_emails=expected)]


@pytest.mark.parametrize(
    ("reason_type", "by_candidate"),
    [
        ({"id": 2, "name": "They rejected us"}, True),
        ({"id": 1, "name": "We rejected them"}, False),
        ({"id": 3, "name": "None specified"}, False),
        (None, False),
    ],
)
def test_only_they_rejected_us_is_the_candidate_withdrawing(
    reason_type: dict[str, Any] | None, by_candidate: bool
) -> None:
    reason = {"id": 9, "name": "Accepted another offer", "type": reason_type}
    assert rejection(lambda application: application.update(rejection_reason=reason)) == [
        replace(REJECTED, reason="Accepted another offer", by_candidate=by_candidate)
    ]


def test_a_rejection_without_a_reason_or_a_stage_says_so_with_none() -> None:
    assert rejection(lambda application: application.update(rejection_reason=None, current_stage=None)) == [
        replace(REJECTED, reason=None, stage_name=None)
    ]


def test_the_rejection_time_is_given_in_utc_whatever_the_offset() -> None:
    [event] = rejection(lambda application: application.update(rejected_at="2015-02-11T17:50:41+02:00"))
    assert event == REJECTED  # the same instant...
    assert event.at.tzinfo == UTC  # ...expressed in UTC, not merely equal to it


@pytest.mark.parametrize("action", ["reject_candidate", "unreject_candidate", "new_candidate_application"])
def test_a_prospect_is_not_an_applicant_so_its_application_gives_nothing(action: str) -> None:
    delivery = body(action)
    delivery["payload"]["application"]["prospect"] = True
    assert greenhouse.events(delivery) == []


def test_a_hire_or_an_application_without_a_job_has_no_role() -> None:
    hire, application = body("hire_candidate"), body("new_candidate_application")
    hire["payload"]["application"]["jobs"] = []
    del application["payload"]["application"]["jobs"]
    assert [event.role for event in greenhouse.events(hire) + greenhouse.events(application)] == [None, None]


def test_emails_are_lower_cased_first_first_and_each_once() -> None:
    addresses = [
        {"value": " Priya@Example.ORG ", "type": "personal"},
        {"value": "priya.raman@work.example", "type": "work"},
        {"value": "priya@example.org", "type": "other"},
    ]
    assert rejection(lambda application: application["candidate"].update(email_addresses=addresses)) == [
        replace(REJECTED, emails=("priya@example.org", "priya.raman@work.example"))
    ]


@pytest.mark.parametrize(
    ("social", "websites", "expected"),
    [
        (
            [{"value": "https://twitter.com/priya"}, {"value": "https://www.linkedin.com/in/priya"}],
            [],
            "https://www.linkedin.com/in/priya",
        ),
        (
            [{"value": "linkedin.com/in/priya-raman"}],
            [{"value": "https://www.linkedin.com/in/other", "type": "personal"}],
            "linkedin.com/in/priya-raman",
        ),
        (
            [{"value": "@priya"}],
            [{"value": "priya.example.com", "type": "blog"}, {"value": "https://uk.linkedin.com/in/priya"}],
            "https://uk.linkedin.com/in/priya",
        ),
        ([], [{"value": "HTTPS://LinkedIn.com/in/Priya", "type": "other"}], "HTTPS://LinkedIn.com/in/Priya"),
        (
            [{"value": "linkedin.example.com/ghurley"}, {"value": "[not a url"}],
            [{"value": "https://notlinkedin.com/in/priya"}, {"value": "https://linkedin.com.example/in/priya"}],
            None,
        ),
    ],
    ids=["social", "social-before-website", "website", "any-case", "look-alikes"],
)
def test_linkedin_is_the_first_linkedin_url_among_social_media_then_websites(
    social: list[dict[str, str]], websites: list[dict[str, str]], expected: str | None
) -> None:
    def change(application: dict[str, Any]) -> None:
        application["candidate"].update(social_media_addresses=social, website_addresses=websites)

    assert rejection(change) == [replace(REJECTED, linkedin=expected)]


APPLICATION = ("payload", "application")
CANDIDATE = (*APPLICATION, "candidate")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("reject_candidate", without("action"), "action is missing"),
        ("reject_candidate", setting(7, "action"), "action is not a string"),
        ("reject_candidate", without("payload"), "payload is missing"),
        ("reject_candidate", setting([], *APPLICATION), "payload.application is not an object"),
        ("reject_candidate", without(*APPLICATION, "id"), "payload.application.id is missing"),
        ("reject_candidate", setting([700054], *APPLICATION, "id"), "payload.application.id is not an id"),
        ("reject_candidate", setting(True, *CANDIDATE, "id"), "payload.application.candidate.id is not an id"),
        ("reject_candidate", setting("", *CANDIDATE, "id"), "payload.application.candidate.id is missing"),
        ("reject_candidate", setting(None, *CANDIDATE), "payload.application.candidate is missing"),
        (
            "reject_candidate",
            setting("no", *APPLICATION, "prospect"),
            "payload.application.prospect is not true or false",
        ),
        ("reject_candidate", setting("Designer", *APPLICATION, "jobs"), "payload.application.jobs is not a list"),
        ("reject_candidate", setting(None, *APPLICATION, "rejected_at"), "payload.application.rejected_at is missing"),
        (
            "reject_candidate",
            setting("2015-02-11T15:50:41", *APPLICATION, "rejected_at"),
            "payload.application.rejected_at has no time zone",
        ),
        (
            "reject_candidate",
            setting("last Tuesday", *APPLICATION, "rejected_at"),
            "payload.application.rejected_at is not an ISO 8601 time",
        ),
        (
            "reject_candidate",
            setting(["candidate0.700061@example.org"], *CANDIDATE, "email_addresses"),
            "payload.application.candidate.email_addresses[0] is not an object",
        ),
        (
            "reject_candidate",
            setting({"name": 14}, *APPLICATION, "rejection_reason"),
            "payload.application.rejection_reason.name is not a string",
        ),
        ("unreject_candidate", without(*CANDIDATE, "id"), "payload.application.candidate.id is missing"),
        ("hire_candidate", without(*APPLICATION, "id"), "payload.application.id is missing"),
        ("new_candidate_application", setting({}, *CANDIDATE), "payload.application.candidate.id is missing"),
        ("delete_candidate", without("payload", "person", "id"), "payload.person.id is missing"),
        (
            "merge_candidate",
            without("payload", "person", "new_candidate_id"),
            "payload.person.new_candidate_id is missing",
        ),
    ],
)
def test_a_malformed_body_is_refused_naming_the_field(name: str, change: Edit, message: str) -> None:
    delivery = body(name)
    change(delivery)
    with pytest.raises(ValueError) as refused:
        greenhouse.events(delivery)
    assert str(refused.value) == message


@pytest.mark.parametrize("not_an_object", [[], "reject_candidate", None])
def test_a_body_that_is_not_an_object_is_refused(not_an_object: Any) -> None:
    with pytest.raises(ValueError) as refused:
        greenhouse.events(not_an_object)
    assert str(refused.value) == "the body is not a JSON object"


@pytest.mark.parametrize(
    "edit",
    [
        setting([], *APPLICATION, "jobs"),
        setting(None, *APPLICATION, "jobs", 0, "name"),
        lambda delivery: delivery["payload"]["application"]["candidate"].update(first_name=None, last_name=" "),
    ],
    ids=["no job", "a job without a name", "no name"],
)
def test_a_rejection_missing_its_name_or_role_is_still_a_rejection(edit: Edit) -> None:
    """A blank name or role is shown as missing where the recruiter decides; losing the rejection would be worse."""
    body = fixture_body("greenhouse", "reject_candidate")
    edit(body)
    [event] = greenhouse.events(body)
    assert isinstance(event, Rejected)
    assert (event.candidate_id, event.application_id) == ("700060", "700054")
