"""What every ATS receiver reads out of a request, and how it refuses one; and the reading of a stored body that
every ATS parser shares (`Node`, `distinct_emails`)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
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


class Node:
    """A JSON object of a stored delivery body and its place in the body ("payload.application"), so that a field
    that is missing or of the wrong type is named in the one-line ValueError that refuses the body."""

    def __init__(self, value: dict[str, Any], path: str = "") -> None:
        self.value = value
        self.path = path

    @classmethod
    def body(cls, body: object) -> Node:
        """The whole body, which must be a JSON object."""
        if not isinstance(body, dict):
            raise ValueError("the body is not a JSON object")
        return cls(body)

    def where(self, key: str) -> str:
        """The dotted name of one of this object's fields, for messages."""
        return f"{self.path}.{key}" if self.path else key

    def object(self, key: str) -> Node:
        """A required object field."""
        node = self.optional_object(key)
        if node is None:
            raise ValueError(f"{self.where(key)} is missing")
        return node

    def optional_object(self, key: str) -> Node | None:
        """An object field, None when absent or null."""
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError(f"{self.where(key)} is not an object")
        return Node(value, self.where(key))

    def objects(self, key: str) -> list[Node]:
        """A list of objects; absent or null is an empty list (the ATSs leave out lists with nothing in them)."""
        value = self.value.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError(f"{self.where(key)} is not a list")
        nodes = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise ValueError(f"{self.where(key)}[{index}] is not an object")
            nodes.append(Node(item, f"{self.where(key)}[{index}]"))
        return nodes

    def id(self, key: str) -> str:
        """A required id, as a string: Greenhouse's are JSON numbers, Lever's and Ashby's strings."""
        value = self.value.get(key)
        if value is None or value == "":
            raise ValueError(f"{self.where(key)} is missing")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{self.where(key)} is not an id")
        return str(value)

    def text(self, key: str) -> str:
        """A required, non-blank string, stripped."""
        value = self.optional_text(key)
        if value is None:
            raise ValueError(f"{self.where(key)} is missing")
        return value

    def optional_text(self, key: str) -> str | None:
        """A string field stripped, None when absent, null or blank."""
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"{self.where(key)} is not a string")
        return value.strip() or None

    def flag(self, key: str) -> bool:
        """A boolean field, false when absent or null."""
        value = self.value.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise ValueError(f"{self.where(key)} is not true or false")
        return value

    def time(self, key: str) -> datetime:
        """A required ISO 8601 timestamp with its offset ("2015-02-11T15:50:41Z", "2026-11-20T16:30:00.000Z"), in UTC:
        a time without an offset is refused rather than guessed."""
        value = self.text(key)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{self.where(key)} is not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise ValueError(f"{self.where(key)} has no time zone")
        return moment.astimezone(UTC)


def distinct_emails(values: Iterable[str | None]) -> tuple[str, ...]:
    """Email addresses lower-cased, in the order given, each once, blanks left out: the same address often comes
    twice (Ashby's primary address is among all its addresses; a recruiter may also be credited)."""
    emails: dict[str, None] = {}
    for value in values:
        if value and value.strip():
            emails.setdefault(value.strip().lower(), None)
    return tuple(emails)
