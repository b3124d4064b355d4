"""Lever webhooks: the signature is in the body, an HMAC-SHA256 of `token` + `triggeredAt` with the signature token.

Each Lever webhook has its own signature token, so any of the configured ones may have signed. Lever's webhooks
carry ids only; a delivery is kept under its event, opportunity and trigger time, which a retry repeats. Lever's test
button sends a sample whose `data` is empty: it gets a 200 and nothing is kept.

`events()` turns a kept delivery into what it means (models/ats_events.py), reading from Lever's API what the webhook
leaves out. For Lever, the application is the opportunity (`opportunityId`) and the candidate is the person behind
it, the `contactId` every delivery carries: Lever's `candidateId` is deprecated and equals the opportunity's id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from bot.ats.delivery import Delivery, Refused, delivery_key, hmac_sha256_hex, json_object, same_digest, text_field
from bot.ats.lever_api import Archived, LeverApi, Opportunity
from models.ats_events import AtsEvent, Deleted, Hired, Rejected, StageSeen, Unrejected

EVENTS = frozenset({"candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted"})
# Lever retries a failed delivery five times, "waiting longer and longer", and its delivery history lets an admin
# rerun one from the last two weeks; older than that, or from the future beyond clock skew, it is a replay.
MAX_AGE_SECONDS = 14 * 24 * 3600
MAX_SKEW_SECONDS = 300
# Lever has no reason type for a candidate who turned the company down, only `hired` and `non-hired`. Among its
# default archive reasons (as integrators' guides name them; its API documentation lists none) are "Withdrew" and
# "Offer declined", both the candidate's choice; accounts add their own, so the reason's text decides: withdrew or
# withdraw(n/al), a declined offer, or Greenhouse's "rejected us". Anything else is the company's rejection.
_BY_CANDIDATE = re.compile(
    r"\bwithdr[ae]w|\boffer declined|\bdeclined (?:the |our |an )?offer|\bcandidate declined|\brejected us",
    re.IGNORECASE,
)


def read(raw: bytes, tokens: Sequence[str], *, now: float) -> Delivery:
    """Verify (the body must be parsed first: that is where Lever puts the signature), then read what to keep."""
    body = json_object(raw)
    token, triggered_at, signature = body.get("token"), body.get("triggeredAt"), body.get("signature")
    if not (isinstance(token, str) and _is_millis(triggered_at) and isinstance(signature, str)):
        raise Refused(401, "unsigned: token, triggeredAt and signature are required")
    signed = f"{token}{triggered_at}".encode()
    if not any(same_digest(hmac_sha256_hex(key, signed), signature) for key in tokens):
        raise Refused(401, "invalid signature")
    age = now - triggered_at / 1000
    if not -MAX_SKEW_SECONDS <= age <= MAX_AGE_SECONDS:
        raise Refused(401, "stale: triggeredAt is too far from now")
    event = text_field(body, "event")
    data = body.get("data")
    if not isinstance(data, dict):
        raise Refused(400, "data is missing")
    if event not in EVENTS or not data:
        return Delivery(event, None)
    opportunity = text_field(data, "opportunityId")
    return Delivery(event, delivery_key(f"{event}:{opportunity}:{triggered_at}", "opportunityId"))


def _is_millis(value: object) -> TypeGuard[int]:
    """Lever's trigger time: whole milliseconds since the epoch (JSON's true is not one, though Python's bool is)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def events(body: str, api: LeverApi) -> list[AtsEvent]:
    """What a stored delivery (the raw JSON as kept) means. A stored body that is not a Lever delivery raises
    ValueError; Lever's API failing raises LeverApiError, and the delivery can be tried again later."""
    delivery = _stored(body)
    event, data = delivery.get("event"), delivery.get("data")
    if not isinstance(data, dict):
        raise ValueError("the stored Lever delivery has no data object")
    opportunity_id, contact_id = _id(data, "opportunityId"), _id(data, "contactId")
    if event == "candidateStageChange":
        return [StageSeen(contact_id, opportunity_id, api.stage_name(_id(data, "toStageId")))]
    if event == "candidateArchiveChange":
        return [_archive_change(data, contact_id, opportunity_id, api)]
    if event == "candidateHired":
        return [_hired(api.opportunity(opportunity_id), contact_id, api)]
    if event == "candidateDeleted":
        return [Deleted(contact_id)]  # the opportunity may be gone already: nothing is read
    raise ValueError(f"the stored Lever delivery's event {event!r} is not one Keepwarm keeps")


