"""Ashby webhooks: `Ashby-Signature: sha256=<hex>` over the raw body, `webhookActionId` the same on every retry.

Ashby pings when a webhook is created or edited and disables it on an error. It never retries a 401, so a forged
delivery refused here is gone for good, while a 5xx (the database down) is retried for hours.

`events()` reads a stored body as Ashby's webhook payload schemas define it (developers.ashbyhq.com, API reference,
"Webhook Payloads"): the application events carry `data.application` (`status` one of Active, Archived, Hired, Lead;
`currentInterviewStage`, `archiveReason`, `archivedAt`, `job`, `creditedToUser`, `hiringTeam`, `candidate`);
candidateDelete carries `data.candidate.id`, candidateMerge `data.deletedCandidate` and `data.mergedCandidate`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

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
from models.ats_events import AtsEvent, Deleted, Hired, Merged, Rejected, StageSeen

EVENTS = frozenset({"candidateStageChange", "applicationUpdate", "candidateHire", "candidateDelete", "candidateMerge"})
# An archive reason's reasonType is RejectedByCandidate, RejectedByOrg or Other (archiveReason.list).
CANDIDATE_WITHDREW = "RejectedByCandidate"
# The hiring team role Ashby names the recruiter (a member's `role` is the role's title).
RECRUITER_ROLE = "Recruiter"
# Archiving an application moves it into its interview plan's stage of this type.
ARCHIVED_STAGE_TYPE = "Archived"


def read(raw: bytes, headers: Mapping[str, str], *, secret: str) -> Delivery:
    """Verify, then read what to keep; `headers` have lower-case names."""
    algorithm, _, signature = headers.get("ashby-signature", "").partition("=")
    if algorithm != "sha256" or not same_digest(hmac_sha256_hex(secret, raw), signature):
        raise Refused(401, "invalid signature")
    body = json_object(raw)
    action = text_field(body, "action")
    if action not in EVENTS:
        return Delivery(action, None)
    action_id = body.get("webhookActionId")
    if isinstance(action_id, str) and action_id:
        return Delivery(action, delivery_key(action_id, "webhookActionId"))
    # Ashby's guide documents webhookActionId but its schema does not require it: without one, the signed bytes
    # themselves identify the delivery, since a retry sends them again unchanged.
    return Delivery(action, "sha256:" + hashlib.sha256(raw).hexdigest())


def events(body: dict[str, Any]) -> list[AtsEvent]:
    """What a stored Ashby delivery means to Keepwarm; a ValueError naming the field when the body is malformed.

    candidateHire also sends applicationUpdate and candidateStageChange for the same hire, so one hire arrives as up
    to three `Hired` events: applying them must be idempotent. A ping is never stored, so it is refused here too.
    """
    root = Node.body(body)
    action = root.text("action")
    data = root.object("data")
    match action:
        case "candidateStageChange" | "applicationUpdate":
            return _application_events(data.object("application"))
        case "candidateHire":
            return [_hired(data.object("application"))]
        case "candidateDelete":
            return [Deleted(data.object("candidate").id("id"))]
        case "candidateMerge":
            # `deletedCandidate` was folded into `mergedCandidate`, "the final merged candidate".
            return [
                Merged(
                    kept_id=data.object("mergedCandidate").id("id"), merged_id=data.object("deletedCandidate").id("id")
                )
            ]
    raise ValueError(f"action {action!r} is not an Ashby event Keepwarm keeps")


def _application_events(application: Node) -> list[AtsEvent]:
    """By the application's status: archived is a rejection, hired a hire, active a stage to remember. A Lead is
    someone sourced who has not applied (as a Greenhouse prospect): nothing."""
    status = application.text("status")
    match status:
        case "Archived":
            return [_rejected(application)]
        case "Hired":
            return [_hired(application)]
        case "Active":
            candidate = application.object("candidate")
            stage = application.object("currentInterviewStage").text("title")
            return [StageSeen(candidate.id("id"), application.id("id"), stage)]
        case "Lead":
            return []
    raise ValueError(f"{application.where('status')} {status!r} is not Active, Archived, Hired or Lead")


def _rejected(application: Node) -> Rejected:
    """An archived application. Its `currentInterviewStage` is normally the plan's Archived stage, which says nothing
    of how far it got: then `stage_name` is None, and the processing takes the last stage seen (`StageSeen`), else
    the one before the Archived stage in the application's history (Ashby's API, when a key is set)."""
    candidate = application.object("candidate")
    stage = application.optional_object("currentInterviewStage")
    reached = stage is not None and stage.optional_text("type") != ARCHIVED_STAGE_TYPE
    reason = application.optional_object("archiveReason")
    return Rejected(
        candidate_id=candidate.id("id"),
        application_id=application.id("id"),
        name=candidate.text("name"),
        emails=_emails(candidate),
        linkedin=_linkedin(candidate),
        role=application.object("job").text("title"),
        stage_name=stage.text("title") if stage is not None and reached else None,
        reason=reason.optional_text("text") if reason else None,
        by_candidate=reason is not None and reason.optional_text("reasonType") == CANDIDATE_WITHDREW,
        recruiter_emails=_recruiter_emails(application),
        at=application.time("archivedAt"),
        archived_stage_id=stage.optional_text("id") if stage is not None and not reached else None,
    )


def _hired(application: Node) -> Hired:
    candidate = application.object("candidate")
    job = application.optional_object("job")
    return Hired(candidate.id("id"), application.id("id"), _emails(candidate), job.text("title") if job else None)


def _emails(candidate: Node) -> tuple[str, ...]:
    """`primaryEmailAddress`, then `emailAddresses`. The webhook's candidate documents only the primary address;
    the full list is the candidate object's (candidate.info), read when a delivery carries it."""
    primary = candidate.optional_object("primaryEmailAddress")
    addresses = [primary, *candidate.objects("emailAddresses")] if primary else candidate.objects("emailAddresses")
    return distinct_emails(address.optional_text("value") for address in addresses)


def _linkedin(candidate: Node) -> str | None:
    """The first `socialLinks` entry of type LinkedIn, as given. Like `emailAddresses`, these are the candidate
    object's (candidate.info: `{type, url}`), absent from the webhook's documented candidate; read when present."""
    for link in candidate.objects("socialLinks"):
        if link.optional_text("type") == "LinkedIn" and (url := link.optional_text("url")):
            return url
    return None


def _recruiter_emails(application: Node) -> tuple[str, ...]:
    """The hiring team's recruiters; when there is none (or none with an email), the user the application is
    credited to. A user's `email` is not required by Ashby's schema, so either may give nothing."""
    recruiters = distinct_emails(
        member.optional_text("email")
        for member in application.objects("hiringTeam")
        if member.optional_text("role") == RECRUITER_ROLE
    )
    if recruiters:
        return recruiters
    credited = application.optional_object("creditedToUser")
    return distinct_emails([credited.optional_text("email")] if credited else [])
