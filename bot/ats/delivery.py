"""What every ATS receiver reads out of a request, and how it refuses one."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

MAX_KEY_LENGTH = 200  # the inbox's delivery_key column


@dataclass(frozen=True)
class Delivery:
    """A verified delivery. `key` is None when there is nothing to keep (a ping, a test, an event we do not use)."""

    event: str
    key: str | None


class Refused(Exception):
    """A request that is not a genuine, well-formed delivery: answered with `status` and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def hmac_sha256_hex(key: str, message: bytes) -> str:
    """The hex HMAC-SHA256 all three ATSs sign with."""
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def same_digest(expected: str, given: str) -> bool:
    """Constant-time comparison of hex digests, case-insensitive as hex is; non-ASCII input is simply unequal."""
    return given.isascii() and hmac.compare_digest(expected, given.lower())


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a 400 that says what is wrong with it."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8") from None
    except json.JSONDecodeError:
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "the body is not a JSON object")
    return body


def text_field(body: dict[str, Any], name: str) -> str:
    """A required string field of the body, or a 400 naming it."""
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise Refused(400, f"{name} is missing")
    return value


def delivery_key(value: str, what: str) -> str:
    """A de-duplication key as the inbox stores it, or a 400 when the ATS's id is unusable."""
    if len(value) > MAX_KEY_LENGTH or not value.isprintable():
        raise Refused(400, f"{what} is not a usable id")
    return value
