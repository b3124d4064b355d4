"""Which rejections earn check-ins, and when: the promise `/rejected` makes and the sweep keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    """Check-ins at `first_days` after the rejection (14 and 90 by default), then every `repeat_days`."""

    first_days: tuple[int, ...] = (14, 90)
    repeat_days: int = 180
    strong_min_rating: int = 4
    strong_stages: frozenset[str] = field(default_factory=lambda: frozenset({"final"}))

    def is_strong(self, *, stage: str, rating: int | None) -> bool:
        """Finalists and highly rated candidates are the ones worth keeping warm."""
        return stage in self.strong_stages or (rating is not None and rating >= self.strong_min_rating)

    def gap(self, step: int) -> timedelta:
        """Time from the previous check-in (or the rejection, for step 0) to check-in number `step`."""
        if step == 0:
            return timedelta(days=self.first_days[0])
        if step < len(self.first_days):
            return timedelta(days=self.first_days[step] - self.first_days[step - 1])
        return timedelta(days=self.repeat_days)

    def after_send(self, *, step: int, due_at: datetime, now: datetime) -> tuple[int, datetime]:
        """The step and due date once reminder `step` went out; steps already overdue (the bot was down) are
        folded into this reminder instead of arriving minutes apart."""
        step += 1
        due_at += self.gap(step)
        while due_at <= now:
            step += 1
            due_at += self.gap(step)
        return step, due_at

    def first_checkin(self, rejected_at: datetime) -> datetime:
        """When the first check-in falls due for a strong rejection."""
        return rejected_at + self.gap(0)

    def next_after(self, rejected_at: datetime, now: datetime) -> tuple[int, datetime]:
        """The first check-in of a strong rejection's cadence still to come after `now`, and its step.

        An imported rejection from years ago has every check-in of its cadence in the past: sending them all at once
        would flood its recruiter, so its stream starts at the next one due, as if the earlier ones had been sent.
        """
        step, due_at = 0, self.first_checkin(rejected_at)
        while due_at <= now:
            step += 1
            due_at += self.gap(step)
        return step, due_at
