"""The daily cap (CHECKINS_PER_DAY) on the reminder sweep, in-process on SQLite and PostgreSQL against the fake Slack:
a backlog (an import of past rejections, a bot down for weeks) reaches each recruiter at most a day's worth per local
working day, the strongest and most recent first, each check-in once, all of them in the end.

The same over several simulated days through `python -m jobs run reminders --now` is in test_reminders_cli.py.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.reminders import MAX_ITEMS
from bot.config import Settings
from jobs.reminders import SweepReport, run_reminders
from models.working_hours import WorkingHours
from testkit.data import REC, reject
from testkit.fakeslack import FakeSlack
from testkit.sweeps import (
    DAY,
    HOUR,
    MINUTE,
    Sweeper,
    backlog,
    checkins_in,
    delivered,
    dm,
    expected,
    posts,
    sent_rows,
    slack_client,
    strongest_first,
    tally,
)

MONDAY_10 = datetime(2026, 1, 19, 10, tzinfo=UTC)  # a Monday, 10:00 UTC
FOOTER_END = "open Keepwarm's *Home* tab to see them all."


def footer(message: dict) -> str | None:
    """The reminder's last line when it says what is still due, else None."""
    last = message["blocks"][-1]
    return last["elements"][0]["text"] if last["type"] == "context" and "more due" in str(last) else None


def listed(fake_slack: FakeSlack, user: str, since: int = 0) -> list[list[int]]:
    """The check-ins each DM to `user` listed, from the `since`th on."""
    return [checkins_in(message) for message in fake_slack.messages(dm(user))[since:]]


def test_local_day_is_the_recruiters_calendar_day_in_utc_bounds() -> None:
    """No database. 09:00-17:00 in Los Angeles straddles midnight UTC; Berlin's spring-forward day has 23 hours."""
    hours = WorkingHours()
    los_angeles_monday = (datetime(2026, 1, 19, 8, tzinfo=UTC), datetime(2026, 1, 20, 8, tzinfo=UTC))
    assert hours.local_day(datetime(2026, 1, 19, 17, 30, tzinfo=UTC), "America/Los_Angeles") == los_angeles_monday
    assert hours.local_day(datetime(2026, 1, 20, 0, 30, tzinfo=UTC), "America/Los_Angeles") == los_angeles_monday
    berlin = hours.local_day(datetime(2026, 3, 29, 12, tzinfo=UTC), "Europe/Berlin")
    assert berlin == (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 22, tzinfo=UTC))
    # Unknown or invalid: the default zone, as for working hours.
    utc_day = (datetime(2026, 1, 19, tzinfo=UTC), datetime(2026, 1, 20, tzinfo=UTC))
    assert hours.local_day(MONDAY_10, None) == hours.local_day(MONDAY_10, "Not/AZone") == utc_day