def _archive_change(data: dict[str, Any], contact_id: str, opportunity_id: str, api: LeverApi) -> AtsEvent:
    """Archived as hired, archived for any other reason (a rejection), or unarchived.

    The delivery's `toArchived` ({reason, archivedAt}, null when unarchived) says what happened. The documentation
    read for the fixtures shows no more than the ids for this event, so a delivery without `toArchived` is read from
    the opportunity's `archived` as it is now.
    """
    if "toArchived" in data:
        archived = None if data["toArchived"] is None else _archived(data["toArchived"])
        if archived is None:
            return Unrejected(contact_id, opportunity_id)
        opportunity = api.opportunity(opportunity_id)
    else:
        opportunity = api.opportunity(opportunity_id)
        archived = opportunity.archived
        if archived is None:
            return Unrejected(contact_id, opportunity_id)
    reason = api.archive_reason(archived.reason_id)
    if reason.hired:
        return _hired(opportunity, contact_id, api)
    return Rejected(
        candidate_id=contact_id,
        application_id=opportunity_id,
        name=opportunity.name,
        emails=_emails(opportunity.emails),
        linkedin=_linkedin(opportunity.links),
        role=_role(opportunity, api) or "",  # empty for an opportunity never applied to a posting (a sourced lead)
        stage_name=opportunity.stage_name,  # Lever keeps the stage an opportunity was in when it is archived
        reason=reason.text,
        by_candidate=bool(_BY_CANDIDATE.search(reason.text)),
        recruiter_emails=_emails([opportunity.owner_email] if opportunity.owner_email else []),
        at=datetime.fromtimestamp(archived.archived_at / 1000, UTC),
    )


def _hired(opportunity: Opportunity, contact_id: str, api: LeverApi) -> Hired:
    return Hired(contact_id, opportunity.id, _emails(opportunity.emails), _role(opportunity, api))


def _role(opportunity: Opportunity, api: LeverApi) -> str | None:
    """The title of the posting the opportunity's application is for; Lever allows one application per
    opportunity, and the application names its posting only by id."""
    return api.posting_title(opportunity.posting_ids[0]) if opportunity.posting_ids else None


def _emails(emails: Iterable[str]) -> tuple[str, ...]:
    """Lower-cased, in Lever's order, each once."""
    return tuple(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))


def _linkedin(links: Iterable[str]) -> str | None:
    """The first of the contact's links on linkedin.com (with or without a scheme), as given."""
    for link in links:
        try:
            host = urlsplit(link if "//" in link else f"//{link.strip()}").hostname or ""
        except ValueError:
            continue
        if host == "linkedin.com" or host.endswith(".linkedin.com"):
            return link
    return None


def _stored(body: str) -> dict[str, Any]:
    try:
        delivery = json.loads(body)
    except ValueError:
        raise ValueError("the stored Lever delivery is not JSON") from None
    if not isinstance(delivery, dict):
        raise ValueError("the stored Lever delivery is not a JSON object")
    return delivery


def _id(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"the stored Lever delivery's {name} is missing")
    return value


def _archived(value: Any) -> Archived:
    """`toArchived` as Lever sends it: the archive reason's id and the time in milliseconds."""
    if isinstance(value, dict):
        reason, at = value.get("reason"), value.get("archivedAt")
        if isinstance(reason, str) and reason and _is_millis(at):
            return Archived(reason, at)
    raise ValueError("the stored Lever delivery's toArchived is not {reason, archivedAt}")
