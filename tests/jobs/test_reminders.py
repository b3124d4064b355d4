"""The reminder sweep in-process, on SQLite and PostgreSQL, against the fake Slack over real HTTP.

Data is built through the real code (validate_rejection, record_rejection, forget_candidate); every sweep gets an
explicit `now`, and every test counts what Slack shows (messages per DM channel, chat.postMessage calls) exactly.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.reminders import MAX_ITEMS, MESSAGE_BLOCKS_MAX
from bot.config import Settings
from bot.timezones import refresh_timezone
from jobs.delivery import LEASE
from jobs.reminders import SweepReport, run_reminders
from models import Checkin, CheckinStatus, Recruiter
from models.records import forget_candidate
from testkit.data import MONDAY, REC, reject
from testkit.fakeslack import FakeSlack, Reply, rate_limited
from testkit.sweeps import (
    DAY,
    HOUR,
    MINUTE,
    TEAM,
    Sweeper,
    checkin_ids,
    checkin_of,
    checkins_in,
    delivered,
    dm,
    expected,
    posts,
    sent_rows,
    slack_client,
    tally,
)

DUE = MONDAY + 14 * DAY  # Monday 19 January 2026, 10:00 UTC: the first check-in of a MONDAY rejection
BUTTONS = ["Done, I reached out", "She agreed", "Snooze 1 week", "Snooze 1 month", "Stop", "Draft a message"]


def texts(message: dict) -> str:
    """Every mrkdwn and plain text in a message's blocks, one per line."""
    found: list[str] = []
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found.extend(element["text"] for element in block.get("elements", []) if isinstance(element.get("text"), str))
    return "\n".join(found)


def checkin_of_id(sessions: sessionmaker[Session], checkin_id: int) -> int:
    """The candidate a check-in keeps warm."""
    with sessions.begin() as session:
        return session.get_one(Checkin, checkin_id).candidate_id


def owner(sessions: sessionmaker[Session], candidate_id: int) -> str:
    with sessions.begin() as session:
        return session.scalars(
            select(Recruiter.user_id)
            .join(Checkin, Checkin.recruiter_id == Recruiter.id)
            .where(Checkin.candidate_id == candidate_id)
        ).one()


# --- 1. Due and not due, at each step of the cadence ------------------------------------------------------------------


def test_final_stage_rejection_gets_checkins_at_14_90_270_and_450_days(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions, stage="final").candidate_id
    [checkin_id] = checkin_ids(sessions)

    def at(when: datetime, *, sends: int, waiting: int = 0) -> None:
        before = posts(fake_slack)
        report = sweep(when)
        assert tally(report) == expected(messages=sends, checkins=sends, waiting_for_working_hours=waiting), when
        assert posts(fake_slack) - before == sends, when

    assert checkin_of(sessions, candidate).due_at == DUE  # type: ignore[union-attr]
    at(DUE - MINUTE, sends=0)  # day 13 (13 days 23:59), a Monday at 09:59 UTC: working hours, but not due
    at(DUE, sends=1)  # day 14
    at(DUE + 6 * HOUR, sends=0)  # the same day: nothing more
    at(DUE + DAY, sends=0)
    day_90 = MONDAY + 90 * DAY
    assert day_90.strftime("%a") == "Sun"
    at(day_90 - MINUTE, sends=0)
    at(day_90, sends=0, waiting=1)  # due, but a Sunday
    at(datetime(2026, 4, 6, 9, tzinfo=UTC), sends=1)  # Monday 09:00
    at(datetime(2026, 4, 6, 9, 5, tzinfo=UTC), sends=0)
    day_270 = MONDAY + 270 * DAY  # 90 + 180, counted from when the 90-day one was due, not from when it went out
    assert day_270.strftime("%a") == "Fri"
    at(day_270 - MINUTE, sends=0)
    at(day_270, sends=1)
    day_450 = MONDAY + 450 * DAY
    assert day_450.strftime("%a") == "Wed"
    at(day_450 - MINUTE, sends=0)
    at(day_450, sends=1)

    messages = fake_slack.messages(dm(REC))
    assert [checkins_in(m) for m in messages] == [[checkin_id]] * 4
    assert [(c, step) for c, step, _, _ in sent_rows(sessions)] == [(checkin_id, step) for step in range(4)]
    assert "thank them" in texts(messages[0])
    assert "probation window" in texts(messages[1])
    assert "periodic check-in" in texts(messages[2])
    assert "periodic check-in" in texts(messages[3])
    assert checkin_of(sessions, candidate).due_at == MONDAY + 630 * DAY  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("stage", "rating", "strong"),
    [("interview", 4, True), ("screen", 5, True), ("interview", 3, False), ("screen", 2, False)],
)
def test_only_strong_rejections_get_checkins(
    stage: str,
    rating: int,
    strong: bool,
    sweep: Sweeper,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions, stage=stage, rating=rating)
    reports = [sweep(when) for when in (DUE, datetime(2026, 4, 6, 9, tzinfo=UTC), MONDAY + 270 * DAY)]

    if strong:
        [checkin_id] = checkin_ids(sessions)
        assert [r.messages for r in reports] == [1, 1, 1]
        assert delivered(fake_slack, [REC]) == Counter({checkin_id: 3})
    else:
        assert checkin_ids(sessions) == []
        assert [tally(r) for r in reports] == [expected()] * 3
        assert fake_slack.calls == []


