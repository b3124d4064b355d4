"""Handover when a recruiter leaves, end to end on SQLite and PostgreSQL: the user_change event and a refused DM as
Slack sends them, the reminder sweep and the admins' departure DMs run with an explicit `now`, the picker chosen in
the DM and on Home, and `/rejected handover`, all signed over HTTP against the fake Slack.

Every test counts what was kept warm before and after (candidates, streams with their step and due date, rejections)
so that nothing is lost or moved twice, and counts the new owner's DMs exactly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.ids import HANDOVER_PICK
from jobs.ats_notices import run_notices
from jobs.departures import run_departures
from jobs.reminders import run_reminders
from jobs.role_alerts import deliver_role_alerts
from models import AtsNotice, AuditEntry, Candidate, Checkin, DepartureNotice, Recruiter, Rejection, Role, RoleAlert
from models.base import utcnow
from testkit.data import apply_ats, ats_rejected, reject
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, open_home, run
from testkit.slack_http import (
    event_body,
    home_user_choice_payload,
    interactive_body,
    message_user_choice_payload,
    post_signed,
    user_change_event,
)
from testkit.sweeps import checkins_in, dm, slack_client

TEAM = "T0TEST"
ADMIN, ADMIN2 = "U0ADMIN", "U0ADMIN2"
ALEX, BEA, CAL = "U0ALEX", "U0BEA", "U0CAL"
DAY = timedelta(days=1)
LINE = f"<@{ALEX}> left: 4 candidates, 2 check-ins due"


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": f"{ADMIN},{ADMIN2}"}


def next_working_morning(after: datetime) -> datetime:
    """10:00 UTC on the first weekday after `after`: inside everyone's working hours (their zone is UTC here)."""
    day = (after + DAY).replace(hour=10, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day += DAY
    return day


def tokyo_morning(sweep_at: datetime) -> datetime:
    """09:30 in Tokyo after a 10:00 UTC sweep: the next day there, or Monday when that is Saturday."""
    morning = sweep_at + timedelta(hours=14, minutes=30)
    return morning + 2 * DAY if morning.weekday() == 5 else morning


@dataclass(frozen=True)
class World:
    now: datetime  # when the data was made (the app's own clock)
    sweep_at: datetime  # a working morning when Alex's two due check-ins are still due and the rest are not
    ann: int
    ben: int
    cai: int
    dee: int
    eve: int
    cal: int
    due_checkins: tuple[int, int]


@pytest.fixture
def world(running: RunningApp, fake_slack: FakeSlack) -> World:
    """Alex keeps four candidates warm: two check-ins due, one later, and one weak rejection without a stream.
    Bea and Cal have their own."""
    for user in (ALEX, BEA, CAL, ADMIN, ADMIN2):
        fake_slack.set_user(user, tz="UTC", name=user.lower())
    now = utcnow()
    s = running.sessions
    ann = reject(s, "Ann Archer", "Senior Backend Engineer", tags="python", user=ALEX, at=now - 20 * DAY)
    ben = reject(s, "Ben Baker", "Product Designer", stage="interview", rating=4, user=ALEX, at=now - 30 * DAY)
    cai = reject(s, "Cai Chen", "Staff Backend Engineer", tags="python, go", user=ALEX, at=now - DAY)
    dee = reject(s, "Dee Dunn", "Data Analyst", stage="screen", rating=2, user=ALEX, at=now - 5 * DAY)
    eve = reject(s, "Eve Evans", "Staff Backend Engineer", user=BEA, at=now - DAY)
    cal = reject(s, "Cyd Cole", "Senior Backend Engineer", user=CAL, at=now - 20 * DAY)
    assert dee.checkin_id is None and None not in (ann.checkin_id, ben.checkin_id, cai.checkin_id)
    return World(
        now=now,
        sweep_at=next_working_morning(now),
        ann=ann.candidate_id,
        ben=ben.candidate_id,
        cai=cai.candidate_id,
        dee=dee.candidate_id,
        eve=eve.candidate_id,
        cal=cal.candidate_id,
        due_checkins=(ann.checkin_id, ben.checkin_id),  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------------------------------------------------
# What the database and Slack show.
# ---------------------------------------------------------------------------------------------------------------------


def owners(app: RunningApp) -> dict[int, str]:
    """Each candidate's owner as matching and the digest show it: the stream's recruiter, else the rejection's."""
    with app.sessions() as session:
        found = {}
        for candidate in session.scalars(select(Candidate).order_by(Candidate.id)):
            stream = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate.id)).one_or_none()
            if stream is not None:
                found[candidate.id] = stream.recruiter.user_id
            else:
                rejection = session.scalars(select(Rejection).where(Rejection.candidate_id == candidate.id)).one()
                found[candidate.id] = rejection.recruiter.user_id
        return found


