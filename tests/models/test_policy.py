"""Policy.next_after: where an imported rejection's check-in stream starts, so that nothing overdue arrives at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.policy import Policy

POLICY = Policy()  # check-ins 14 and 90 days after the rejection, then every 180 days
REJECTED = datetime(2023, 3, 6, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def cadence(policy: Policy, rejected_at: datetime, steps: int) -> list[datetime]:
    """Every point of the cadence, written out from the policy's documented days."""
    points = [rejected_at + timedelta(days=days) for days in policy.first_days]
    while len(points) < steps:
        points.append(points[-1] + timedelta(days=policy.repeat_days))
    return points[:steps]


def test_a_recent_rejection_starts_at_its_first_checkin() -> None:
    assert POLICY.next_after(REJECTED, REJECTED + 3 * DAY) == (0, REJECTED + 14 * DAY)


def test_a_rejection_past_its_first_checkin_starts_at_the_probation_checkin() -> None:
    assert POLICY.next_after(REJECTED, REJECTED + 15 * DAY) == (1, REJECTED + 90 * DAY)


def test_an_old_rejection_starts_at_the_next_periodic_checkin() -> None:
    # 14, 90, 270, 450, 630, 810 days: on day 700 the next one is the 810th day, step 5.
    assert POLICY.next_after(REJECTED, REJECTED + 700 * DAY) == (5, REJECTED + 810 * DAY)


def test_a_checkin_due_exactly_now_is_not_in_the_future() -> None:
    assert POLICY.next_after(REJECTED, REJECTED + 14 * DAY) == (1, REJECTED + 90 * DAY)


def test_a_custom_cadence_is_followed() -> None:
    policy = Policy(first_days=(7,), repeat_days=30)
    assert policy.next_after(REJECTED, REJECTED + 40 * DAY) == (2, REJECTED + 67 * DAY)


@given(
    days_ago=st.integers(min_value=0, max_value=40 * 365),
    seconds=st.integers(min_value=0, max_value=86_399),
    first=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=4, unique=True).map(sorted),
    repeat=st.integers(min_value=1, max_value=400),
)
def test_the_start_is_the_first_point_of_the_cadence_after_now(
    days_ago: int, seconds: int, first: list[int], repeat: int
) -> None:
    policy = Policy(first_days=tuple(first), repeat_days=repeat)
    now = datetime(2026, 1, 12, 9, tzinfo=UTC)
    rejected_at = now - timedelta(days=days_ago, seconds=seconds)
    step, due_at = policy.next_after(rejected_at, now)
    points = cadence(policy, rejected_at, step + 1)
    assert due_at == points[step]
    assert due_at > now
    assert all(point <= now for point in points[:step])