def test_an_erased_candidate_never_comes_up_again(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    kept = reject(sessions, name="Ann Keep", email="ann@example.com").candidate_id
    erased = reject(sessions, name="Bob Gone", email="bob@example.com").candidate_id
    with sessions.begin() as session:
        assert forget_candidate(
            session=session, team_id=TEAM, email="bob@example.com", user_id=REC, is_admin=False, now=MONDAY + DAY
        )

    assert tally(sweep(DUE)) == expected(messages=1, checkins=1)
    [message] = fake_slack.messages(dm(REC))
    assert checkins_in(message) == [checkin_of(sessions, kept).id]  # type: ignore[union-attr]
    assert "Bob" not in message["text"] + texts(message)

    # Erased after its first check-in went out: nothing more, ever.
    with sessions.begin() as session:
        assert forget_candidate(
            session=session, team_id=TEAM, email="ann@example.com", user_id=REC, is_admin=False, now=DUE + DAY
        )
    for when in (datetime(2026, 4, 6, 9, tzinfo=UTC), MONDAY + 270 * DAY, MONDAY + 450 * DAY):
        assert tally(sweep(when)) == expected()
    assert posts(fake_slack) == 1
    assert checkin_of(sessions, erased).status == CheckinStatus.STOPPED  # type: ignore[union-attr]


def test_a_stopped_checkin_never_comes_up_again(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    early = reject(sessions, name="Ann Early", email="ann@example.com").candidate_id
    later = reject(sessions, name="Bob Later", email="bob@example.com", at=MONDAY + MINUTE).candidate_id

    def stop(candidate_id: int, when: datetime) -> None:
        with sessions.begin() as session:
            checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate_id)).one()
            checkin.status, checkin.stop_reason, checkin.stopped_at = CheckinStatus.STOPPED, "hired_elsewhere", when

    stop(early, MONDAY + DAY)  # before its first check-in
    assert tally(sweep(DUE + HOUR)) == expected(messages=1, checkins=1)
    [message] = fake_slack.messages(dm(REC))
    assert checkins_in(message) == [checkin_of(sessions, later).id]  # type: ignore[union-attr]

    stop(later, DUE + DAY)  # after its first
    for when in (datetime(2026, 4, 6, 9, tzinfo=UTC), MONDAY + 270 * DAY, MONDAY + 450 * DAY):
        assert tally(sweep(when)) == expected()
    assert posts(fake_slack) == 1


