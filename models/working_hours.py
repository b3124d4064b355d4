"""A recruiter's working hours in their own time zone, so reminders never arrive at 3 am."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    """Local weekdays and hours; zoneinfo makes daylight-saving changes right."""

    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    default_tz: str = "UTC"

    def __post_init__(self) -> None:
        zone(self.default_tz)

    def place(self, tz: str | None) -> ZoneInfo:
        """The zone a recruiter's hours are read in: theirs, or the default when unknown or invalid."""
        return zone(tz) if tz and valid_zone(tz) else zone(self.default_tz)

    def allows(self, when: datetime, tz: str | None) -> bool:
        """True when `when` falls inside working hours in `tz` (the default zone when unknown or invalid)."""
        local = when.astimezone(self.place(tz))
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def local_day(self, when: datetime, tz: str | None) -> tuple[datetime, datetime]:
        """The UTC bounds [start, end) of the calendar day `when` falls on in `tz`: a recruiter's "today", whatever
        the UTC date (a Los Angeles afternoon is the next day in UTC), 23 or 25 hours long on a clock change."""
        place = self.place(tz)
        day = when.astimezone(place).date()
        start = datetime.combine(day, time(0), tzinfo=place)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=place)
        return start.astimezone(UTC), end.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    """The zone, or ValueError for a name zoneinfo does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def valid_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def parse_work_hours(raw: str) -> tuple[time, time]:
    """`09:00-17:00` into two times; ValueError with a message that says the expected form."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise ValueError(f"must look like 09:00-17:00, not {raw!r}") from None
    if start >= end:
        raise ValueError(f"must start before it ends, not {raw!r}")
    return start, end


def parse_work_days(raw: str) -> frozenset[int]:
    """`mon-fri` or `mon,tue,thu` into weekday numbers (Monday is 0)."""
    days: set[int] = set()
    for part in raw.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"must name days like mon-fri or mon,wed,fri, not {raw!r}")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)
