"""Reading typed fields, shared by every form and command that takes input (rejections, roles) and the job-board import.

A field parser takes the trimmed, NFC text typed (None when nothing was) and returns the cleaned value or raises
FieldError with the one sentence to show; FieldCheck runs them all so every problem is reported at once, and
parse_command reads the `Head words key=value` grammar of the slash commands into those raw values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from bot.command_text import CommandTextError, one_line, split_command

TAG_MAX = 40
TAGS_MAX = 20
URL_MAX = 300  # Role.url
LINK_BREAKERS = frozenset('<>|"')  # would end or split a Slack <url|label> link

_URL_EXAMPLE = "https://jobs.example.com/backend-engineer"
# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) but tab and line breaks. A pattern, as
# a loop over characters cost a 100,000-row import seconds.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

T = TypeVar("T")


class InputErrors(ValueError):
    """Everything wrong with one submission: field (or unknown command key, or "text") -> one user-facing sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class FieldError(Exception):
    """One field's problem, as the sentence to show."""


class FieldCheck:
    """Runs each field's parser over raw values, collecting one sentence per bad field, so all are reported at once."""

    def __init__(self, raw: Mapping[str, str | None]) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}

    def __call__(self, field: str, parse: Callable[[str | None], T], fallback: T) -> T:
        """Run one field's parser; on failure record its sentence and return a placeholder that is never stored."""
        value = self.raw.get(field)
        given = unicodedata.normalize("NFC", value).strip() if value is not None else ""
        try:
            return parse(given or None)
        except FieldError as problem:
            self.errors[field] = str(problem)
            return fallback

    def done(self, fields: Sequence[str]) -> None:
        """Raise InputErrors with every problem found, in the order of `fields`."""
        if self.errors:
            raise InputErrors({field: self.errors[field] for field in fields if field in self.errors})


def parse_command(
    text: str, *, head: str, head_is_not_a_key: str, keys: Sequence[str], validate: Callable[[dict[str, str | None]], T]
) -> T:
    """Read command text: the leading words are the `head` field, then key=value options, validated by `validate`.

    Problems with the keys themselves (unknown, repeated, the head given as a key) are reported with the values'.
    """
    try:
        command = split_command(text)
    except CommandTextError as problem:
        raise InputErrors({"text": problem.message}) from problem
    errors: dict[str, str] = {}
    raw: dict[str, str | None] = {head: command.head}
    for key, value in command.options:
        if key == head:
            errors[key] = head_is_not_a_key
        elif key not in keys:
            errors[key] = f"Unknown key {quote(key)}; use {', '.join(keys[:-1])} or {keys[-1]}."
        elif key in raw:
            errors[key] = f"{key} was given twice."
        else:
            raw[key] = value
    try:
        result = validate(raw)
    except InputErrors as invalid:
        raise InputErrors(invalid.errors | errors) from None
    if errors:
        raise InputErrors(errors)
    return result


def one_line_text(label: str, value: str, limit: int, hint: str) -> str:
    """A one-line free-text field: whitespace collapsed, so the same person typed twice compares equal."""
    refuse_control(label, value)
    value = " ".join(value.split())
    if len(value) > limit:
        raise FieldError(f"{label} {quote(value)} is {len(value):,} characters; the limit is {limit:,}.")
    if not any(char.isalnum() for char in value):
        raise FieldError(f"{label} {quote(value)} has no letters or digits; {hint}.")
    return value


def tag_list(value: str | None) -> tuple[str, ...]:
    """Comma-separated tags: lower-cased, trimmed, de-duplicated in order, so a role's and a candidate's compare."""
    if value is None:
        return ()
    refuse_control("Tags", value)
    cleaned = tuple(dict.fromkeys(tag for item in value.split(",") if (tag := " ".join(item.split()).lower())))
    too_long = next((tag for tag in cleaned if len(tag) > TAG_MAX), None)
    if too_long is not None:
        raise FieldError(f"Tag {quote(too_long)} is {len(too_long):,} characters; each tag can be at most {TAG_MAX}.")
    if len(cleaned) > TAGS_MAX:
        raise FieldError(f"Tags has {len(cleaned)} different tags; the limit is {TAGS_MAX}.")
    return cleaned


def http_url(value: str | None) -> str | None:
    """A web address a reply can link to: http(s) with a host, and nothing that would break `<url|label>`."""
    if value is None:
        return None
    refuse_control("URL", value)
    if len(value) > URL_MAX:
        raise FieldError(f"URL {quote(value)} is {len(value):,} characters; the limit is {URL_MAX}.")
    refused = FieldError(f"URL {quote(value)} is not a web address; use one like {_URL_EXAMPLE}.")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise refused from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or breaks_link(value):
        raise refused
    return value


def breaks_link(value: str) -> bool:
    """True when the text has a space or a character that would end or split a Slack <url|label> link."""
    return any(char.isspace() or char in LINK_BREAKERS for char in value)


def refuse_control(label: str, value: str) -> None:
    """Refuse invisible control characters (NUL and the like): PostgreSQL cannot store NUL, and none are meant."""
    if _CONTROL.search(value):
        raise FieldError(f"{label} contains an invisible control character; retype it without one.")


def quote(value: str) -> str:
    """Show a value back in curly quotes, shortened and on one line."""
    return f"“{one_line(value)}”"