def test_rejecting_the_same_candidate_again_keeps_one_stream_owned_by_the_newest_strong_rejection(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    first, newest, weak = "U0ALICE", "U0BRUNO", "U0CARLA"
    for user in (first, newest, weak):
        fake_slack.set_user(user, tz="UTC")
    a = reject(sessions, user=first, name="Sam Lee", email="sam@example.com", role="Backend Engineer").candidate_id
    b = reject(
        sessions,
        user=newest,
        name="Sam Lee",
        email="SAM@example.com",
        role="Staff Engineer",
        stage="interview",
        rating=5,
        at=MONDAY + 7 * DAY,
    ).candidate_id
    c = reject(
        sessions,
        user=weak,
        name="Sam Lee",
        email="sam@example.com",
        stage="screen",
        rating=2,
        at=MONDAY + 8 * DAY,
    ).candidate_id
    assert a == b == c
    [checkin_id] = checkin_ids(sessions)
    assert owner(sessions, a) == newest
    assert checkin_of(sessions, a).due_at == MONDAY + 21 * DAY  # type: ignore[union-attr]

    assert tally(sweep(DUE)) == expected()  # when the first rejection's check-in would have been due
    assert tally(sweep(MONDAY + 21 * DAY)) == expected(messages=1, checkins=1)
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.params["channel"] == newest
    assert delivered(fake_slack, [first, newest, weak]) == Counter({checkin_id: 1})
    assert "Staff Engineer" in texts(fake_slack.messages(dm(newest))[0])


# --- 2. What the DM says ----------------------------------------------------------------------------------------------


def test_the_reminder_dm_carries_everything_a_recruiter_needs(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(
        sessions,
        name="Jane Doe",
        email="Jane@Example.com",
        linkedin="linkedin.com/in/jane-doe",
        role="Senior Backend Engineer",
        stage="final",
        rating=5,
        note="Great system design; ask again in spring",
    )
    [checkin_id] = checkin_ids(sessions)

    assert tally(sweep(DUE)) == expected(messages=1, checkins=1)

    [call] = fake_slack.calls_to("chat.postMessage")
    params = call.params
    assert params["channel"] == REC
    assert "Jane Doe" in params["text"]
    blocks = params["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Time to reconnect with 1 candidate"}}
    summary = blocks[1]["text"]["text"]
    for part in (
        "*Jane Doe*",
        "Senior Backend Engineer",
        "finalist",
        "5/5",
        "rejected 14 days ago",
        "<mailto:jane@example.com|jane@example.com>",
        "<https://linkedin.com/in/jane-doe|LinkedIn>",
        "_Great system design; ask again in spring_",
    ):
        assert part in summary, (part, summary)
    [actions] = [block for block in blocks if block["type"] == "actions"]
    assert actions["block_id"] == f"checkin_actions:{checkin_id}"
    assert [element["text"]["text"] for element in actions["elements"]] == BUTTONS
    # The buttons expect the row as the sweep left it: the next step (90 days), due then.
    step, due = settings.policy.after_send(step=0, due_at=DUE, now=DUE)
    assert (step, due) == (1, MONDAY + 90 * DAY)
    values = {element["action_id"]: element["value"] for element in actions["elements"]}
    assert values.pop("retention_consent") == f"{checkin_of_id(sessions, checkin_id)}:0"  # She agreed: the candidate
    assert set(values.values()) == {f"{checkin_id}:0:1:{int(due.timestamp())}"}
    metadata = params["metadata"]
    assert metadata["event_type"] == "keepwarm_reminder"
    assert set(metadata["event_payload"]) == {"token"}
    uuid.UUID(metadata["event_payload"]["token"])

    [message] = fake_slack.messages(dm(REC))
    assert message["metadata"] == metadata
    assert sent_rows(sessions) == [(checkin_id, 0, dm(REC), message["ts"])]
    with sessions.begin() as session:
        assert session.scalars(select(Recruiter.dm_channel).where(Recruiter.user_id == REC)).one() == dm(REC)


# --- 3. One DM per recruiter per sweep --------------------------------------------------------------------------------


def test_due_checkins_are_batched_into_one_dm_per_recruiter(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    other = "U0OTHER"
    for user in (REC, other):
        fake_slack.set_user(user, tz="UTC")
    names = ["Ann Lee", "Bob Stone", "Cy Young"]
    for i, name in enumerate(names):
        reject(sessions, name=name, at=MONDAY + i * MINUTE)
    reject(sessions, user=other, name="Dee Park", at=MONDAY + 5 * MINUTE)
    ids = checkin_ids(sessions)

    assert tally(sweep(DUE + HOUR)) == expected(messages=2, checkins=4)

    assert sorted(call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")) == sorted([REC, other])
    [mine] = fake_slack.messages(dm(REC))
    assert checkins_in(mine) == ids[2::-1]  # equally strong: the most recently rejected first
    assert mine["text"] == "Time to reconnect with Cy Young, Bob Stone, Ann Lee"
    assert all(f"*{name}*" in texts(mine) for name in names)
    assert mine["blocks"][0]["text"]["text"] == "Time to reconnect with 3 candidates"
    [theirs] = fake_slack.messages(dm(other))
    assert checkins_in(theirs) == ids[3:]
    assert "Ann Lee" not in theirs["text"]
    assert delivered(fake_slack, [REC, other]) == Counter(dict.fromkeys(ids, 1))


def test_more_than_max_items_fills_one_dm_and_the_rest_go_in_the_next_sweep(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    sweep.settings = dataclasses.replace(settings, checkins_per_day=500)  # the daily cap holds nothing back here
    extra = 4
    for i in range(MAX_ITEMS + extra):
        reject(sessions, name=f"Candidate {i:02d}", at=MONDAY + i * MINUTE)
    ids = checkin_ids(sessions)
    newest_first = ids[::-1]

    assert tally(sweep(DUE + HOUR)) == expected(messages=1, checkins=MAX_ITEMS)
    [first] = fake_slack.messages(dm(REC))
    assert checkins_in(first) == newest_first[:MAX_ITEMS]
    assert len(first["blocks"]) <= MESSAGE_BLOCKS_MAX
    assert first["blocks"][0]["text"]["text"] == f"Time to reconnect with {MAX_ITEMS + extra} candidates"
    footer = first["blocks"][-1]
    assert footer["type"] == "context"
    assert footer["elements"][0]["text"].startswith(f"{extra} more due")
    assert first["text"].endswith(f"and {extra} more")

    assert tally(sweep(DUE + HOUR + 5 * MINUTE)) == expected(messages=1, checkins=extra)
    second = fake_slack.messages(dm(REC))[1]
    assert checkins_in(second) == newest_first[MAX_ITEMS:]
    assert "more due" not in texts(second)
    assert tally(sweep(DUE + HOUR + 10 * MINUTE)) == expected()
    assert delivered(fake_slack, [REC]) == Counter(dict.fromkeys(ids, 1))
    assert len(sent_rows(sessions)) == MAX_ITEMS + extra


# --- 4. Working hours, in the recruiter's own time zone ---------------------------------------------------------------


def test_a_checkin_due_at_3am_local_waits_for_9am_local(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="America/New_York")  # UTC-5 in January
    reject(sessions, at=datetime(2026, 1, 5, 8, tzinfo=UTC))  # 03:00 in New York
    due = datetime(2026, 1, 19, 8, tzinfo=UTC)  # Monday 03:00 in New York

    report = sweep(due)
    assert tally(report) == expected(waiting_for_working_hours=1)
    assert report.lines == [f"<@{REC}>: waiting for working hours (America/New_York)"]
    assert tally(sweep(datetime(2026, 1, 19, 13, 59, tzinfo=UTC))) == expected(waiting_for_working_hours=1)
    assert posts(fake_slack) == 0
    assert tally(sweep(datetime(2026, 1, 19, 14, 5, tzinfo=UTC))) == expected(messages=1, checkins=1)  # 09:05
    assert posts(fake_slack) == 1


def test_los_angeles_and_tokyo_at_the_same_instant(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    la, tokyo = "U0LA", "U0TOKYO"
    fake_slack.set_user(la, tz="America/Los_Angeles")
    fake_slack.set_user(tokyo, tz="Asia/Tokyo")
    la_candidate = reject(sessions, user=la, name="Lee Angel").candidate_id
    tokyo_candidate = reject(sessions, user=tokyo, name="Toru Kyo").candidate_id

    # Monday 17:30 UTC: 09:30 Monday in Los Angeles, 02:30 Tuesday in Tokyo.
    assert tally(sweep(datetime(2026, 1, 19, 17, 30, tzinfo=UTC))) == expected(
        messages=1, checkins=1, waiting_for_working_hours=1
    )
    assert [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [la]
    # Tuesday 01:30 UTC: 10:30 Tuesday in Tokyo, 17:30 Monday in Los Angeles (and nothing due there anyway).
    assert tally(sweep(datetime(2026, 1, 20, 1, 30, tzinfo=UTC))) == expected(messages=1, checkins=1)
    assert [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [la, tokyo]
    la_id, tokyo_id = (checkin_of(sessions, c).id for c in (la_candidate, tokyo_candidate))  # type: ignore[union-attr]
    assert delivered(fake_slack, [la, tokyo]) == Counter({la_id: 1, tokyo_id: 1})


def test_working_hours_themselves_for_los_angeles_and_tokyo(settings: Settings) -> None:
    """No database: the rule alone (09:00-17:00, Monday to Friday, local)."""
    hours = settings.working_hours
    instant = datetime(2026, 1, 19, 17, 30, tzinfo=UTC)
    assert hours.allows(instant, "America/Los_Angeles")  # Monday 09:30
    assert not hours.allows(instant, "Asia/Tokyo")  # Tuesday 02:30
    assert not hours.allows(instant, None)  # unknown: DEFAULT_TIMEZONE (UTC), 17:30
    assert not hours.allows(instant, "Not/AZone")  # invalid: the default too
    assert hours.allows(instant - HOUR, "Not/AZone")  # 16:30 UTC


def test_a_checkin_due_on_saturday_goes_out_monday_9am_local(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="Europe/Paris")  # UTC+1 in January
    reject(sessions, at=datetime(2026, 1, 3, 10, tzinfo=UTC))  # a Saturday
    for when in (
        datetime(2026, 1, 17, 10, tzinfo=UTC),  # due: Saturday 11:00 in Paris
        datetime(2026, 1, 18, 12, tzinfo=UTC),  # Sunday
        datetime(2026, 1, 18, 23, 30, tzinfo=UTC),  # Monday 00:30 in Paris
        datetime(2026, 1, 19, 7, 59, tzinfo=UTC),  # Monday 08:59 in Paris
    ):
        assert tally(sweep(when)) == expected(waiting_for_working_hours=1), when
    assert posts(fake_slack) == 0
    assert tally(sweep(datetime(2026, 1, 19, 8, tzinfo=UTC))) == expected(messages=1, checkins=1)  # 09:00
    assert posts(fake_slack) == 1


def test_working_hours_follow_daylight_saving_time(settings: Settings) -> None:
    """No database. Berlin moves from UTC+1 to UTC+2 on 29 March 2026 and back on 25 October."""
    hours = settings.working_hours
    spring = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # Monday 09:30 CEST; it would be 08:30 in CET
    assert hours.allows(spring, "Europe/Berlin")
    assert not hours.allows(spring - HOUR, "Europe/Berlin")  # 08:30 CEST
    autumn = datetime(2026, 10, 26, 7, 30, tzinfo=UTC)  # Monday 08:30 CET; it would be 09:30 in CEST
    assert not hours.allows(autumn, "Europe/Berlin")
    assert hours.allows(autumn + HOUR, "Europe/Berlin")


def test_a_sweep_after_the_spring_clock_change_uses_the_new_offset(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="Europe/Berlin")
    reject(sessions, at=datetime(2026, 3, 16, 6, tzinfo=UTC))  # due Monday 30 March 06:00 UTC
    assert tally(sweep(datetime(2026, 3, 30, 6, 30, tzinfo=UTC))) == expected(waiting_for_working_hours=1)  # 08:30
    assert posts(fake_slack) == 0
    assert tally(sweep(datetime(2026, 3, 30, 7, 30, tzinfo=UTC))) == expected(messages=1, checkins=1)  # 09:30
    assert posts(fake_slack) == 1


def test_a_checkin_missed_while_the_bot_was_down_is_sent_once_at_the_next_working_hour(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions).candidate_id
    [checkin_id] = checkin_ids(sessions)
    first_run = DUE + 40 * DAY  # Saturday 28 February: the first sweep in 40 days
    assert first_run.strftime("%a") == "Sat"

    assert tally(sweep(first_run)) == expected(waiting_for_working_hours=1)
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert tally(sweep(monday)) == expected(messages=1, checkins=1)
    assert "rejected 55 days ago" in texts(fake_slack.messages(dm(REC))[0])
    assert tally(sweep(monday + 5 * MINUTE)) == expected()
    assert tally(sweep(monday + 5 * DAY)) == expected()
    assert checkin_of(sessions, candidate).due_at == MONDAY + 90 * DAY  # type: ignore[union-attr]
    assert tally(sweep(datetime(2026, 4, 6, 9, tzinfo=UTC))) == expected(messages=1, checkins=1)
    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 2})


def test_a_long_outage_folds_overdue_steps_into_one_reminder(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Down from before day 14 until after day 90: one reminder, not the 90-day one minutes after the 14-day one."""
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions).candidate_id
    [checkin_id] = checkin_ids(sessions)
    back = MONDAY + 100 * DAY  # Wednesday 15 April

    assert tally(sweep(back)) == expected(messages=1, checkins=1)
    for later in (back + 5 * MINUTE, back + HOUR, back + DAY):
        assert tally(sweep(later)) == expected()
    assert checkin_of(sessions, candidate).due_at == MONDAY + 270 * DAY  # type: ignore[union-attr]
    assert tally(sweep(MONDAY + 270 * DAY)) == expected(messages=1, checkins=1)
    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 2})


# --- 5. Slack failing -------------------------------------------------------------------------------------------------


def test_one_429_is_retried_by_the_client_within_the_same_sweep(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions)
    [checkin_id] = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", rate_limited())

    assert tally(sweep(DUE)) == expected(messages=1, checkins=1)
    assert posts(fake_slack) == 2
    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 1})
    assert len(sent_rows(sessions)) == 1


def test_a_second_429_defers_the_checkin_until_retry_after(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions).candidate_id
    [checkin_id] = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", rate_limited(), rate_limited())

    assert tally(sweep(DUE)) == expected(deferred=1)
    assert posts(fake_slack) == 2
    assert fake_slack.messages(dm(REC)) == []
    row = checkin_of(sessions, candidate)
    assert row is not None
    assert (row.retry_at, row.claim_token, row.step) == (DUE + timedelta(seconds=1), None, 0)

    assert tally(sweep(DUE)) == expected()  # Retry-After has not passed
    assert posts(fake_slack) == 2
    assert tally(sweep(DUE + timedelta(seconds=2))) == expected(messages=1, checkins=1)
    assert posts(fake_slack) == 3
    assert tally(sweep(DUE + 5 * MINUTE)) == expected()
    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 1})
    assert len(sent_rows(sessions)) == 1


def test_a_429_storm_defers_without_spinning_and_everything_goes_out_once_it_passes(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Slack refuses every post for a while. Each storm sweep spends one post and the client's one retry after
    Retry-After, then leaves the other recruiters for the next sweep instead of being refused for each of them."""
    users = ["U0STORM1", "U0STORM2", "U0STORM3"]
    for i, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, user=user, name=f"Candidate {i} A", at=MONDAY + i * MINUTE)
    reject(sessions, user=users[2], name="Candidate 2 B", at=MONDAY + 3 * MINUTE)
    ids = checkin_ids(sessions)
    fake_slack.answer_every("chat.postMessage", rate_limited())

    storm = [DUE + HOUR, DUE + HOUR + 5 * MINUTE]
    for n, when in enumerate(storm, start=1):
        assert tally(sweep(when)) == expected(deferred=3)
        assert [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [users[0]] * 2 * n
        with sessions.begin() as session:
            rows = session.scalars(select(Checkin).order_by(Checkin.id)).all()
            assert [(r.claim_token, r.step) for r in rows] == [(None, 0)] * len(ids)  # released, not lost
            assert [r.retry_at for r in rows] == [when + timedelta(seconds=1)] + [None] * (len(ids) - 1)
    assert fake_slack.messages(dm(users[0])) == []
    assert sent_rows(sessions) == []

    fake_slack.answer_every("chat.postMessage", None)  # the storm passes
    assert tally(sweep(storm[-1] + 5 * MINUTE)) == expected(messages=3, checkins=4)
    assert tally(sweep(storm[-1] + HOUR)) == expected()
    assert posts(fake_slack) == 2 * len(storm) + 3
    assert delivered(fake_slack, users) == Counter(dict.fromkeys(ids, 1))
    assert sorted(c for c, _, _, _ in sent_rows(sessions)) == ids


def test_an_error_to_retry_that_is_not_a_rate_limit_does_not_hold_back_the_others(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    users = ["U0ODD", "U0EVEN"]
    for i, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, user=user, name=f"Candidate {i}", at=MONDAY + i * MINUTE)
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "some_new_error"}))

    assert tally(sweep(DUE + HOUR)) == expected(messages=1, checkins=1, deferred=1)
    assert [len(fake_slack.messages(dm(user))) for user in users] == [0, 1]


UNCERTAIN = {
    "http_500": lambda applied: Reply({"ok": False, "error": "internal_error"}, status=500, applied=applied),
    "bad_gateway_html": lambda applied: Reply(
        "<html><body>502 Bad Gateway</body></html>",
        status=502,
        headers={"Content-Type": "text/html"},
        applied=applied,
    ),
    "fatal_error": lambda applied: Reply({"ok": False, "error": "fatal_error"}, applied=applied),
    # Longer than the client's 1-second timeout: the connection gives up without an answer.
    "timeout": lambda applied: Reply({"ok": True, "channel": dm(REC), "ts": "1.000001"}, delay=3, applied=applied),
}


@pytest.mark.parametrize("applied", [False, True], ids=["not-posted", "posted-anyway"])
@pytest.mark.parametrize("fault", sorted(UNCERTAIN))
def test_an_uncertain_outcome_is_settled_from_history_and_never_doubled(
    fault: str,
    applied: bool,
    sweep: Sweeper,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions).candidate_id
    [checkin_id] = checkin_ids(sessions)
    sweep.client = slack_client(fake_slack, timeout=1)
    fake_slack.script("chat.postMessage", UNCERTAIN[fault](applied))

    assert tally(sweep(DUE)) == expected(deferred=1)
    row = checkin_of(sessions, candidate)
    assert row is not None
    assert row.claim_token is not None
    assert (row.claim_expires_at, row.step, row.delivery_error) == (DUE, 0, None)
    assert len(fake_slack.messages(dm(REC))) == (1 if applied else 0)
    assert sent_rows(sessions) == []

    report = sweep(DUE + 5 * MINUTE)
    if applied:
        assert tally(report) == expected(recovered=1)
        assert posts(fake_slack) == 1
    else:
        assert tally(report) == expected(messages=1, checkins=1)
        assert posts(fake_slack) == 2
    [history] = fake_slack.calls_to("conversations.history")
    assert history.params["channel"] == dm(REC)
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")

    assert tally(sweep(DUE + HOUR)) == expected()
    [message] = fake_slack.messages(dm(REC))
    assert checkins_in(message) == [checkin_id]
    assert sent_rows(sessions) == [(checkin_id, 0, dm(REC), message["ts"])]
    row = checkin_of(sessions, candidate)
    assert row is not None
    assert (row.claim_token, row.claim_expires_at, row.step, row.due_at) == (None, None, 1, MONDAY + 90 * DAY)


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "channel_not_found", "invalid_auth"])
def test_a_permanent_error_stops_retrying_and_the_others_are_still_served(
    error: str,
    sweep: Sweeper,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone, stays = "U0GONE", "U0STAYS"
    for user in (gone, stays):
        fake_slack.set_user(user, tz="UTC")
    lost = reject(sessions, user=gone, name="Ann Lost").candidate_id
    kept = reject(sessions, user=stays, name="Bob Kept", at=MONDAY + MINUTE).candidate_id
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": error}))
    caplog.set_level(logging.WARNING, logger="jobs.reminders")

    assert tally(sweep(DUE + HOUR)) == expected(messages=1, checkins=1, failed=1)
    row = checkin_of(sessions, lost)
    assert row is not None
    assert (row.delivery_error, row.delivery_failed_at, row.claim_token, row.step) == (error, DUE + HOUR, None, 0)
    [logged] = [r for r in caplog.records if r.name == "jobs.reminders" and r.levelno == logging.WARNING]
    assert gone in logged.getMessage() and error in logged.getMessage()
    assert fake_slack.messages(dm(gone)) == []
    assert delivered(fake_slack, [stays]) == Counter({checkin_of(sessions, kept).id: 1})  # type: ignore[union-attr]

    for when in (DUE + 2 * HOUR, DUE + DAY, datetime(2026, 4, 6, 9, tzinfo=UTC), MONDAY + 270 * DAY + HOUR):
        sweep(when)
    assert [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [gone, stays, stays, stays]
    assert fake_slack.messages(dm(gone)) == []
    assert checkin_of(sessions, lost).delivery_error == error  # type: ignore[union-attr]


MALFORMED = ["not json at all", '{"ok": true, "channel": "DU0']


@pytest.mark.parametrize(
    ("body", "applied"),
    [
        (MALFORMED[0], False),
        pytest.param(MALFORMED[0], True),
        (MALFORMED[1], False),
        (MALFORMED[1], True),
    ],
    ids=["garbage", "garbage-posted-anyway", "truncated", "truncated-posted-anyway"],
)
def test_malformed_json_from_slack_neither_crashes_the_sweep_nor_loses_or_doubles_a_checkin(
    body: str,
    applied: bool,
    sweep: Sweeper,
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
) -> None:
    broken, fine = "U0BROKEN", "U0FINE"
    for user in (broken, fine):
        fake_slack.set_user(user, tz="UTC")
    reject(sessions, user=broken, name="Ann Broken")
    reject(sessions, user=fine, name="Bob Fine", at=MONDAY + MINUTE)
    ids = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", Reply(body, applied=applied))

    report = sweep(DUE + HOUR)
    assert (report.messages, report.checkins, report.deferred + report.failed) == (1, 1, 1)
    assert len(fake_slack.messages(dm(fine))) == 1

    # Sweeps every five minutes until well past the claim's lease.
    when = DUE + HOUR
    while when < DUE + HOUR + LEASE + 10 * MINUTE:
        when += 5 * MINUTE
        sweep(when)
    assert delivered(fake_slack, [broken, fine]) == Counter(dict.fromkeys(ids, 1))
    assert sorted(c for c, _, _, _ in sent_rows(sessions)) == ids


@pytest.mark.parametrize(
    "body",
    [
        "<html>oops</html>",
        pytest.param('{"ok": true, "messages": ['),
    ],
    ids=["garbage", "truncated"],
)
def test_malformed_history_neither_crashes_the_sweep_nor_doubles_the_reminder(
    body: str, sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    other = "U0OTHER"
    for user in (REC, other):
        fake_slack.set_user(user, tz="UTC")
    reject(sessions)
    reject(sessions, user=other, name="Bob Other", at=MONDAY + MINUTE)
    ids = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=True))
    assert tally(sweep(DUE)) == expected(deferred=1)

    fake_slack.script("conversations.history", Reply(body))
    # Could not check: the claim is kept and nothing is posted to REC; the other recruiter is still served.
    assert tally(sweep(DUE + 5 * MINUTE)) == expected(messages=1, checkins=1)
    assert posts(fake_slack) == 2
    assert tally(sweep(DUE + 10 * MINUTE)) == expected(recovered=1)
    assert posts(fake_slack) == 2
    assert delivered(fake_slack, [REC, other]) == Counter(dict.fromkeys(ids, 1))
    assert len(sent_rows(sessions)) == 2


# --- 6a. Exactly once with concurrent sweeps in one process -----------------------------------------------------------


def test_concurrent_sweeps_in_threads_deliver_every_checkin_exactly_once(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    users = [f"U0T{i:02d}" for i in range(8)]
    for i, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, user=user, name=f"Candidate {i:02d} A", at=MONDAY + i * MINUTE)
        reject(sessions, user=user, name=f"Candidate {i:02d} B", at=MONDAY + i * MINUTE)
    ids = checkin_ids(sessions)
    assert len(ids) == 16
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    reports: list[SweepReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        client = slack_client(fake_slack)
        barrier.wait()
        try:
            reports.append(run_reminders(sessions=sessions, client=client, settings=settings, now=DUE + HOUR))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(reports) == threads_count
    assert sum(r.messages for r in reports) == len(users)
    assert sum(r.checkins for r in reports) == len(ids)
    assert sum(r.failed + r.deferred for r in reports) == 0
    assert posts(fake_slack) == len(users)
    assert delivered(fake_slack, users) == Counter(dict.fromkeys(ids, 1))
    assert [len(fake_slack.messages(dm(user))) for user in users] == [1] * len(users)
    rows = sent_rows(sessions)
    assert sorted(c for c, _, _, _ in rows) == ids
    assert {step for _, step, _, _ in rows} == {0}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_sweeps_settling_the_same_claim_at_once_both_finish(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, sweep: Sweeper
) -> None:
    """PostgreSQL only: SQLite's BEGIN IMMEDIATE runs the two settles one after the other, so they cannot overlap.

    The two sweeps are made to meet just before each locks the claimed rows to record the DM, so the overlap that
    two processes would hit by chance happens every time: one records it, the other then finds the claim released.
    """
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions)
    [checkin_id] = checkin_ids(sessions)
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=True))
    assert tally(sweep(DUE)) == expected(deferred=1)

    meet = threading.Barrier(2)
    met: set[int] = set()

    def before_insert(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "FOR UPDATE" in statement.upper() and threading.get_ident() not in met:
            met.add(threading.get_ident())
            meet.wait(timeout=10)

    event.listen(engine, "before_cursor_execute", before_insert)
    reports: list[SweepReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            reports.append(
                run_reminders(sessions=sessions, client=slack_client(fake_slack), settings=settings, now=DUE + HOUR)
            )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(engine, "before_cursor_execute", before_insert)

    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 1})
    assert posts(fake_slack) == 1
    assert len(sent_rows(sessions)) == 1
    assert errors == []
    assert sorted(r.recovered for r in reports) == [0, 1]


