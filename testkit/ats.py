"""Deliveries as each ATS sends them: fixture bodies from tests/data/ats, signed the way each ATS documents.

The signing here is written from the ATSs' documentation, not taken from bot.ats, so that each checks the other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testkit.fakelever import API_KEY as LEVER_API_KEY
from testkit.slack_http import HttpReply, post

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "ats"
GREENHOUSE_SECRET = "greenhouse-test-secret"
LEVER_TOKENS = ("lever-token-first-webhook", "lever-token-second-webhook")
ASHBY_SECRET = "ashby-test-secret"
SECRETS_ENV = {
    "GREENHOUSE_WEBHOOK_SECRET": GREENHOUSE_SECRET,
    "LEVER_WEBHOOK_TOKENS": ",".join(LEVER_TOKENS),
    "LEVER_API_KEY": LEVER_API_KEY,
    "ASHBY_WEBHOOK_SECRET": ASHBY_SECRET,
}
GREENHOUSE_EVENTS = (
    "reject_candidate",
    "unreject_candidate",
    "hire_candidate",
    "new_candidate_application",
    "delete_candidate",
    "merge_candidate",
)
LEVER_EVENTS = ("candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted")
ASHBY_EVENTS = ("candidateStageChange", "applicationUpdate", "candidateHire", "candidateDelete", "candidateMerge")


def fixture(ats: str, name: str) -> bytes:
    return (FIXTURES / ats / f"{name}.json").read_bytes()


def fixture_body(ats: str, name: str) -> dict[str, Any]:
    """A fixture parsed, as the processing reads a stored delivery's body: a fresh copy each time, free to edit."""
    return json.loads(fixture(ats, name))


Edit = Callable[[dict[str, Any]], None]


def without(*path: str | int) -> Edit:
    """An edit of a delivery body that removes the field at `path` ("payload", "application", "id")."""

    def edit(body: dict[str, Any]) -> None:
        *parents, last = path
        target: Any = body
        for key in parents:
            target = target[key]
        del target[last]

    return edit


def setting(value: object, *path: str | int) -> Edit:
    """An edit of a delivery body that sets the field at `path` to `value`."""

    def edit(body: dict[str, Any]) -> None:
        *parents, last = path
        target: Any = body
        for key in parents:
            target = target[key]
        target[last] = value

    return edit


def hex_hmac(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def greenhouse_headers(body: bytes, *, secret: str = GREENHOUSE_SECRET, event_id: str | None = None) -> dict[str, str]:
    """`Signature: sha256 <hex of the raw body>` and a fresh `Greenhouse-Event-ID` unless one is given."""
    return {
        "Content-Type": "application/json",
        "Signature": f"sha256 {hex_hmac(secret, body)}",
        "Greenhouse-Event-ID": event_id or str(uuid.uuid4()),
    }


def lever_body(
    name: str, *, key: str = LEVER_TOKENS[0], triggered_at: int | None = None, token: str | None = None
) -> bytes:
    """A Lever delivery: the fixture's event and data, with triggeredAt (ms), a 48-character token and the signature
    Lever computes, hex HMAC-SHA256 of token + triggeredAt keyed with the webhook's signature token."""
    delivery: dict[str, Any] = json.loads(fixture("lever", name))
    delivery["triggeredAt"] = int(time.time() * 1000) if triggered_at is None else triggered_at
    delivery["token"] = token or secrets.token_hex(24)
    delivery["signature"] = hex_hmac(key, f"{delivery['token']}{delivery['triggeredAt']}".encode())
    return json.dumps(delivery).encode()


def ashby_headers(body: bytes, *, secret: str = ASHBY_SECRET) -> dict[str, str]:
    """`Ashby-Signature: sha256=<hex of the raw body>`."""
    return {"Content-Type": "application/json", "Ashby-Signature": f"sha256={hex_hmac(secret, body)}"}


def send_greenhouse(base_url: str, body: bytes, **signing: Any) -> HttpReply:
    return post(base_url + "/ats/greenhouse", body, greenhouse_headers(body, **signing))


def send_lever(base_url: str, body: bytes) -> HttpReply:
    return post(base_url + "/ats/lever", body, {"Content-Type": "application/json", "User-Agent": "Lever-Webhooks"})


def send_ashby(base_url: str, body: bytes, **signing: Any) -> HttpReply:
    return post(base_url + "/ats/ashby", body, ashby_headers(body, **signing))
