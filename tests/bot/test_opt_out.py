"""`/rejected optout` and `/rejected optin` over signed HTTP on both databases: who may, what it stops (check-ins,
matches), what opting in resumes (the next point of the cadence, not a flood), and hostile input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from jobs.reminders import run_reminders
from models import AuditEntry, Candidate, Checkin
from models.policy import Policy
from testkit.data import MONDAY, REC, reject
from testkit.database import snapshot
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, run
from testkit.slack_http import everything
from testkit.sweeps import DAY, dm

ADMIN = "U0ADMIN"
OTHER = "U0OTHER"
DUE = MONDAY + 14 * DAY  # Monday 19 January 2026, 10:00 UTC: Jane's first check-in
OPTED_OUT_AT = datetime(2026, 1, 12, 10, tzinfo=UTC)
OPTED_IN_AT = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a Monday, after the 14-day check-in and before the 90-day one


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The instant the opt-out commands see: the test moves it."""
    now = [OPTED_OUT_AT]
    monkeypatch.setattr("bot.listeners.commands.opt_out.utcnow", lambda: now[0])
    return now


@pytest.fixture
def jane(running: RunningApp) -> int:
    """Jane Doe, a finalist U0REC rejected on MONDAY: her check-ins are due at 14 days, 90, then every 180."""
    return reject(running.sessions, "Jane Doe", email="jane@x.io").candidate_id


def sweep(running: RunningApp, fake: FakeSlack, now: datetime) -> int:
    """One reminder sweep as of `now`; how many check-ins it sent."""
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    return run_reminders(sessions=running.sessions, client=client, settings=running.settings, now=now).checkins


def candidate(running: RunningApp, candidate_id: int) -> Candidate:
    with running.sessions() as session:
        return session.get_one(Candidate, candidate_id)


def logged(running: RunningApp) -> list[tuple[str, str, str, int | None]]:
    with running.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.act, e.actor, e.source, e.candidate_id) for e in entries]


def test_optout_stops_checkins_and_optin_resumes_them_at_the_next_point_of_the_cadence(
    running: RunningApp, fake_slack: FakeSlack, jane: int, clock: list[datetime]
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    shown = everything(run(running, "optout <mailto:Jane@X.io|Jane@X.io>"))
    assert "*Jane Doe* (jane@x.io) is opted out" in shown and "`/rejected optin jane@x.io` undoes it" in shown
    opted = candidate(running, jane)
    assert (opted.opted_out, opted.opted_out_by, opted.opted_out_at) == (True, REC, OPTED_OUT_AT)
    assert logged(running) == [("opted_out", REC, "command", jane)]

    for when in (DUE, DUE + 7 * DAY, OPTED_IN_AT):  # due, and due a week later: nothing while they are opted out
        assert sweep(running, fake_slack, when) == 0
    assert fake_slack.messages(dm(REC)) == []

    clock[0] = OPTED_IN_AT
    shown = everything(run(running, "optin jane@x.io"))
    step, due_at = Policy().after_send(step=0, due_at=DUE, now=OPTED_IN_AT)
    assert (step, due_at) == (1, MONDAY + 90 * DAY)  # the 14-day one was missed: skipped, not sent late
    assert "*Jane Doe* (jane@x.io) is opted in again" in shown and "Check-ins resume" in shown
    assert (candidate(running, jane).opted_out, candidate(running, jane).opted_out_by) == (False, None)
    with running.sessions() as session:
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == jane)).one()
        assert (checkin.step, checkin.due_at) == (1, due_at)
    assert logged(running)[-1] == ("opted_in", REC, "command", jane)

    assert sweep(running, fake_slack, OPTED_IN_AT) == 0  # no flood of what was missed
    assert sweep(running, fake_slack, datetime(2026, 4, 6, 10, tzinfo=UTC)) == 1  # the Monday after the 90th day
    [message] = fake_slack.messages(dm(REC))
    assert "Jane Doe" in message["text"] + str(message["blocks"])


def test_an_opted_out_candidate_is_left_out_of_a_new_roles_matches(running: RunningApp, jane: int) -> None:
    assert "Jane Doe" in everything(run(running, "Senior Backend Engineer", command="/role"))
    run(running, "optout jane@x.io")
    assert "Jane Doe" not in everything(run(running, "Senior Backend Engineer", command="/role"))
    run(running, "optin jane@x.io")
    assert "Jane Doe" in everything(run(running, "Senior Backend Engineer", command="/role"))