def streams(app: RunningApp) -> dict[int, tuple[str, int, datetime, str, str | None]]:
    """Every check-in stream: its candidate's (status, step, due date, recruiter, delivery error)."""
    with app.sessions() as session:
        return {
            c.candidate_id: (c.status, c.step, c.due_at, c.recruiter.user_id, c.delivery_error)
            for c in session.scalars(select(Checkin))
        }


def rejection_owners(app: RunningApp) -> dict[int, str]:
    with app.sessions() as session:
        return {r.candidate_id: r.recruiter.user_id for r in session.scalars(select(Rejection))}


def departed_at(app: RunningApp, user: str) -> datetime | None:
    with app.sessions() as session:
        return session.scalars(select(Recruiter.departed_at).where(Recruiter.user_id == user)).one()


def handed_over_entries(app: RunningApp) -> list[tuple[int | None, str, str, str | None]]:
    with app.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.act == "handed_over").order_by(AuditEntry.id))
        return [(e.candidate_id, e.actor, e.source, e.detail) for e in rows]


def sweep(app: RunningApp, fake: FakeSlack, at: datetime) -> Any:
    return run_reminders(sessions=app.sessions, client=slack_client(fake), settings=app.settings, now=at)


def tell_admins(app: RunningApp, fake: FakeSlack, at: datetime) -> Any:
    return run_departures(sessions=app.sessions, client=slack_client(fake), settings=app.settings, now=at)


def leave(app: RunningApp, user: str, *, deleted: bool = True, team: str = TEAM, user_team: str = TEAM) -> None:
    """Send the user_change event; Bolt runs its listener after the acknowledgement, so wait for its effect (or, for
    an event that must change nothing, long enough for it to have run)."""
    event = user_change_event(user, deleted=deleted, team_id=user_team)
    reply = post_signed(app.events_url, event_body(event, team_id=team), content_type="application/json")
    assert reply.status == 200
    expect_change = team == user_team == TEAM and user in (ALEX, BEA)
    deadline = time.monotonic() + (5 if expect_change else 0.5)
    while time.monotonic() < deadline:
        if expect_change and (departed_at(app, user) is not None) == deleted:
            return
        time.sleep(0.02)