def test_a_cap_above_one_dm_fills_the_day_in_several_sweeps_and_each_dm_says_what_waits(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    cap = MAX_ITEMS + 4
    sweep.settings = dataclasses.replace(settings, checkins_per_day=cap)
    total = 50
    order = strongest_first(backlog(sessions, total, due_by=MONDAY_10))

    assert tally(sweep(MONDAY_10)) == expected(messages=1, checkins=MAX_ITEMS)
    assert tally(sweep(MONDAY_10 + 5 * MINUTE)) == expected(messages=1, checkins=4)
    assert tally(sweep(MONDAY_10 + 10 * MINUTE)) == expected(at_daily_cap=1)
    assert tally(sweep(MONDAY_10 + 6 * HOUR)) == expected(at_daily_cap=1)
    assert listed(fake_slack, REC) == [order[:MAX_ITEMS], order[MAX_ITEMS:cap]]

    first, second = fake_slack.messages(dm(REC))
    assert first["blocks"][0]["text"]["text"] == f"Time to reconnect with {cap} candidates"
    assert footer(first) == (
        f"{total - MAX_ITEMS} more due: 4 in your next reminder, {total - cap} from the next working day on, "
        f"at most {cap} a day, strongest and most recent first; {FOOTER_END}"
    )
    assert first["text"].endswith(f" and 4 more ({total - cap} more from the next working day on)")
    assert second["blocks"][0]["text"]["text"] == "Time to reconnect with 4 candidates"
    assert footer(second) == (
        f"{total - cap} more due from the next working day on, at most {cap} a day, strongest and most recent first: "
        f"{FOOTER_END}"
    )

    assert tally(sweep(MONDAY_10 + DAY)) == expected(messages=1, checkins=MAX_ITEMS)
    assert tally(sweep(MONDAY_10 + DAY + 5 * MINUTE)) == expected(messages=1, checkins=4)
    assert tally(sweep(MONDAY_10 + 2 * DAY)) == expected(messages=1, checkins=total - 2 * cap)
    assert footer(fake_slack.messages(dm(REC))[-1]) is None  # the last of the backlog: nothing more to say
    assert tally(sweep(MONDAY_10 + 2 * DAY + 5 * MINUTE)) == expected()
    assert [ids for message in listed(fake_slack, REC) for ids in message] == order
    assert delivered(fake_slack, [REC]) == Counter(dict.fromkeys(order, 1))


def test_a_bot_down_for_weeks_sends_at_most_the_cap_a_day_and_what_falls_due_meanwhile_takes_its_turn(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Down for three weeks: 30 check-ins fell due one every 17 hours. Back on Monday, the sweep runs every hour of
    the working day; a finalist rated 5 whose check-in falls due on Tuesday at 08:00 goes ahead of the backlog's
    weaker ones."""
    fake_slack.set_user(REC, tz="UTC")
    missed = backlog(sessions, 30, due_by=MONDAY_10 - HOUR, spacing=17 * HOUR)
    fresh = reject(sessions, name="Fresh Finalist", stage="final", rating=5, at=MONDAY_10 - 13 * DAY - 2 * HOUR)
    assert fresh.checkin_id is not None

    sent_by_day: list[list[int]] = []
    for day in range(5):  # Monday to Friday, 09:00 to 16:00
        before = len(fake_slack.messages(dm(REC)))
        for hour in range(8):
            report = sweep(datetime(2026, 1, 19 + day, 9 + hour, tzinfo=UTC))
            assert report.failed == report.deferred == 0
        sent_by_day.append([ids for message in listed(fake_slack, REC, before) for ids in message])

    order = strongest_first(missed)
    assert [len(ids) for ids in sent_by_day] == [10, 10, 10, 1, 0]
    assert sent_by_day[0] == order[:10]
    assert sent_by_day[1] == [fresh.checkin_id, *order[10:19]]  # due Tuesday 08:00: the strongest of the day
    assert sent_by_day[2] == order[19:29]
    assert sent_by_day[3] == order[29:]
    assert delivered(fake_slack, [REC]) == Counter(dict.fromkeys([*order, fresh.checkin_id], 1))
    assert len(sent_rows(sessions)) == 31


def test_two_recruiters_are_capped_each_on_their_own(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    other = "U0OTHER"
    for user in (REC, other):
        fake_slack.set_user(user, tz="UTC")
    mine = strongest_first(backlog(sessions, 15, due_by=MONDAY_10))
    theirs = strongest_first(backlog(sessions, 12, due_by=MONDAY_10, user=other))

    assert tally(sweep(MONDAY_10)) == expected(messages=2, checkins=20)
    assert tally(sweep(MONDAY_10 + HOUR)) == expected(at_daily_cap=2)
    assert (listed(fake_slack, REC), listed(fake_slack, other)) == ([mine[:10]], [theirs[:10]])
    # A third recruiter's first check-in on the same day is not held back by the others' sends.
    third = "U0THIRD"
    fake_slack.set_user(third, tz="UTC")
    late = reject(sessions, user=third, name="Late Finalist", at=MONDAY_10 - 14 * DAY + HOUR)
    assert tally(sweep(MONDAY_10 + 2 * HOUR)) == expected(messages=1, checkins=1, at_daily_cap=2)
    assert listed(fake_slack, third) == [[late.checkin_id]]

    assert tally(sweep(MONDAY_10 + DAY)) == expected(messages=2, checkins=7)
    assert (listed(fake_slack, REC, 1), listed(fake_slack, other, 1)) == ([mine[10:]], [theirs[10:]])
    assert tally(sweep(MONDAY_10 + DAY + HOUR)) == expected()
    assert delivered(fake_slack, [REC, other]) == Counter(dict.fromkeys(mine + theirs, 1))


def test_the_cap_counts_the_recruiters_own_day_not_the_utc_one(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Los Angeles works 17:00 to 01:00 UTC in January: its Monday afternoon is Tuesday in UTC, and its Tuesday
    morning is the same UTC date as that afternoon. A cap counted by UTC date would get both wrong."""
    la = "U0LA"
    fake_slack.set_user(la, tz="America/Los_Angeles")
    order = strongest_first(backlog(sessions, 25, due_by=datetime(2026, 1, 19, 17, tzinfo=UTC), user=la))

    monday_morning = datetime(2026, 1, 19, 17, 30, tzinfo=UTC)  # Monday 09:30 in Los Angeles
    monday_afternoon = datetime(2026, 1, 20, 0, 30, tzinfo=UTC)  # Monday 16:30 there, Tuesday in UTC
    tuesday_morning = datetime(2026, 1, 20, 17, 30, tzinfo=UTC)  # Tuesday 09:30 there, the same UTC date
    assert tally(sweep(monday_morning)) == expected(messages=1, checkins=10)
    assert tally(sweep(monday_afternoon)) == expected(at_daily_cap=1)
    assert tally(sweep(tuesday_morning)) == expected(messages=1, checkins=10)
    assert tally(sweep(tuesday_morning + 6 * HOUR)) == expected(at_daily_cap=1)  # Tuesday 15:30 there
    assert tally(sweep(tuesday_morning + DAY)) == expected(messages=1, checkins=5)
    assert listed(fake_slack, la) == [order[:10], order[10:20], order[20:]]
    assert delivered(fake_slack, [la]) == Counter(dict.fromkeys(order, 1))


def test_concurrent_sweeps_never_send_more_than_the_cap_between_them(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Four sweeps at once: what one claimed and is still posting counts against what the others may claim."""
    users = ["U0CONC1", "U0CONC2"]
    orders = {}
    for user in users:
        fake_slack.set_user(user, tz="UTC")
        orders[user] = strongest_first(backlog(sessions, 30, due_by=MONDAY_10, user=user))
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    reports: list[SweepReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        client = slack_client(fake_slack)
        barrier.wait()
        try:
            reports.append(run_reminders(sessions=sessions, client=client, settings=settings, now=MONDAY_10))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r.checkins for r in reports) == 20
    assert posts(fake_slack) == 2
    for user in users:
        assert listed(fake_slack, user) == [orders[user][:10]]
    assert len(sent_rows(sessions)) == 20