def test_already_opted_out_or_in_changes_nothing_and_says_so(running: RunningApp, jane: int) -> None:
    assert "Jane Doe (jane@x.io) is not opted out; nothing was changed" in everything(run(running, "optin jane@x.io"))
    run(running, "optout jane@x.io")
    again = everything(run(running, "optout jane@x.io"))
    assert "Jane Doe (jane@x.io) is already opted out; nothing was changed" in again
    assert [act for act, *_ in logged(running)] == ["opted_out"]


@pytest.mark.parametrize("verb", ["optout", "optin"])
def test_an_unknown_email_says_so(running: RunningApp, jane: int, verb: str) -> None:
    shown = everything(run(running, f"{verb} nobody@x.io"))
    assert "No candidate with email nobody@x.io among the candidates you can opt out or in" in shown
    assert logged(running) == []


@pytest.mark.parametrize("verb", ["optout", "optin"])
def test_a_recruiter_who_never_recorded_them_is_refused_as_if_they_did_not_exist(
    running: RunningApp, jane: int, verb: str
) -> None:
    with running.sessions.begin() as session:
        session.get_one(Candidate, jane).opted_out = verb == "optin"
    before = snapshot(running.engine)

    refused = everything(run(running, f"{verb} jane@x.io", user_id=OTHER))
    unknown = everything(run(running, f"{verb} nobody@x.io", user_id=OTHER)).replace("nobody@x.io", "jane@x.io")

    assert refused == unknown  # the same words as for no candidate at all: nothing revealed
    assert snapshot(running.engine) == before


def test_an_admin_may_opt_out_anyones_candidate(running: RunningApp, jane: int) -> None:
    assert "is opted out" in everything(run(running, "optout jane@x.io", user_id=ADMIN))
    assert candidate(running, jane).opted_out_by == ADMIN
    assert logged(running) == [("opted_out", ADMIN, "command", jane)]


@pytest.mark.parametrize("verb", ["optout", "optin"])
def test_a_request_signed_for_another_team_never_reaches_this_teams_candidate(
    running: RunningApp, jane: int, verb: str
) -> None:
    """A signed request whose team_id names another workspace, by an admin id and by the owner's id: neither finds
    this team's Jane, and nothing changes."""
    with running.sessions.begin() as session:
        session.get_one(Candidate, jane).opted_out = verb == "optin"
    before = snapshot(running.engine)
    for user in (ADMIN, REC):
        shown = everything(run(running, f"{verb} jane@x.io", user_id=user, team_id="T0ELSE"))
        assert "No candidate with email jane@x.io" in shown and "Jane Doe" not in shown
    assert snapshot(running.engine) == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("optout", "Give the candidate's email, e.g. `/rejected optout jane@example.com`"),
        ("optin", "Give the candidate's email, e.g. `/rejected optin jane@example.com`"),
        ("optout jane@x.io bob@x.io", "Give one email only"),
        ("optout not-an-email", "is not a valid address"),
        ("optout <!channel>", "is not a valid address"),
        ("optout jane@x.io\u0000", "control"),
        ("optout " + "a" * 5000 + "@x.io", "the limit is 254"),
        ("optin <@U0ADMIN>", "is not a valid address"),
    ],
)
def test_a_missing_forged_or_malformed_email_changes_nothing_and_says_what_is_wrong(
    running: RunningApp, jane: int, text: str, says: str
) -> None:
    before = snapshot(running.engine)
    reply = run(running, text)
    shown = everything(reply)
    assert "Nothing was changed" in shown and says in shown
    assert "<!channel>" not in shown  # escaped, never a broadcast
    assert len(reply["text"]) < 3001
    assert snapshot(running.engine) == before


def test_help_names_the_new_commands(running: RunningApp) -> None:
    shown = everything(run(running, "help"))
    for command in (
        "`/rejected optout jane@x.io`",
        "`/rejected optin jane@x.io`",
        "`/rejected audit [email]` (admins)",
    ):
        assert command in shown