def texts(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
    return "\n".join(parts)


def pickers(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("accessory", {}).get("action_id") == HANDOVER_PICK]


def pick_in_dm(
    app: RunningApp, fake: FakeSlack, message: dict[str, Any], channel: str, person: str, *, user: str = ADMIN
) -> None:
    [picker] = pickers(message["blocks"])
    payload = message_user_choice_payload(
        action_id=HANDOVER_PICK,
        block_id=picker["block_id"],
        selected_user=person,
        channel_id=channel,
        message_ts=message["ts"],
        response_url=fake.response_url("pick"),
        user_id=user,
    )
    reply = post_signed(app.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")


def reminders_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    """The reminder DMs in `user`'s DM channel (the new owner's summary is there too)."""
    return [m for m in fake.messages(dm(user)) if checkins_in(m)]


def dms_to(fake: FakeSlack, user: str) -> list[str]:
    """The texts of DMs posted to `user` outside the sweeps (which mark theirs with a claim token)."""
    return [
        c.params["text"]
        for c in fake.calls_to("chat.postMessage")
        if c.params["channel"] == user and "metadata" not in c.params
    ]


def command(app: RunningApp, text: str, *, user: str = ADMIN, team: str = TEAM) -> str:
    return run(app, f"handover {text}", user_id=user, team_id=team)["text"]


# ---------------------------------------------------------------------------------------------------------------------
# By event: held, told to the admins once, handed over by the picker in a DM, and sent to the new owner.
# ---------------------------------------------------------------------------------------------------------------------


def test_a_deactivated_recruiter_is_held_then_handed_over_from_the_admins_dm_with_nothing_lost(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    before_streams, before_counts = streams(running), row_counts(running.engine)
    leave(running, ALEX)
    first = departed_at(running, ALEX)
    assert first is not None
    leave(running, ALEX)  # Slack sends user_change again (a profile edit while deactivated): the first instant stands
    assert departed_at(running, ALEX) == first

    # Held: the sweep sends Alex nothing, fails nothing and moves nothing; Cal's due check-in goes out as ever.
    report = sweep(running, fake_slack, world.sweep_at)
    assert (report.checkins, report.failed) == (1, 0)
    assert fake_slack.messages(dm(ALEX)) == []
    assert streams(running) == {**before_streams, world.cal: streams(running)[world.cal]}

    # Each admin is told once, with the line and the picker.
    assert tell_admins(running, fake_slack, world.sweep_at).messages == 2
    assert tell_admins(running, fake_slack, world.sweep_at + timedelta(hours=1)).messages == 0
    for admin in (ADMIN, ADMIN2):
        [message] = fake_slack.messages(dm(admin))
        assert LINE in texts(message)
        [picker] = pickers(message["blocks"])
        assert picker["accessory"]["placeholder"]["text"] == "Hand over to…"

    # The admin picks Bea in their DM: everything moves at once.
    [message] = fake_slack.messages(dm(ADMIN))
    pick_in_dm(running, fake_slack, message, dm(ADMIN), BEA)
    fake_slack.wait_for("chat.update", count=2)
    after = streams(running)
    mine = (world.ann, world.ben, world.cai)
    assert {c: after[c][:3] for c in mine} == {c: before_streams[c][:3] for c in mine}  # same steps and dates
    assert {c: after[c][3] for c in mine} == dict.fromkeys(mine, BEA)
    assert owners(running) == {
        world.ann: BEA,
        world.ben: BEA,
        world.cai: BEA,
        world.dee: BEA,
        world.eve: BEA,
        world.cal: CAL,
    }
    assert rejection_owners(running)[world.dee] == BEA
    detail = f"from {ALEX} to {BEA}"
    assert handed_over_entries(running) == [
        (c, ADMIN, "button", detail) for c in sorted((world.ann, world.ben, world.cai, world.dee))
    ]
    counts = row_counts(running.engine)
    for table in ("candidates", "rejections", "checkins"):
        assert counts[table] == before_counts[table], table

    # Bea is told once; both admins' DMs now say who handed over to whom.
    [told] = dms_to(fake_slack, BEA)
    assert told == f"You now keep warm 4 candidates from <@{ALEX}>; 2 check-ins are due."
    for admin in (ADMIN, ADMIN2):
        [updated] = fake_slack.messages(dm(admin))
        assert f"<@{ADMIN}> handed what <@{ALEX}> kept warm over to <@{BEA}>" in texts(updated)
        assert pickers(updated["blocks"]) == []

    # The held check-ins go out in Bea's next sweep, once; Alex still gets nothing.
    report = sweep(running, fake_slack, world.sweep_at + timedelta(minutes=5))
    assert report.checkins == 2
    [reminder] = reminders_to(fake_slack, BEA)
    assert sorted(checkins_in(reminder)) == sorted(world.due_checkins)
    assert sweep(running, fake_slack, world.sweep_at + timedelta(minutes=10)).checkins == 0
    assert fake_slack.messages(dm(ALEX)) == []
    assert len(dms_to(fake_slack, BEA)) == 1

    # The second admin picks too, late: nothing moves twice, and they are told who took it.
    [other] = fake_slack.messages(dm(ADMIN2))
    stale = {**other, "blocks": message["blocks"]}  # the picker as they still see it
    pick_in_dm(running, fake_slack, stale, dm(ADMIN2), CAL, user=ADMIN2)
    [answer] = fake_slack.wait_for("response_url")
    assert answer.params["text"] == (
        f"Nothing left to hand over: <@{ADMIN}> already handed what <@{ALEX}> kept warm to <@{BEA}>. Nothing changed."
    )
    assert len(handed_over_entries(running)) == 4
    assert owners(running)[world.ann] == BEA


def test_a_departure_shows_on_the_admins_home_and_the_picker_there_hands_over(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, ALEX)
    start = len(fake_slack.calls_to("views.publish"))
    open_home(running, user_id=ADMIN)
    view = fake_slack.wait_for("views.publish", count=start + 1)[-1].params["view"]
    [picker] = pickers(view["blocks"])
    assert picker["text"]["text"] == LINE
    assert picker["accessory"]["placeholder"]["text"] == "Hand over to…"

    open_home(running, user_id=BEA)  # not an admin: no such section
    view = fake_slack.wait_for("views.publish", count=start + 2)[-1].params["view"]
    assert pickers(view["blocks"]) == []

    payload = home_user_choice_payload(
        view={"type": "home", "blocks": []},
        action_id=HANDOVER_PICK,
        block_id=picker["block_id"],
        selected_user=BEA,
        user_id=ADMIN,
    )
    assert post_signed(running.events_url, interactive_body(payload)).status == 200
    redrawn = fake_slack.wait_for("views.publish", count=start + 3)[-1].params["view"]
    assert redrawn["blocks"][1]["text"]["text"] == (
        f"Moved 4 candidates and 3 check-ins from <@{ALEX}> to <@{BEA}>. <@{BEA}> gets a DM saying what they now "
        "keep warm."
    )
    assert pickers(redrawn["blocks"]) == []  # nothing left held
    assert len(dms_to(fake_slack, BEA)) == 1
    assert [e[2] for e in handed_over_entries(running)] == ["button"] * 4
    # Nothing is held any more, so no admin is told of it later.
    assert tell_admins(running, fake_slack, world.sweep_at).messages == 0


def test_two_admins_picking_at_once_move_everything_once(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, ALEX)
    with running.sessions() as session:
        alex_id = session.scalars(select(Recruiter.id).where(Recruiter.user_id == ALEX)).one()

    def pick(admin: str, person: str) -> None:
        payload = home_user_choice_payload(
            view={"type": "home", "blocks": []},
            action_id=HANDOVER_PICK,
            block_id=f"handover:{alex_id}",
            selected_user=person,
            user_id=admin,
        )
        assert post_signed(running.events_url, interactive_body(payload)).status == 200

    threads = [threading.Thread(target=pick, args=args) for args in ((ADMIN, BEA), (ADMIN2, CAL))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for("views.publish", count=2)
    entries = handed_over_entries(running)
    assert len(entries) == 4
    [winner] = {detail for *_, detail in entries}
    taker = BEA if winner.endswith(BEA) else CAL
    assert {owners(running)[c] for c in (world.ann, world.ben, world.cai, world.dee)} == {taker}
    told = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in (BEA, CAL)]
    assert [c.params["channel"] for c in told] == [taker]


def test_a_reactivated_recruiter_has_their_candidates_back_and_their_check_ins_go_out_again(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, ALEX)
    sweep(running, fake_slack, world.sweep_at)
    assert fake_slack.messages(dm(ALEX)) == []
    fake_slack.set_user(ADMIN2, tz="Asia/Tokyo")  # after hours: their DM is not sent yet
    assert tell_admins(running, fake_slack, world.sweep_at).messages == 1
    [told] = fake_slack.messages(dm(ADMIN))
    assert len(pickers(told["blocks"])) == 1

    leave(running, ALEX, deleted=False)
    assert departed_at(running, ALEX) is None
    fake_slack.wait_for("chat.update")
    [redrawn] = fake_slack.messages(dm(ADMIN))
    assert redrawn["ts"] == told["ts"] and pickers(redrawn["blocks"]) == []
    assert f"<@{ALEX}> is back and keeps their candidates: nothing to hand over." in texts(redrawn)
    assert tell_admins(running, fake_slack, tokyo_morning(world.sweep_at)).messages == 0  # their DM was dropped
    assert fake_slack.messages(dm(ADMIN2)) == []
    report = sweep(running, fake_slack, world.sweep_at + timedelta(minutes=5))
    assert report.checkins == 2
    [reminder] = reminders_to(fake_slack, ALEX)
    assert sorted(checkins_in(reminder)) == sorted(world.due_checkins)


# ---------------------------------------------------------------------------------------------------------------------
# By refused delivery.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found"])
def test_a_dm_refused_because_the_recruiter_is_gone_holds_their_check_ins_instead_of_failing_them(
    running: RunningApp, fake_slack: FakeSlack, world: World, error: str
) -> None:
    fake_slack.set_user(ALEX, tz="UTC", deleted=True)
    before = streams(running)
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": error}))  # Alex's DM: the first posted
    report = sweep(running, fake_slack, world.sweep_at)
    assert report.failed == 1
    assert departed_at(running, ALEX) is not None
    assert streams(running) == {**before, world.cal: streams(running)[world.cal]}  # no error kept, nothing moved

    # Held from now on: not tried again, not listed among the refused deliveries; the admins are told.
    posted = len(fake_slack.calls_to("chat.postMessage"))
    sweep(running, fake_slack, world.sweep_at + timedelta(hours=1))
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")[posted:]] == []
    assert tell_admins(running, fake_slack, world.sweep_at + timedelta(hours=1)).messages == 2
    [message] = fake_slack.messages(dm(ADMIN))
    assert LINE in texts(message)


def test_a_refusal_for_someone_slack_still_knows_is_not_a_departure(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    """`account_inactive` also answers a token whose workspace is gone: users.info decides, so nobody is held."""
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "account_inactive"}))
    sweep(running, fake_slack, world.sweep_at)
    assert departed_at(running, ALEX) is None
    assert {streams(running)[c][4] for c in (world.ann, world.ben)} == {"account_inactive"}


# ---------------------------------------------------------------------------------------------------------------------
# By command.
# ---------------------------------------------------------------------------------------------------------------------


def test_the_command_moves_everything_from_a_recruiter_who_has_not_left(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    before = streams(running)
    answer = command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>")
    assert answer == (
        f"Moved 4 candidates and 3 check-ins from <@{ALEX}> to <@{BEA}>. <@{BEA}> gets a DM saying what they now "
        "keep warm."
    )
    assert {c: streams(running)[c] for c in (world.ann, world.ben, world.cai)} == {
        c: (*before[c][:3], BEA, None) for c in (world.ann, world.ben, world.cai)
    }
    assert [e[1:3] for e in handed_over_entries(running)] == [(ADMIN, "command")] * 4
    assert dms_to(fake_slack, BEA) == [f"You now keep warm 4 candidates from <@{ALEX}>; 2 check-ins are due."]
    assert command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>") == (
        f"<@{ALEX}> keeps no candidates warm that match. Nothing changed."
    )
    report = sweep(running, fake_slack, world.sweep_at)
    assert report.checkins == 3  # Bea: Alex's two, and Cal's own to Cal
    [reminder] = reminders_to(fake_slack, BEA)
    assert sorted(checkins_in(reminder)) == sorted(world.due_checkins)


@pytest.mark.parametrize(
    ("options", "moved", "answer"),
    [
        ("--tag PYTHON", "ann cai", "Moved 2 candidates and 2 check-ins"),
        ("--role backend", "ann cai", "Moved 2 candidates and 2 check-ins"),
        ("--role Product Designer", "ben", "Moved 1 candidate and 1 check-in"),
        ("--tag python --role staff", "cai", "Moved 1 candidate and 1 check-in"),
        ("--role analyst", "dee", "Moved 1 candidate and 0 check-ins"),
    ],
)
def test_the_command_moves_only_the_tag_or_role_asked_for(
    running: RunningApp, fake_slack: FakeSlack, world: World, options: str, moved: str, answer: str
) -> None:
    reply = command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea> {options}")
    assert reply.startswith(f"{answer} from <@{ALEX}> to <@{BEA}>."), reply
    names = {"ann": world.ann, "ben": world.ben, "cai": world.cai, "dee": world.dee}
    expected = {c: (BEA if name in moved.split() else ALEX) for name, c in names.items()}
    assert {c: owners(running)[c] for c in names.values()} == expected
    assert sorted(e[0] for e in handed_over_entries(running)) == sorted(names[n] for n in moved.split())
    assert len(dms_to(fake_slack, BEA)) == 1


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("", "Name two people"),
        (f"<@{ALEX}|u0alex>", "Name two people"),
        ("@alex @bea", "@alex is not a person Slack recognised"),
        (f"<@{ALEX}|u0alex> <@{BEA}|u0bea> --team x", "Unknown option --team"),
        (f"<@{ALEX}|u0alex> <@{BEA}|u0bea> --tag", "--tag needs a value"),
        (f"<@{ALEX}|u0alex> <@{BEA}|u0bea> --tag a --tag b", "Give --tag once."),
        (f"<@{ALEX}|u0alex> <@{ALEX}|u0alex>", f"<@{ALEX}> already keeps them warm"),
        (f"<@{ALEX}|u0alex> <@U0NOBODY|ghost>", "<@U0NOBODY> is not a member of this workspace"),
        (f"<@{ALEX}|u0alex> <@U0GONE|gone>", "<@U0GONE> has left the workspace"),
        (f"<@{ALEX}|u0alex> <@U0ROBOT|robot>", "<@U0ROBOT> is a bot"),
        (f"<@{BEA}|u0bea> <@{ALEX}|u0alex> --tag nothing-like-it", f"<@{BEA}> keeps no candidates warm that match"),
        (f"<@U0NOBODY|ghost> <@{BEA}|u0bea>", "<@U0NOBODY> keeps no candidates warm that match"),
    ],
)
def test_the_command_explains_what_it_cannot_do_and_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, world: World, text: str, answer: str
) -> None:
    fake_slack.set_user("U0GONE", tz="UTC", deleted=True)
    fake_slack.set_user("U0ROBOT", tz="UTC", is_bot=True)
    before = row_counts(running.engine), owners(running)
    reply = command(running, text)
    assert answer in reply, reply
    assert "Nothing changed" in reply or "Usage:" in reply
    assert (row_counts(running.engine), owners(running)) == before
    assert dms_to(fake_slack, BEA) == []


