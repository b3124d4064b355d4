"""Validation of one rejected candidate, shared by the `/rejected` command and the modal so both accept the same input.

Every problem is reported at once, one sentence per field, so a recruiter fixes everything in a single retry.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from bot.command_text import CommandTextError, one_line, split_command
from models.rejection import STAGES, RejectionInput

FIELDS = ("name", "email", "linkedin", "role", "stage", "rating", "tags", "note")  # also the modal's block ids
NOTE_MAX = 3000  # the modal's own limit
NAME_MAX = 150
ROLE_MAX = 150
EMAIL_MAX = 254  # the longest address SMTP allows
LINKEDIN_MAX = 300
TAG_MAX = 40
TAGS_MAX = 20

_COMMAND_KEYS = FIELDS[1:]  # the name is the command's leading words, never a key
_EMAIL = re.compile(r'[^@\s<>()\[\]\\,;:"|]+@[^@\s<>()\[\]\\,;:"|]+')  # no spaces nor characters that need quoting
_LINK_BREAKERS = frozenset('<>|"')  # would end or split a Slack <url|label> link
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_RATING = re.compile(r"0*[1-5]")
_LINKEDIN_EXAMPLE = "https://www.linkedin.com/in/jane-doe"

USAGE = """\
*Log a rejected candidate:* `/rejected Full Name role=… stage=screen|interview|final`
Optional: `email=…` `linkedin=…` `rating=1-5` `tags=a,b,c` `note=…`. Put values with spaces in "double quotes".
Examples:
• `/rejected Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5 tags=python,postgres`
• `/rejected Sam O'Brien role="Data Analyst" stage=interview linkedin=linkedin.com/in/sam-obrien`
• `/rejected 李小龍 role=Designer stage=screen note="Strong portfolio, keep warm for next year"`"""

T = TypeVar("T")


class InputErrors(ValueError):
    """Everything wrong with one submission: field (or unknown command key, or "text") -> one user-facing sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class _FieldError(Exception):
    """One field's problem, as the sentence to show."""


def validate_rejection(raw: Mapping[str, str | None]) -> RejectionInput:
    """Check and clean raw values as typed, keyed by FIELDS (other keys are ignored); raises InputErrors."""
    check = FieldCheck(raw)
    result = RejectionInput(
        name=check("name", _name, ""),
        role=check("role", _role, ""),
        stage=check("stage", _stage, ""),
        email=check("email", _email, None),
        linkedin=check("linkedin", _linkedin, None),
        rating=check("rating", _rating, None),
        tags=check("tags", _tags, ()),
        note=check("note", _note, None),
    )
    check.done(FIELDS)
    return result


def parse_rejection_command(text: str) -> RejectionInput:
    """Read `/rejected` text: the leading words are the name, then key=value options; raises InputErrors."""
    return parse_command(
        text,
        head="name",
        head_is_not_a_key="Name is not a key; put the candidate's full name first, before any key=value.",
        keys=_COMMAND_KEYS,
        validate=validate_rejection,
    )


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
        except _FieldError as problem:
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
            errors[key] = f"Unknown key {_quote(key)}; use {', '.join(keys[:-1])} or {keys[-1]}."
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


def clean_email(value: str) -> str:
    """A valid, lower-cased email or InputErrors saying what is wrong; `/rejected forget` needs the same check."""
    try:
        email = _email(unicodedata.normalize("NFC", value).strip() or None)
    except _FieldError as problem:
        raise InputErrors({"email": str(problem)}) from None
    if email is None:
        raise InputErrors({"email": "Give the candidate's email, e.g. `/rejected forget jane@example.com`."})
    return email


def _name(value: str | None) -> str:
    if value is None:
        raise _FieldError("Name is missing; start with the candidate's full name.")
    return _text("Name", value, NAME_MAX, "give the candidate's full name")


def _role(value: str | None) -> str:
    if value is None:
        raise _FieldError("Role is missing; give the job title the candidate applied for.")
    return _text("Role", value, ROLE_MAX, "give the job title the candidate applied for")


def _text(label: str, value: str, limit: int, hint: str) -> str:
    """A one-line free-text field: whitespace collapsed, so the same person typed twice compares equal."""
    _refuse_control(label, value)
    value = " ".join(value.split())
    if len(value) > limit:
        raise _FieldError(f"{label} {_quote(value)} is {len(value):,} characters; the limit is {limit:,}.")
    if not any(char.isalnum() for char in value):
        raise _FieldError(f"{label} {_quote(value)} has no letters or digits; {hint}.")
    return value