# --- 7. A sweep that dies part way ------------------------------------------------------------------------------------


def test_a_sweep_that_never_heard_back_is_settled_after_the_lease_without_loss_or_doubles(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """Three recruiters: Slack posted and never answered; Slack failed with a 500; Slack answered normally."""
    users = ["U0POSTED", "U0FAILED", "U0NORMAL"]
    for i, user in enumerate(users):
        fake_slack.set_user(user, tz="UTC")
        reject(sessions, user=user, name=f"Candidate {i}", at=MONDAY + i * MINUTE)
    ids = checkin_ids(sessions)
    sweep.client = slack_client(fake_slack, timeout=1)
    fake_slack.script(
        "chat.postMessage",
        Reply({"ok": True}, delay=3, applied=True),
        Reply({"ok": False, "error": "internal_error"}, status=500),
    )

    assert tally(sweep(DUE + HOUR)) == expected(messages=1, checkins=1, deferred=2)
    assert [len(fake_slack.messages(dm(user))) for user in users] == [1, 0, 1]

    assert tally(sweep(DUE + HOUR + LEASE + MINUTE)) == expected(messages=1, checkins=1, recovered=1)
    assert tally(sweep(DUE + 2 * HOUR)) == expected()
    assert posts(fake_slack) == 4
    assert delivered(fake_slack, users) == Counter(dict.fromkeys(ids, 1))
    assert sorted(c for c, _, _, _ in sent_rows(sessions)) == ids


def test_a_live_claim_is_left_alone_until_its_lease_expires(
    sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """A sweep that claimed rows and died (no answer ever recorded) holds them for LEASE, then they are settled."""
    fake_slack.set_user(REC, tz="UTC")
    candidate = reject(sessions).candidate_id
    [checkin_id] = checkin_ids(sessions)
    # The claim a sweep writes just before posting, as left behind by a process killed during the post.
    with sessions.begin() as session:
        row = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate)).one()
        row.claim_token, row.claimed_at, row.claim_expires_at = str(uuid.uuid4()), DUE, DUE + LEASE
    refresh_timezone(sessions=sessions, client=sweep.client, team_id=TEAM, user_id=REC, now=DUE)

    assert tally(sweep(DUE + LEASE - MINUTE)) == expected()
    assert fake_slack.calls_to("conversations.history") == []
    assert posts(fake_slack) == 0
    assert tally(sweep(DUE + LEASE)) == expected(messages=1, checkins=1)
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert delivered(fake_slack, [REC]) == Counter({checkin_id: 1})
