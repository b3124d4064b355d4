"""Ashby webhooks: `Ashby-Signature: sha256=<hex>` over the raw body, `webhookActionId` the same on every retry.

Ashby pings when a webhook is created or edited and disables it on an error. It never retries a 401, so a forged
delivery refused here is gone for good, while a 5xx (the database down) is retried for hours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from bot.ats.delivery import Delivery, Refused, delivery_key, hmac_sha256_hex, json_object, same_digest, text_field

EVENTS = frozenset({"candidateStageChange", "applicationUpdate", "candidateHire", "candidateDelete", "candidateMerge"})


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