def test_handing_over_to_someone_who_left_too_is_refused(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, BEA)
    fake_slack.set_user(BEA, tz="UTC", deleted=True)
    before = owners(running)
    assert command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>") == (
        f"<@{BEA}> has left the workspace, so they cannot take candidates over: choose a colleague. Nothing changed."
    )
    assert owners(running) == before


# ---------------------------------------------------------------------------------------------------------------------
# Hostile: not an admin, another team's ids, forged events.
# ---------------------------------------------------------------------------------------------------------------------


def test_a_recruiter_who_is_not_an_admin_cannot_hand_over_by_command_or_picker(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, ALEX)
    before = row_counts(running.engine), owners(running)
    assert command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>", user=BEA) == (
        "Only Keepwarm admins can hand a recruiter's candidates over to someone else. Nothing changed."
    )
    with running.sessions() as session:
        alex_id = session.scalars(select(Recruiter.id).where(Recruiter.user_id == ALEX)).one()
    payload = home_user_choice_payload(
        view={"type": "home", "blocks": []},
        action_id=HANDOVER_PICK,
        block_id=f"handover:{alex_id}",
        selected_user=BEA,
        user_id=BEA,
    )
    assert post_signed(running.events_url, interactive_body(payload)).status == 200
    view = fake_slack.wait_for("views.publish")[-1].params["view"]
    assert view["blocks"][1]["text"]["text"].startswith("Only Keepwarm admins can hand")
    assert (row_counts(running.engine), owners(running)) == before
    assert dms_to(fake_slack, BEA) == []


