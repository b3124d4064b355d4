"""Greenhouse webhooks: `Signature: sha256 <hex>` over the raw body, one `Greenhouse-Event-ID` per delivery.

Greenhouse signs the body exactly as sent (Unicode escaped), so the check runs on the raw bytes, never on
re-serialised JSON. Its ping, sent when a webhook is saved, must get a 200 or the webhook is created disabled.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.ats.delivery import Delivery, Refused, delivery_key, hmac_sha256_hex, json_object, same_digest, text_field

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