def _stage(value: str | None) -> str:
    if value is None:
        raise _FieldError("Stage is missing; use screen, interview or final.")
    if value.lower() not in STAGES:
        raise _FieldError(f"Stage {_quote(value)} is not recognised; use screen, interview or final.")
    return value.lower()


def _email(value: str | None) -> str | None:
    """A valid address, lower-cased; its length is checked after lower-casing, as stored.

    Lower-casing can lengthen text ("İ" becomes "i" plus a combining dot), so a limit checked on the typed value would
    let an address through that overflows candidates.email.
    """
    if value is None:
        return None
    _refuse_control("Email", value)
    email = value.lower()
    if len(email) > EMAIL_MAX:
        lowered = " in lower case" if len(email) != len(value) else ""
        raise _FieldError(f"Email {_quote(value)} is {len(email):,} characters{lowered}; the limit is {EMAIL_MAX}.")
    domain = email.partition("@")[2]
    if not _EMAIL.fullmatch(email) or "." not in domain or "" in domain.split("."):
        raise _FieldError(f"Email {_quote(value)} is not a valid address; use the form name@example.com.")
    return email


def _linkedin(value: str | None) -> str | None:
    """A LinkedIn profile as a full https address; the limit applies to that address, the one stored.

    People type `linkedin.com/in/…` without a scheme, and normalising adds `https://` and lower-cases the host, so
    the typed length alone would let an address through that overflows candidates.linkedin_url.
    """
    if value is None:
        return None
    _refuse_control("LinkedIn", value)
    if len(value) > LINKEDIN_MAX:
        raise _FieldError(f"LinkedIn {_quote(value)} is {len(value):,} characters; the limit is {LINKEDIN_MAX}.")
    refused = _FieldError(f"LinkedIn {_quote(value)} is not a LinkedIn profile address; use e.g. {_LINKEDIN_EXAMPLE}.")
    url = value if _SCHEME.match(value) else f"https://{value}"
    try:
        parts = urlsplit(url)
    except ValueError:
        raise refused from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() not in ("http", "https")
        or parts.netloc.lower() != host  # no user, password or port
        or not (host == "linkedin.com" or host.endswith(".linkedin.com"))
        or parts.path.strip("/") == ""
        or any(char.isspace() or char in _LINK_BREAKERS for char in value)
    ):
        raise refused
    linkedin = f"https://{host}{parts.path.rstrip('/')}"
    if len(linkedin) > LINKEDIN_MAX:
        raise _FieldError(
            f"LinkedIn {_quote(value)} is {len(linkedin):,} characters as a full https:// address; "
            f"the limit is {LINKEDIN_MAX}."
        )
    return linkedin


def _rating(value: str | None) -> int | None:
    if value is None:
        return None
    if not _RATING.fullmatch(value):
        raise _FieldError(f"Rating {_quote(value)} is not valid; use a whole number from 1 to 5.")
    return int(value)


def _tags(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    _refuse_control("Tags", value)
    tags = tuple(dict.fromkeys(tag for item in value.split(",") if (tag := " ".join(item.split()).lower())))
    too_long = next((tag for tag in tags if len(tag) > TAG_MAX), None)
    if too_long is not None:
        raise _FieldError(f"Tag {_quote(too_long)} is {len(too_long):,} characters; each tag can be at most {TAG_MAX}.")
    if len(tags) > TAGS_MAX:
        raise _FieldError(f"Tags has {len(tags)} different tags; the limit is {TAGS_MAX}.")
    return tags


def _note(value: str | None) -> str | None:
    if value is None:
        return None
    _refuse_control("Note", value)
    if len(value) > NOTE_MAX:
        raise _FieldError(f"Note is {len(value):,} characters long; the limit is {NOTE_MAX:,}.")
    return value


def _refuse_control(label: str, value: str) -> None:
    """Refuse invisible control characters (NUL and the like): PostgreSQL cannot store NUL, and none are meant."""
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value):
        raise _FieldError(f"{label} contains an invisible control character; retype it without one.")


def _quote(value: str) -> str:
    """Show a value back in curly quotes, shortened and on one line."""
    return f"“{one_line(value)}”"