def test_another_teams_ids_move_nothing(running: RunningApp, fake_slack: FakeSlack, world: World) -> None:
    other = reject(running.sessions, "Oli Other", team="T0OTHER", user="U0OTHER", at=world.now - 20 * DAY)
    with running.sessions() as session:
        other_recruiter = session.scalars(select(Recruiter.id).where(Recruiter.user_id == "U0OTHER")).one()
    leave(running, ALEX)
    before = row_counts(running.engine), owners(running)

    # A picker naming the other team's recruiter, from this team's admin.
    payload = home_user_choice_payload(
        view={"type": "home", "blocks": []},
        action_id=HANDOVER_PICK,
        block_id=f"handover:{other_recruiter}",
        selected_user=BEA,
        user_id=ADMIN,
    )
    assert post_signed(running.events_url, interactive_body(payload)).status == 200
    view = fake_slack.wait_for("views.publish")[-1].params["view"]
    assert view["blocks"][1]["text"]["text"] == "That recruiter is not one of this workspace's. Nothing changed."

    # A signed command from the other team naming this team's people: they are not its members.
    assert command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>", team="T0OTHER") == (
        f"<@{BEA}> is not a member of this workspace, so they cannot take candidates over: choose a colleague. "
        "Nothing changed."
    )
    # A forged block id that is not a number, and a picker with nobody chosen.
    for block_id, person in (("handover:1 OR 1=1", BEA), (f"handover:{other_recruiter}", "")):
        payload = home_user_choice_payload(
            view={"type": "home", "blocks": []},
            action_id=HANDOVER_PICK,
            block_id=block_id,
            selected_user=person,
            user_id=ADMIN,
        )
        assert post_signed(running.events_url, interactive_body(payload)).status == 200
    assert (row_counts(running.engine), owners(running)) == before
    assert dms_to(fake_slack, BEA) == []
    assert owners(running)[other.candidate_id] == "U0OTHER"


