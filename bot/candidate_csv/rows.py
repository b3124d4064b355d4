"""One CSV row becomes one past rejection, checked by the same rules as `/rejected` (bot/rejection_input.py), with
every problem of the row said at once, on one line that names it.

What an export writes differently from a person typing `/rejected`:

- the name may come in two columns (First Name, Last Name), used when there is no full name;
- the stage is the ATS's own stage name ("Onsite Interview", "Phone Screen"), mapped as ATS webhooks map it
  (ATS_SCREEN_STAGES, ATS_FINAL_STAGES; anything else is an interview), unless it already is screen, interview or
  final; a row without a stage is an interview;
- an email cell may list several addresses (the first is used); a Links or Social Media cell lists several profiles
  (the LinkedIn one is used, if any); tags may be separated by commas, semicolons or bars;
- the rejection reason is kept as the ATS's reason, apart from the recruiter's note;
- the recruiter is an email or a Slack user id, found in Slack by the caller;
- an export of every application says in a Status column which were hired or are still in process: those rows are
  no rejections, and are skipped (any other status, a sheet's own "Silver medalist" say, is imported).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.candidate_csv.columns import Columns, Field
from bot.candidate_csv.table import Record
from bot.candidate_csv.values import DateOrder, instant, order_shown, rating, year_last
from bot.config import USER_ID
from bot.fields import FieldError, InputErrors, quote, refuse_control
from bot.rejection_input import FIELDS, NOTE_MAX, cleaned_or_none, validate_rejection
from models.ats_rules import AtsRules
from models.rejection import STAGES, RejectionInput

FUTURE_SLACK = timedelta(days=1)  # a date "today" written in a zone ahead of UTC is not the future
_LIST_SEPARATORS = re.compile(r"[\s,;|]+")
_TAG_SEPARATORS = re.compile(r"[;|\r\n]")
# The order problems are said in: the rejection's own fields as /rejected says them, then the import's.
_ORDER = ("values", *FIELDS, "reason", "rejected_at")  # "consent" is among FIELDS

T = TypeVar("T")


# Statuses, as ATSs export them, of applications that were not rejected: hired, or still in process.
NOT_REJECTED = frozenset({"hired", "active", "in process", "in progress", "lead", "prospect", "converted", "open"})


class RowError(Exception):
    """Everything wrong with one row, as the one line to show."""


class NotRejected(Exception):
    """The row's status says the candidate was hired or is still in process: not a rejection to import."""


@dataclass(frozen=True)
class DateStyle:
    """How this file writes 03/05/2024: which date showed it, or whether month first was assumed for such dates."""

    order: DateOrder = DateOrder.MONTH_FIRST
    shown_by: str | None = None
    assumed: bool = False

    def said(self) -> str | None:
        """The line telling the importer how such dates were read, when the file has any."""
        if self.shown_by is not None:
            return f"dates like 03/05/2024 are read {self.order}, as {self.shown_by} shows"
        if self.assumed:
            return "dates like 03/05/2024 are read month first (March 5): no date in the file shows another order"
        return None


@dataclass(frozen=True)
class ImportRow:
    """A valid row: the rejection as `/rejected` would record it, when (None: the file does not say), the ATS's
    reason, and the recruiter cell as written (None when blank)."""

    where: str  # "line 7", as problems name it
    entry: RejectionInput
    rejected_at: datetime | None
    reason: str | None
    recruiter: str | None


def date_style(records: Iterable[Record], columns: Columns) -> DateStyle:
    """The file's order for dates like 03/05/2024, from the first one that can only be read one way."""
    if Field.REJECTED_AT not in columns.index:
        return DateStyle()
    assumed = False
    for record in records:
        value = (columns.value(record.values, Field.REJECTED_AT) or "").strip()
        order = order_shown(value)
        if order is not None:
            return DateStyle(order, f"{record.where}: {quote(value)}")
        assumed = assumed or year_last(value)
    return DateStyle(assumed=assumed)


def read_row(record: Record, columns: Columns, *, rules: AtsRules, dates: DateStyle, now: datetime) -> ImportRow:
    """Check and clean one row; raises RowError naming the row and every problem in it, or NotRejected for a
    row whose status says it is no rejection (whatever else is in it)."""
    status = " ".join((columns.value(record.values, Field.STATUS) or "").casefold().split())
    if status in NOT_REJECTED:
        raise NotRejected(status)
    errors: dict[str, str] = {}
    raw = {
        "name": _name(record.values, columns),
        "role": columns.value(record.values, Field.ROLE),
        "stage": _stage(columns.value(record.values, Field.STAGE), rules),
        "email": _first(columns.value(record.values, Field.EMAIL)),
        "linkedin": _linkedin(record.values, columns),
        "rating": None,
        "tags": _tags(columns.value(record.values, Field.TAGS)),
        "note": columns.value(record.values, Field.NOTE),
    }
    stars = _checked(errors, "rating", rating, columns.value(record.values, Field.RATING))
    raw["rating"] = None if stars is None else str(stars)
    reason = _checked(errors, "reason", _reason, columns.value(record.values, Field.REASON))
    rejected_at = _checked(
        errors, "rejected_at", lambda v: _rejected_at(v, dates, now), columns.value(record.values, Field.REJECTED_AT)
    )
    consent = _checked(
        errors, "consent", lambda v: _consent(v, dates, now), columns.value(record.values, Field.CONSENT)
    )
    try:
        entry = dataclasses.replace(validate_rejection(raw), consent=consent)
    except InputErrors as invalid:
        errors.update(invalid.errors)
    extra = record.values[len(columns.header) :]
    if any(value.strip() for value in extra) or (extra and errors):  # empty ones alone are a stray separator
        errors["values"] = (
            f"The row has {len(record.values)} values but the header has {len(columns.header)} columns; a value "
            "holding the separator must be in double quotes."
        )
    if errors:
        said = " ".join(errors[key] for key in _ORDER if key in errors)
        spans = (
            f" (this row runs on to line {record.last_line}: is a double quote left open?)"
            if record.last_line > record.line
            else ""
        )
        raise RowError(f"{record.where}: {said}{spans}")
    recruiter = (columns.value(record.values, Field.RECRUITER) or "").strip() or None
    return ImportRow(record.where, entry, rejected_at, reason, recruiter)


