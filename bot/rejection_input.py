"""Validation of one rejected candidate, shared by the `/rejected` command and the modal so both accept the same input.

Every problem is reported at once, one sentence per field, so a recruiter fixes everything in a single retry.
"""

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from bot.fields import (
    FieldCheck,
    FieldError,
    InputErrors,
    breaks_link,
    one_line_text,
    parse_command,
    quote,
    refuse_control,
    tag_list,
)
from models.base import utcnow
from models.rejection import STAGES, RejectionInput

FIELDS = ("name", "email", "linkedin", "role", "stage", "rating", "tags", "note", "consent")  # the modal's block ids
NOTE_MAX = 3000  # the modal's own limit
NAME_MAX = 150
ROLE_MAX = 150
EMAIL_MAX = 254  # the longest address SMTP allows
LINKEDIN_MAX = 300

_COMMAND_KEYS = FIELDS[1:]  # the name is the command's leading words, never a key
_EMAIL = re.compile(r'[^@\s<>()\[\]\\,;:"|]+@[^@\s<>()\[\]\\,;:"|]+')  # no spaces nor characters that need quoting
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_RATING = re.compile(r"0*[1-5]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONSENT_AHEAD = timedelta(days=1)  # a date "today" written where it is already tomorrow is not the future
_LINKEDIN_EXAMPLE = "https://www.linkedin.com/in/jane-doe"

USAGE = """\
*Log a rejected candidate:* `/rejected Full Name role=… stage=screen|interview|final`
Optional: `email=…` `linkedin=…` `rating=1-5` `tags=a,b,c` `note=…`, and `consent=2026-11-02`, the day they
agreed to stay on file. Put values with spaces in "double quotes".
Examples:
• `/rejected Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5 tags=python,postgres`
• `/rejected Sam O'Brien role="Data Analyst" stage=interview linkedin=linkedin.com/in/sam-obrien`
• `/rejected 李小龍 role=Designer stage=screen note="Strong portfolio, keep warm for next year"`"""


def cleaned_or_none(field: str, value: str | None) -> str | None:
    """An email or LinkedIn address from another system (an ATS), cleaned as if typed, or None where typing it would
    be refused: such a value is shown and pre-filled, never a reason to lose the rejection that carries it."""
    parse = {"email": _email, "linkedin": _linkedin}[field]
    try:
        return parse(value)
    except FieldError:
        return None


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
        tags=check("tags", tag_list, ()),
        note=check("note", _note, None),
        consent=check("consent", _consent, None),
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


def clean_email(value: str) -> str:
    """A valid, lower-cased email or InputErrors saying what is wrong; `/rejected forget` needs the same check."""
    try:
        email = _email(unicodedata.normalize("NFC", value).strip() or None)
    except FieldError as problem:
        raise InputErrors({"email": str(problem)}) from None
    if email is None:
        raise InputErrors({"email": "Give the candidate's email, e.g. `/rejected forget jane@example.com`."})
    return email


def _name(value: str | None) -> str:
    if value is None:
        raise FieldError("Name is missing; start with the candidate's full name.")
    return one_line_text("Name", value, NAME_MAX, "give the candidate's full name")


def _role(value: str | None) -> str:
    if value is None:
        raise FieldError("Role is missing; give the job title the candidate applied for.")
    return one_line_text("Role", value, ROLE_MAX, "give the job title the candidate applied for")


def _stage(value: str | None) -> str:
    if value is None:
        raise FieldError("Stage is missing; use screen, interview or final.")
    if value.lower() not in STAGES:
        raise FieldError(f"Stage {quote(value)} is not recognised; use screen, interview or final.")
    return value.lower()


def _email(value: str | None) -> str | None:
    """A valid address, lower-cased; its length is checked after lower-casing, as stored.

    Lower-casing can lengthen text ("İ" becomes "i" plus a combining dot), so a limit checked on the typed value would
    let an address through that overflows candidates.email.
    """
    if value is None:
        return None
    refuse_control("Email", value)
    email = value.lower()
    if len(email) > EMAIL_MAX:
        lowered = " in lower case" if len(email) != len(value) else ""
        raise FieldError(f"Email {quote(value)} is {len(email):,} characters{lowered}; the limit is {EMAIL_MAX}.")
    domain = email.partition("@")[2]
    if not _EMAIL.fullmatch(email) or "." not in domain or "" in domain.split("."):
        raise FieldError(f"Email {quote(value)} is not a valid address; use the form name@example.com.")
    return email


def _linkedin(value: str | None) -> str | None:
    """A LinkedIn profile as a full https address; the limit applies to that address, the one stored.

    People type `linkedin.com/in/…` without a scheme, and normalising adds `https://` and lower-cases the host, so
    the typed length alone would let an address through that overflows candidates.linkedin_url.
    """
    if value is None:
        return None
    refuse_control("LinkedIn", value)
    if len(value) > LINKEDIN_MAX:
        raise FieldError(f"LinkedIn {quote(value)} is {len(value):,} characters; the limit is {LINKEDIN_MAX}.")
    refused = FieldError(f"LinkedIn {quote(value)} is not a LinkedIn profile address; use e.g. {_LINKEDIN_EXAMPLE}.")
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
        or breaks_link(value)
    ):
        raise refused
    linkedin = f"https://{host}{parts.path.rstrip('/')}"
    if len(linkedin) > LINKEDIN_MAX:
        raise FieldError(
            f"LinkedIn {quote(value)} is {len(linkedin):,} characters as a full https:// address; "
            f"the limit is {LINKEDIN_MAX}."
        )
    return linkedin


def _rating(value: str | None) -> int | None:
    if value is None:
        return None
    if not _RATING.fullmatch(value):
        raise FieldError(f"Rating {quote(value)} is not valid; use a whole number from 1 to 5.")
    return int(value)


def _note(value: str | None) -> str | None:
    if value is None:
        return None
    refuse_control("Note", value)
    if len(value) > NOTE_MAX:
        raise FieldError(f"Note is {len(value):,} characters long; the limit is {NOTE_MAX:,}.")
    return value


def _consent(value: str | None) -> datetime | None:
    """The day the candidate agreed to stay on file, as YYYY-MM-DD (what Slack's date picker sends too); not later
    than today, since consent recorded ahead of time would keep data the candidate never agreed to keep."""
    if value is None:
        return None
    refused = FieldError(
        f"Consent {quote(value)} is not a date; write the day they agreed as YYYY-MM-DD, e.g. 2026-11-02."
    )
    if not _DATE.fullmatch(value):
        raise refused
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
    except ValueError:
        raise refused from None
    if day > utcnow() + CONSENT_AHEAD:
        raise FieldError(f"Consent {quote(value)} is in the future; give the day they agreed.")
    return day