def test_a_user_change_naming_another_team_or_an_unknown_user_changes_nothing(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    before = row_counts(running.engine)
    leave(running, ALEX, user_team="T0OTHER")  # a user object of another team in this team's envelope
    leave(running, ALEX, team="T0OTHER", user_team="T0OTHER")  # another team's event: Alex is not theirs
    leave(running, "U0STRANGER")  # never used Keepwarm: holds nothing, no row made
    assert departed_at(running, ALEX) is None
    assert row_counts(running.engine) == before
    with running.sessions() as session:
        assert session.scalars(select(DepartureNotice)).all() == []


def test_the_user_change_fixture_is_shaped_as_slack_documents_it() -> None:
    """Slack's reference example: the user object whole, then cache_ts and event_ts; `deleted` is a boolean."""
    event = user_change_event(ALEX, deleted=True)
    assert set(event) == {"type", "user", "cache_ts", "event_ts"}
    assert event["user"]["deleted"] is True
    assert {"id", "team_id", "name", "deleted", "real_name", "tz", "profile", "is_bot", "updated"} <= set(event["user"])
    assert datetime.fromtimestamp(event["cache_ts"], UTC) <= utcnow()


def test_pending_ats_notices_wait_while_held_and_go_to_the_new_owner(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    [notice_id] = apply_ats(running.sessions, ats_rejected(user=ALEX, at=world.now), users=(ALEX,), at=world.now)
    leave(running, ALEX)

    def notices(at: datetime) -> Any:
        return run_notices(
            sessions=running.sessions, client=slack_client(fake_slack), settings=running.settings, now=at
        )

    assert notices(world.sweep_at).notices == 0  # held: not sent to Alex, not failed
    assert command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>").startswith(
        f"Moved 4 candidates and 3 check-ins from <@{ALEX}> to <@{BEA}>, and 1 ATS notice waiting for them."
    )
    assert dms_to(fake_slack, BEA) == [
        f"You now keep warm 4 candidates from <@{ALEX}>; 2 check-ins are due, and 1 ATS notice waits for you."
    ]
    assert notices(world.sweep_at + timedelta(minutes=5)).notices == 1
    with running.sessions() as session:
        notice = session.get_one(AtsNotice, notice_id)
        assert (notice.recruiter.user_id, notice.channel) == (BEA, dm(BEA))
    assert fake_slack.messages(dm(ALEX)) == []


def test_admins_are_told_inside_their_own_working_hours_once_each(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    fake_slack.set_user(ADMIN2, tz="Asia/Tokyo")  # 10:00 UTC is 19:00 in Tokyo: after hours
    leave(running, ALEX)
    report = tell_admins(running, fake_slack, world.sweep_at)
    assert (report.messages, report.waiting_for_working_hours) == (1, 1)
    assert fake_slack.messages(dm(ADMIN2)) == []
    assert tell_admins(running, fake_slack, tokyo_morning(world.sweep_at)).messages == 1
    [message] = fake_slack.messages(dm(ADMIN2))
    assert LINE in texts(message)
    assert tell_admins(running, fake_slack, tokyo_morning(world.sweep_at) + DAY).messages == 0
    assert len(fake_slack.messages(dm(ADMIN))) == 1


class TestNoAdminToTell:
    """A single-workspace install without ADMIN_USER_IDS, or whose only admin left: nobody may hand over."""

    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": ALEX}

    def test_the_departure_stays_held_and_every_run_says_so(
        self, running: RunningApp, fake_slack: FakeSlack, world: World, caplog: pytest.LogCaptureFixture
    ) -> None:
        leave(running, ALEX)
        for hours in (0, 1):
            report = tell_admins(running, fake_slack, world.sweep_at + timedelta(hours=hours))
            assert (report.unattended, report.queued, report.messages) == (1, 0, 0)
            assert report.summary().endswith(", 1 held with no admin to tell")
        assert f"{ALEX} left, holding 4 candidate(s), and no admin (ADMIN_USER_IDS)" in caplog.text
        assert sweep(running, fake_slack, world.sweep_at).checkins == 1  # Cal's; Alex's two stay held
        assert reminders_to(fake_slack, ALEX) == []
        assert sorted(owners(running).values()).count(ALEX) == 4


class TestDailyCap:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"ADMIN_USER_IDS": f"{ADMIN},{ADMIN2}", "CHECKINS_PER_DAY": "1"}

    def test_held_check_ins_reach_the_new_owner_within_the_daily_cap(
        self, running: RunningApp, fake_slack: FakeSlack, world: World
    ) -> None:
        leave(running, ALEX)
        command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>")
        assert sweep(running, fake_slack, world.sweep_at).checkins == 2  # one to Bea, Cal's one to Cal
        assert sweep(running, fake_slack, world.sweep_at + timedelta(hours=1)).checkins == 0  # Bea's day is spent
        next_day = next_working_morning(world.sweep_at)
        assert sweep(running, fake_slack, next_day).checkins == 1
        sent = [c for m in reminders_to(fake_slack, BEA) for c in checkins_in(m)]
        assert sorted(sent) == sorted(world.due_checkins)


def test_a_reopen_alert_waiting_for_a_recruiter_who_left_reaches_the_new_owner(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    with running.sessions.begin() as session:
        role = Role(team_id=TEAM, title="Senior Backend Engineer", tags=[])
        session.add(role)
        session.flush()
        for user in (ALEX, CAL):  # as /role reopen leaves it: one alert per owner of a finalist
            recruiter = session.scalars(select(Recruiter).where(Recruiter.user_id == user)).one()
            session.add(RoleAlert(team_id=TEAM, role_id=role.id, recruiter_id=recruiter.id))
    leave(running, ALEX)

    def alerts(at: datetime) -> Any:
        client = slack_client(fake_slack)
        return deliver_role_alerts(sessions=running.sessions, client=client, settings=running.settings, now=at)

    assert alerts(world.sweep_at).alerts == 1  # Cal's; Alex's waits
    assert fake_slack.messages(dm(ALEX)) == []
    command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea>")
    assert alerts(world.sweep_at + timedelta(minutes=5)).alerts == 1
    [alert] = [m for m in fake_slack.messages(dm(BEA)) if "Ann Archer" in texts(m)]
    assert "Cyd Cole" not in texts(alert)
    assert alerts(world.sweep_at + timedelta(minutes=10)).alerts == 0


def test_a_command_handover_of_a_departure_updates_the_admins_dms_too(
    running: RunningApp, fake_slack: FakeSlack, world: World
) -> None:
    leave(running, ALEX)
    assert tell_admins(running, fake_slack, world.sweep_at).messages == 2
    command(running, f"<@{ALEX}|u0alex> <@{BEA}|u0bea> --tag python", user=ADMIN2)
    fake_slack.wait_for("chat.update", count=2)
    for admin in (ADMIN, ADMIN2):  # a part moved: the departure waits for the rest, counted as it stands
        [message] = fake_slack.messages(dm(admin))
        [picker] = pickers(message["blocks"])
        assert picker["text"]["text"] == f"<@{ALEX}> left: 2 candidates, 1 check-in due"
    command(running, f"<@{ALEX}|u0alex> <@{CAL}|u0cal>", user=ADMIN2)
    fake_slack.wait_for("chat.update", count=4)
    for admin in (ADMIN, ADMIN2):
        [message] = fake_slack.messages(dm(admin))
        assert f"<@{ADMIN2}> handed what <@{ALEX}> kept warm over to <@{CAL}>" in texts(message)
        assert pickers(message["blocks"]) == []
    assert {owners(running)[c] for c in (world.ann, world.cai)} == {BEA}
    assert {owners(running)[c] for c in (world.ben, world.dee)} == {CAL}