def recruiter_id(value: str) -> str | None:
    """A Slack user id written as one (U… or W…), else None: the value is an email to look up, or a name."""
    return value if USER_ID.fullmatch(value) else None


def recruiter_email(value: str) -> str | None:
    """The address to look the recruiter up by, or None when the value is not one (a name, say)."""
    return cleaned_or_none("email", value)


def unknown_recruiter(where: str, value: str | None, *, looked_up: bool) -> str:
    """Why a row has no one to own its check-ins, and how to fix it; `looked_up`: Slack was asked for the email."""
    owner = "or pass --owner U… to give these candidates to whoever runs the import"
    if value is None:
        return f"{where}: no recruiter is given; write their email or Slack user id in the Recruiter column, {owner}."
    if looked_up:
        return f"{where}: recruiter {quote(value)} is not in Slack (no active member has that email); fix it, {owner}."
    return (
        f"{where}: recruiter {quote(value)} is neither an email nor a Slack user id (U…); write their email, {owner}."
    )


def _checked(errors: dict[str, str], key: str, parse: Callable[[str | None], T], value: str | None) -> T | None:
    """Run one of the import's own field parsers on the trimmed value, recording its sentence if it refuses."""
    try:
        return parse((value or "").strip() or None)
    except FieldError as problem:
        errors[key] = str(problem)
        return None


def _name(values: list[str], columns: Columns) -> str | None:
    """The full name, or the first and last names joined when the row has no full name."""
    full = (columns.value(values, Field.NAME) or "").strip()
    if full:
        return full
    parts = [(columns.value(values, field) or "").strip() for field in (Field.FIRST_NAME, Field.LAST_NAME)]
    return " ".join(part for part in parts if part) or None


def _stage(value: str | None, rules: AtsRules) -> str:
    name = (value or "").strip()
    return name.casefold() if name.casefold() in STAGES else rules.stage(name)


def _first(value: str | None) -> str | None:
    """The first of the addresses a cell lists."""
    items = [item for item in _LIST_SEPARATORS.split(value or "") if item]
    return items[0] if items else None


def _linkedin(values: list[str], columns: Columns) -> str | None:
    """The LinkedIn column's value (checked like a typed one), else the LinkedIn profile among a Links cell's."""
    explicit = columns.value(values, Field.LINKEDIN)
    if explicit is not None and explicit.strip():
        return explicit
    links = _LIST_SEPARATORS.split(columns.value(values, Field.LINKS) or "")
    profiles = (cleaned_or_none("linkedin", link) for link in links if "linkedin" in link.casefold())
    return next((url for url in profiles if url is not None), None)


def _tags(value: str | None) -> str | None:
    return None if value is None else _TAG_SEPARATORS.sub(",", value)


def _reason(value: str | None) -> str | None:
    if value is None:
        return None
    refuse_control("Rejection reason", value)
    if len(value) > NOTE_MAX:
        raise FieldError(f"Rejection reason is {len(value):,} characters long; the limit is {NOTE_MAX:,}.")
    return value


def _rejected_at(value: str | None, dates: DateStyle, now: datetime) -> datetime | None:
    """The rejection's instant; never later than now, and a date in the future is a mistake worth saying."""
    if value is None:
        return None
    try:
        at = instant(value, dates.order)
    except FieldError:
        shown = order_shown(value)
        if shown is not None and shown is not dates.order and dates.shown_by is not None:
            raise FieldError(
                f"Date {quote(value)} is {shown}, but this file's dates are {dates.order} ({dates.shown_by}); write "
                "every date the same way (2024-03-25 is never ambiguous)."
            ) from None
        raise
    if at > now + FUTURE_SLACK:
        raise FieldError(f"Date {quote(value)} is in the future; give the day the candidate was rejected.")
    return min(at, now)


def _consent(value: str | None, dates: DateStyle, now: datetime) -> datetime | None:
    """The day the candidate agreed to stay on file, written as the file writes its dates; never in the future."""
    if value is None:
        return None
    try:
        at = instant(value, dates.order)
    except FieldError:
        raise FieldError(f"Consent date {quote(value)} is not a date; write it as 2026-11-02.") from None
    if at > now + FUTURE_SLACK:
        raise FieldError(f"Consent date {quote(value)} is in the future; give the day the candidate agreed.")
    return min(at, now)
