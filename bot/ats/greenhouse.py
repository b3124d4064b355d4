"""Greenhouse webhooks: `Signature: sha256 <hex>` over the raw body, one `Greenhouse-Event-ID` per delivery.

Greenhouse signs the body exactly as sent (Unicode escaped), so the check runs on the raw bytes, never on
re-serialised JSON. Its ping, sent when a webhook is saved, must get a 200 or the webhook is created disabled.

`events()` reads a stored body as Greenhouse's web hook documentation shows it (developers.greenhouse.io/webhooks.html:
every application event carries `application` with its `candidate`, `jobs`, `current_stage`, `credited_to`;
candidate deleted and merged carry `person`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.ats.delivery import (
    Delivery,
    Node,
    Refused,
    delivery_key,
    distinct_emails,
    hmac_sha256_hex,
    json_object,
    same_digest,
    text_field,
)
from models.ats_events import Applied, AtsEvent, Deleted, Hired, Merged, Rejected, Unrejected

EVENTS = frozenset(
    {
        "reject_candidate",
        "unreject_candidate",
        "hire_candidate",
        "new_candidate_application",
        "delete_candidate",
        "merge_candidate",
    }
)
# A rejection reason's type is one of "We rejected them", "They rejected us", "None specified" (Harvest API,
# "The rejection reason object"); only the second is the candidate withdrawing.
CANDIDATE_WITHDREW = "They rejected us"


def read(raw: bytes, headers: Mapping[str, str], *, secret: str) -> Delivery:
    """Verify, then read what to keep; `headers` have lower-case names."""
    algorithm, _, signature = headers.get("signature", "").partition(" ")
    if algorithm != "sha256" or not same_digest(hmac_sha256_hex(secret, raw), signature):
        raise Refused(401, "invalid signature")
    action = text_field(json_object(raw), "action")
    if action not in EVENTS:
        return Delivery(action, None)
    event_id = headers.get("greenhouse-event-id", "")
    if not event_id:
        raise Refused(400, "the Greenhouse-Event-ID header is missing")
    return Delivery(action, delivery_key(event_id, "Greenhouse-Event-ID"))


def events(body: dict[str, Any]) -> list[AtsEvent]:
    """What a stored Greenhouse delivery means to Keepwarm; a ValueError naming the field when the body is malformed.

    A prospect's application (`prospect: true`) is someone sourced, not someone who applied: rejecting, unrejecting
    or creating one means nothing for Keepwarm, so it gives no event. A new application gives `Applied` alone, no
    `StageSeen`: Greenhouse's rejection itself carries the stage the application was in.
    """
    root = Node.body(body)
    action = root.text("action")
    payload = root.object("payload")
    match action:
        case "reject_candidate":
            return _rejected(payload.object("application"))
        case "unreject_candidate":
            application = payload.object("application")
            if application.flag("prospect"):
                return []
            return [Unrejected(application.object("candidate").id("id"), application.id("id"))]
        case "hire_candidate":
            application = payload.object("application")
            candidate = application.object("candidate")
            return [Hired(candidate.id("id"), application.id("id"), _emails(candidate), _role(application))]
        case "new_candidate_application":
            application = payload.object("application")
            if application.flag("prospect"):
                return []
            candidate = application.object("candidate")
            return [Applied(candidate.id("id"), application.id("id"), _emails(candidate), _role(application))]
        case "delete_candidate":
            return [Deleted(payload.object("person").id("id"))]
        case "merge_candidate":
            # `person` is the candidate merged away (its record is deleted); `new_candidate_id` the one it joined.
            person = payload.object("person")
            return [Merged(kept_id=person.id("new_candidate_id"), merged_id=person.id("id"))]
    raise ValueError(f"action {action!r} is not a Greenhouse event Keepwarm keeps")


def _rejected(application: Node) -> list[AtsEvent]:
    if application.flag("prospect"):
        return []
    candidate = application.object("candidate")
    role = _role(application)
    stage = application.optional_object("current_stage")
    reason = application.optional_object("rejection_reason")
    reason_type = reason.optional_object("type") if reason else None
    return [
        Rejected(
            candidate_id=candidate.id("id"),
            application_id=application.id("id"),
            name=_name(candidate),
            emails=_emails(candidate),
            linkedin=_linkedin(candidate),
            role=role or "",  # never a reason to lose the rejection: the recruiter sees it is missing
            stage_name=stage.optional_text("name") if stage else None,
            reason=reason.optional_text("name") if reason else None,
            by_candidate=reason_type is not None and reason_type.optional_text("name") == CANDIDATE_WITHDREW,
            recruiter_emails=_recruiter_emails(application, candidate),
            at=application.time("rejected_at"),
        )
    ]


def _name(candidate: Node) -> str:
    parts = (candidate.optional_text("first_name"), candidate.optional_text("last_name"))
    return " ".join(part for part in parts if part)  # blank: shown as such rather than the rejection lost


def _emails(candidate: Node) -> tuple[str, ...]:
    return distinct_emails(address.optional_text("value") for address in candidate.objects("email_addresses"))


def _role(application: Node) -> str | None:
    """The job's name: `jobs[]` (the older `job` is deprecated), which holds one job for a candidate."""
    jobs = application.objects("jobs")
    return jobs[0].optional_text("name") if jobs else None


def _recruiter_emails(application: Node, candidate: Node) -> tuple[str, ...]:
    """The candidate's recruiter, then whoever the application is credited to. Each is a user with an `email`, but
    `credited_to` may be someone outside Greenhouse, given by name alone: then only the recruiter is asked."""
    people = (candidate.optional_object("recruiter"), application.optional_object("credited_to"))
    return distinct_emails(person.optional_text("email") for person in people if person)


def _linkedin(candidate: Node) -> str | None:
    """The first LinkedIn profile among the social media addresses, then the websites (a LinkedIn URL is often
    entered as a website), as given. Greenhouse types neither list by network, so it is the host that tells:
    linkedin.com or one of its subdomains (www., uk., ...)."""
    for address in (*candidate.objects("social_media_addresses"), *candidate.objects("website_addresses")):
        value = address.optional_text("value")
        if value and _is_linkedin(value):
            return value
    return None


def _is_linkedin(address: str) -> bool:
    try:
        host = urlsplit(address if "//" in address else f"//{address}").hostname or ""
    except ValueError:  # not a URL at all (an unbalanced "[", say): not a LinkedIn profile either
        return False
    return host == "linkedin.com" or host.endswith(".linkedin.com")
