"""Ratings and dates as exports and spreadsheets write them.

Ratings: a whole number from 1 to 5 (also "4.0", "4/5"), or a scorecard's overall recommendation. Greenhouse's are
definitely_not, no, mixed, yes, strong_yes and no_decision (Harvest API, scorecard `overall_recommendation`), shown as
"Definitely Not" … "Strong Yes"; Lever's and Ashby's read Strong No Hire, No Hire, Hire, Strong Hire. Strong Yes is
5, Yes 4, Mixed (or Neutral) 3, No 2, Strong No and Definitely Not 1; "No Decision" is no rating.

Dates: ISO 8601 (2024-03-05, 2024-03-05T14:30:00Z, 2024-03-05 14:30), 2024/03/05, 05.03.2024 (dots: day first, as
German and most of Eastern Europe write it), 5 Mar 2024 and Mar 5, 2024 (English month names), and 03/05/2024 or
03-05-24 with the year last. That last form is day first in Europe and month first in the US, so the whole file is
read one way: the way its first date that can only be read one way (25/03/2024, 03/25/2024) shows, month first if
none does (as US-locale spreadsheets and exports write them). A time may follow any date ("14:30", "2:30 PM");
without a zone it is UTC. A date without a time is taken as 12:00 UTC, the same calendar day in nearly every zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum

from bot.fields import FieldError, quote

SCORECARD_WORDS = {
    "strong yes": 5,
    "yes": 4,
    "mixed": 3,
    "neutral": 3,
    "no": 2,
    "strong no": 1,
    "definitely not": 1,
    "strong hire": 5,
    "hire": 4,
    "no hire": 2,
    "strong no hire": 1,
}
NO_DECISION = frozenset({"no decision"})
NOON = time(12, tzinfo=UTC)
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
)  # fmt: skip

_NUMBER = re.compile(r"0*([1-5])(?:[.,]0+)?(?:\s*/\s*5)?")
_WORD_SEPARATORS = re.compile(r"[\s_\-]+")
_TIME = r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?"
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})" + _TIME)
_DOTTED = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})" + _TIME)
_YEAR_LAST = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + _TIME)
_DAY_MONTH = re.compile(r"(?P<day>\d{1,2})[\s-](?P<month>[A-Za-z]{3,9})\.?[\s-](?P<year>\d{4})" + _TIME)
_MONTH_DAY = re.compile(r"(?P<month>[A-Za-z]{3,9})\.?\s(?P<day>\d{1,2}),?\s(?P<year>\d{4})" + _TIME)
_FORMATS_HINT = "write it as 2024-03-05 (or 05.03.2024, 5 Mar 2024, 03/05/2024)"


class DateOrder(StrEnum):
    """How the file writes dates like 03/05/2024."""

    MONTH_FIRST = "month first"
    DAY_FIRST = "day first"


def rating(value: str | None) -> int | None:
    """A 1-5 rating from a number or a scorecard word; raises FieldError."""
    if value is None:
        return None
    number = _NUMBER.fullmatch(value)
    if number is not None:
        return int(number.group(1))
    word = _WORD_SEPARATORS.sub(" ", value.casefold()).strip()
    if word in NO_DECISION:
        return None
    if word in SCORECARD_WORDS:
        return SCORECARD_WORDS[word]
    raise FieldError(
        f"Rating {quote(value)} is not a rating; use a whole number from 1 to 5, or a scorecard's word: Strong Yes, "
        "Yes, Mixed, No, Strong No."
    )


def year_last(value: str) -> bool:
    """Whether a date is written like 03/05/2024, whose reading depends on the file's order."""
    return _YEAR_LAST.fullmatch(value.strip()) is not None


def order_shown(value: str) -> DateOrder | None:
    """The order a year-last date shows when only one reading is a date (25/03/2024 is day first), else None."""
    found = _YEAR_LAST.fullmatch(value.strip())
    if found is None:
        return None
    first, second = int(found["a"]), int(found["b"])
    if first > 12 >= second:
        return DateOrder.DAY_FIRST
    if second > 12 >= first:
        return DateOrder.MONTH_FIRST
    return None


def instant(value: str, order: DateOrder) -> datetime:
    """The aware UTC instant a date (and time) cell means; raises FieldError saying how to write it."""
    text = value.strip()
    try:
        return _parsed(text, order)
    except ValueError:
        raise FieldError(f"Date {quote(value)} is not a date; {_FORMATS_HINT}.") from None


def _parsed(text: str, order: DateOrder) -> datetime:
    """Raises ValueError for anything that is not a real date in one of the documented forms."""
    try:
        return datetime.combine(date.fromisoformat(text), NOON)
    except ValueError:
        pass
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    for pattern in (_YEAR_FIRST, _DOTTED, _DAY_MONTH, _MONTH_DAY):
        found = pattern.fullmatch(text)
        if found is not None:
            return _combined(_year(found["year"]), _month(found["month"]), int(found["day"]), found)
    found = _YEAR_LAST.fullmatch(text)
    if found is not None:
        first, second = int(found["a"]), int(found["b"])
        month, day = (first, second) if order is DateOrder.MONTH_FIRST else (second, first)
        return _combined(_year(found["year"]), month, day, found)
    raise ValueError(text)


def _year(text: str) -> int:
    """Two-digit years as strptime reads them: 69 and below are 20xx."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def _month(text: str) -> int:
    """A month's number, or its English name in full or in three letters ("Sept" too)."""
    if text.isdigit():
        return int(text)
    name = text.casefold()
    for number, full in enumerate(MONTHS, start=1):
        if name in (full, full[:3]) or (number == 9 and name == "sept"):
            return number
    raise ValueError(text)


def _combined(year: int, month: int, day: int, found: re.Match[str]) -> datetime:
    """The date at its time, if one was written, else at noon UTC; ValueError if there is no such date or time."""
    day_of = date(year, month, day)
    if found["hour"] is None:
        return datetime.combine(day_of, NOON)
    hour = int(found["hour"])
    if found["ampm"] is not None:
        if not 1 <= hour <= 12:
            raise ValueError(found.group())
        hour = hour % 12 + (12 if found["ampm"].casefold() == "pm" else 0)
    return datetime.combine(day_of, time(hour, int(found["minute"]), int(found["second"] or 0), tzinfo=UTC))
