"""A recruiter's working hours in their own time zone, so reminders never arrive at 3 am."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
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

    def allows(self, when: datetime, tz: str | None) -> bool:
        """True when `when` falls inside working hours in `tz` (the default zone when unknown or invalid)."""
        local = when.astimezone(zone(tz) if tz and valid_zone(tz) else zone(self.default_tz))
        return local.weekday() in self.days and self.start <= local.time() < self.end


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
