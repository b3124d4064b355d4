"""Which rejections earn check-ins, and when: the promise `/rejected` makes to the recruiter."""

from __future__ import annotations

from datetime import datetime, timedelta

STRONG_MIN_RATING = 4
FIRST_CHECKIN_DAYS = (14, 90)
REPEAT_CHECKIN_DAYS = 180


def is_strong(*, stage: str, rating: int | None) -> bool:
    """Finalists and candidates rated 4-5 are the ones worth keeping warm."""
    return stage == "final" or (rating is not None and rating >= STRONG_MIN_RATING)


def first_checkin(rejected_at: datetime) -> datetime:
    """When the first check-in falls due for a strong rejection."""
    return rejected_at + timedelta(days=FIRST_CHECKIN_DAYS[0])
