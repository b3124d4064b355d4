"""Lever webhooks: the signature is in the body, an HMAC-SHA256 of `token` + `triggeredAt` with the signature token.

Each Lever webhook has its own signature token, so any of the configured ones may have signed. Lever's webhooks
carry ids only; a delivery is kept under its event, opportunity and trigger time, which a retry repeats. Lever's test
button sends a sample whose `data` is empty: it gets a 200 and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard

from bot.ats.delivery import Delivery, Refused, delivery_key, hmac_sha256_hex, json_object, same_digest, text_field

EVENTS = frozenset({"candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted"})
# Lever retries a failed delivery five times, "waiting longer and longer", and its delivery history lets an admin
# rerun one from the last two weeks; older than that, or from the future beyond clock skew, it is a replay.
MAX_AGE_SECONDS = 14 * 24 * 3600
MAX_SKEW_SECONDS = 300


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
