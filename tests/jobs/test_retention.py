"""Retention's erasures by the reminder sweep, on SQLite and PostgreSQL, with an explicit `now` for every sweep.

Data is made through the real code (record_rejection, the ATS intake, record_consent, opting out as the model stores
it); every check reads what the database holds afterwards.
"""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from jobs.reminders import SweepReport
from jobs.retention import erase_expired
from models import (
    ERASED_NAME,
    Act,
    AuditEntry,
    Candidate,
    Checkin,
    CheckinStatus,
    RetentionWarning,
    StopReason,
    ats_events,
)
from models.records import get_or_create_recruiter
from models.retention import RETENTION_ACTOR, Retention, record_consent
from testkit.data import MONDAY, REC, apply_ats, reject
from testkit.env import REPO
from testkit.fakeslack import FakeSlack, Reply, rate_limited
from testkit.processes import cli_env, command
from testkit.sweeps import DAY, HOUR, MINUTE, Sweeper, checkins_in, dm, expected, slack_client, tally

EMAIL = "priya.raman@example.com"


@pytest.fixture
def retained(settings: Settings) -> Settings:
    """The defaults of .env.example: 180 days without consent, 730 with, warned 30 days ahead."""
    return dataclasses.replace(settings, retention=Retention(days=180, consent_days=730, warning_days=30))


@pytest.fixture
def sweep_retained(sessions: sessionmaker[Session], retained: Settings, fake_slack: FakeSlack) -> Sweeper:
    return Sweeper(sessions, retained, slack_client(fake_slack))


def candidate(sessions: sessionmaker[Session], candidate_id: int) -> Candidate:
    with sessions.begin() as session:
        found = session.get_one(Candidate, candidate_id)
        session.expunge(found)
        return found


def erased(sessions: sessionmaker[Session], candidate_id: int) -> bool:
    return candidate(sessions, candidate_id).erased


def entries(sessions: sessionmaker[Session], act: Act) -> list[AuditEntry]:
    with sessions.begin() as session:
        found = session.scalars(select(AuditEntry).where(AuditEntry.act == act).order_by(AuditEntry.id)).all()
        session.expunge_all()
        return list(found)


def consent(sessions: sessionmaker[Session], candidate_id: int, at: datetime) -> None:
    with sessions.begin() as session:
        found = session.get_one(Candidate, candidate_id)
        record_consent(session, candidate=found, user_id=REC, how="email reply", source="button", now=at)


def test_erased_exactly_at_the_end_of_180_days_not_a_day_or_a_minute_before(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    made = reject(sessions, name="Priya Raman", email=EMAIL, note="Great systems design", stage="final")
    expiry = MONDAY + 180 * DAY

    for before in (expiry - DAY, expiry - MINUTE):
        report = sweep_retained(before)
        assert report.erased == 0, before
        assert not erased(sessions, made.candidate_id), before
    report = sweep_retained(expiry)

    assert report.erased == 1
    assert "erased 1 candidate(s) whose retention period ran out" in report.lines
    gone = candidate(sessions, made.candidate_id)
    assert (gone.name, gone.email, gone.erased, gone.erased_at) == (ERASED_NAME, None, True, expiry)
    with sessions.begin() as session:
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == made.candidate_id)).one()
        assert (checkin.status, checkin.stop_reason) == (CheckinStatus.STOPPED, StopReason.ERASED)
        assert session.get_one(Candidate, made.candidate_id).rejections[0].note is None
    [entry] = entries(sessions, Act.ERASED)
    assert (entry.actor, entry.source, entry.at, entry.candidate_id) == (
        "retention",
        "sweep",
        expiry,
        made.candidate_id,
    )
    assert entry.subject is None and entry.detail is None  # no personal data left in the log
    # Once is enough: the next sweep finds nothing to erase and logs nothing more.
    assert sweep_retained(expiry + DAY).erased == 0
    assert len(entries(sessions, Act.ERASED)) == 1


def test_consent_keeps_them_730_days_from_when_it_was_recorded(
    sessions: sessionmaker[Session], sweep_retained: Sweeper
) -> None:
    made = reject(sessions, name="Priya Raman", email=EMAIL)
    agreed = MONDAY + 100 * DAY
    consent(sessions, made.candidate_id, agreed)
    [entry] = entries(sessions, Act.CONSENTED)
    assert (entry.actor, entry.source, entry.detail, entry.subject) == (
        REC,
        "button",
        "email reply",
        f"Priya Raman <{EMAIL}>",
    )

    sweep_retained(MONDAY + 180 * DAY)  # the 180 days without consent do not apply any more
    sweep_retained(agreed + 730 * DAY - DAY)
    assert not erased(sessions, made.candidate_id)
    assert sweep_retained(agreed + 730 * DAY).erased == 1
    assert erased(sessions, made.candidate_id)


def test_a_later_rejection_or_application_restarts_the_period(
    sessions: sessionmaker[Session], sweep_retained: Sweeper
) -> None:
    rejected_again = reject(sessions, name="Priya Raman", email=EMAIL)
    reject(sessions, name="Priya Raman", email=EMAIL, role="Staff Engineer", at=MONDAY + 100 * DAY)
    applied = reject(sessions, name="Sam Ode", email="sam.ode@example.com")
    applied_at = MONDAY + 150 * DAY
    apply_ats(
        sessions,
        ats_events.Applied("gh-77", "app-9", ("sam.ode@example.com",), "Platform Engineer"),
        at=applied_at,
    )
    assert candidate(sessions, applied.candidate_id).last_applied_at == applied_at

    assert sweep_retained(MONDAY + 180 * DAY).erased == 0
    assert sweep_retained(MONDAY + 280 * DAY - MINUTE).erased == 0
    assert sweep_retained(MONDAY + 280 * DAY).erased == 1
    assert erased(sessions, rejected_again.candidate_id)
    assert not erased(sessions, applied.candidate_id)
    assert sweep_retained(applied_at + 180 * DAY - MINUTE).erased == 0
    assert sweep_retained(applied_at + 180 * DAY).erased == 1
    assert erased(sessions, applied.candidate_id)


def test_opted_out_candidates_are_erased_at_expiry_too(
    sessions: sessionmaker[Session], sweep_retained: Sweeper
) -> None:
    made = reject(sessions, name="Priya Raman", email=EMAIL)
    with sessions.begin() as session:
        found = session.get_one(Candidate, made.candidate_id)
        found.opted_out, found.opted_out_at, found.opted_out_by = True, MONDAY + DAY, REC
    assert sweep_retained(MONDAY + 180 * DAY - MINUTE).erased == 0
    assert sweep_retained(MONDAY + 180 * DAY).erased == 1


@pytest.mark.parametrize(
    ("days", "consent_days", "consented", "kept"),
    [(0, 730, False, True), (180, 0, True, True), (0, 730, True, False), (180, 0, False, False)],
)
def test_zero_switches_that_period_off(
    sessions: sessionmaker[Session],
    retained: Settings,
    fake_slack: FakeSlack,
    days: int,
    consent_days: int,
    consented: bool,
    kept: bool,
) -> None:
    settings = dataclasses.replace(retained, retention=Retention(days=days, consent_days=consent_days))
    sweep = Sweeper(sessions, settings, slack_client(fake_slack))
    made = reject(sessions, name="Priya Raman", email=EMAIL)
    if consented:
        consent(sessions, made.candidate_id, MONDAY)
    sweep(MONDAY + 3000 * DAY)
    assert erased(sessions, made.candidate_id) is not kept


def test_a_backlog_is_erased_in_batches_each_logged_once(sessions: sessionmaker[Session], retained: Settings) -> None:
    made = [reject(sessions, name=f"Past Candidate {i}", at=MONDAY + i * MINUTE).candidate_id for i in range(5)]
    kept = reject(sessions, name="Recent Candidate", at=MONDAY + 100 * DAY).candidate_id
    report = SweepReport()

    erase_expired(
        sessions=sessions, retention=retained.retention, now=MONDAY + 181 * DAY, dry_run=False, report=report, batch=2
    )

    assert report.erased == 5
    assert [erased(sessions, c) for c in made] == [True] * 5
    assert not erased(sessions, kept)
    assert sorted(e.candidate_id for e in entries(sessions, Act.ERASED)) == made
    assert {e.actor for e in entries(sessions, Act.ERASED)} == {RETENTION_ACTOR}


def test_the_clock_command_erases_and_its_dry_run_only_counts(
    sessions: sessionmaker[Session], database_url: str, fake_slack: FakeSlack
) -> None:
    made = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")  # no check-in: nothing else to post
    env = {**cli_env(database_url, fake_slack), "RETENTION_DAYS": "180", "CONSENT_RETENTION_DAYS": "730"}
    expiry = MONDAY + 180 * DAY

    def run(now: datetime, *options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command(now, *options), cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
        )

    early = run(expiry - MINUTE)
    assert early.returncode == 0, early.stderr
    assert early.stdout.splitlines()[-1].endswith(
        ", 0 erased at the end of their retention period, 0 erasure warning(s)"
    )
    dry = run(expiry, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would erase 1 candidate(s) whose retention period ran out" in dry.stdout.splitlines()
    assert not erased(sessions, made.candidate_id)
    real = run(expiry)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[-1].endswith(
        ", 1 erased at the end of their retention period, 0 erasure warning(s)"
    )
    assert erased(sessions, made.candidate_id)


def test_nothing_is_erased_with_the_test_deployments_retention_off(
    sessions: sessionmaker[Session], sweep: Sweeper
) -> None:
    made = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")
    assert tally(sweep(MONDAY + 5000 * DAY)) == expected()
    assert not erased(sessions, made.candidate_id)


# --- The warning, RETENTION_WARNING_DAYS ahead, in the reminder DM ----------------------------------------------------

EXPIRY = MONDAY + 180 * DAY  # Saturday 4 July 2026, 10:00 UTC
WARN_AT = EXPIRY - 30 * DAY  # Thursday 4 June 2026, 10:00 UTC: working hours in UTC
SENTENCE = "*Priya Raman*'s data will be erased on 4 July unless they agree to stay on file"


def every_text(message: dict) -> str:
    """Every mrkdwn and plain text in a message's blocks and buttons, one per line."""
    found: list[str] = []
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text")
            found.append(text["text"] if isinstance(text, dict) else str(text))
    return "\n".join(found)


def warned_candidates(message: dict) -> list[int]:
    return [
        int(block["block_id"].split(":")[1])
        for block in message.get("blocks", [])
        if str(block.get("block_id", "")).startswith("retention:")
    ]


def test_the_owner_is_warned_30_days_ahead_once_even_with_no_check_in_due(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    made = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")  # not strong: no check-ins at all

    assert tally(sweep_retained(WARN_AT - MINUTE)) == expected()
    assert tally(sweep_retained(WARN_AT)) == expected(messages=1, warnings=1)
    assert tally(sweep_retained(WARN_AT + 5 * MINUTE)) == expected()
    assert tally(sweep_retained(WARN_AT + DAY)) == expected()

    [message] = fake_slack.messages(dm(REC))
    assert warned_candidates(message) == [made.candidate_id]
    assert message["blocks"][0]["text"]["text"] == "1 candidate's data to be erased soon"
    text = every_text(message)
    assert SENTENCE in text
    for label in ("She agreed", "Draft a consent request", "Erase now"):
        assert label in text
    assert "Priya Raman's data will be erased on 4 July" in message["text"]
    # Warned, then erased at expiry all the same.
    assert sweep_retained(EXPIRY).erased == 1


def test_a_warning_due_at_night_waits_for_working_hours_and_goes_once(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="Europe/Paris")
    night = datetime(2026, 1, 5, 21, tzinfo=UTC)  # a Monday, 22:00 in Paris
    reject(sessions, name="Priya Raman", email=EMAIL, stage="screen", at=night)
    warn_at = night + 150 * DAY  # Thursday 4 June, 23:00 in Paris

    report = sweep_retained(warn_at)
    assert tally(report) == expected(waiting_for_working_hours=1)
    assert fake_slack.messages(dm(REC)) == []
    assert tally(sweep_retained(warn_at + 3 * HOUR)) == expected(waiting_for_working_hours=1)  # 02:00 in Paris
    morning = datetime(2026, 6, 5, 7, 30, tzinfo=UTC)  # Friday 09:30 in Paris
    assert morning > warn_at
    assert tally(sweep_retained(morning)) == expected(messages=1, warnings=1)
    assert tally(sweep_retained(morning + 5 * MINUTE)) == expected()
    assert len(fake_slack.messages(dm(REC))) == 1


def test_warnings_ride_in_the_same_dm_as_the_check_ins_due(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    old = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")
    due = reject(sessions, name="Omar Haddad", stage="final", at=WARN_AT - 14 * DAY)  # first check-in due at WARN_AT

    assert tally(sweep_retained(WARN_AT)) == expected(messages=1, checkins=1, warnings=1)

    [message] = fake_slack.messages(dm(REC))
    assert warned_candidates(message) == [old.candidate_id]
    assert checkins_in(message) == [due.checkin_id]
    assert message["blocks"][0]["text"]["text"] == "Time to reconnect with 1 candidate"


def test_no_warning_for_an_opted_out_candidate_or_one_who_consented(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    opted = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")
    agreed = reject(sessions, name="Sam Ode", email="sam.ode@example.com", stage="screen")
    with sessions.begin() as session:
        session.get_one(Candidate, opted.candidate_id).opted_out = True
    consent(sessions, agreed.candidate_id, WARN_AT - DAY)

    assert tally(sweep_retained(WARN_AT)) == expected()
    assert tally(sweep_retained(EXPIRY)) == expected(erased=1)  # the opted-out one, at expiry, unprompted
    assert fake_slack.messages(dm(REC)) == []
    assert erased(sessions, opted.candidate_id) and not erased(sessions, agreed.candidate_id)


def test_a_warning_waiting_for_working_hours_is_dropped_when_consent_comes_first(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    made = reject(sessions, name="Priya Raman", email=EMAIL, stage="screen", at=MONDAY + 10 * HOUR)  # 20:00
    warn_at = EXPIRY + 10 * HOUR - 30 * DAY
    assert tally(sweep_retained(warn_at)) == expected(waiting_for_working_hours=1)
    consent(sessions, made.candidate_id, warn_at + HOUR)

    assert tally(sweep_retained(warn_at + 14 * HOUR)) == expected()  # the next morning: nothing to say any more
    assert fake_slack.messages(dm(REC)) == []
    with sessions.begin() as session:
        assert session.scalars(select(RetentionWarning)).all() == []


@pytest.mark.parametrize("applied", [True, False], ids=["posted, answer lost", "not posted"])
def test_a_warning_alone_whose_post_is_uncertain_is_settled_from_history_and_never_doubled(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack, applied: bool
) -> None:
    """A DM of warnings only is claimed in the warnings' table: a sweep that cannot tell whether Slack posted it
    keeps the claim, and the next finds the DM in the channel's history (or posts it, once)."""
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=applied))

    assert tally(sweep_retained(WARN_AT)) == expected(deferred=1)
    with sessions.begin() as session:
        [warning] = session.scalars(select(RetentionWarning)).all()
        assert warning.claim_token is not None and warning.sent_at is None

    report = sweep_retained(WARN_AT + 5 * MINUTE)
    assert tally(report) == (expected(recovered=1) if applied else expected(messages=1, warnings=1))
    assert tally(sweep_retained(WARN_AT + HOUR)) == expected()
    [message] = fake_slack.messages(dm(REC))
    with sessions.begin() as session:
        [warning] = session.scalars(select(RetentionWarning)).all()
        assert (warning.claim_token, warning.sent_at, warning.ts) == (None, WARN_AT + 5 * MINUTE, message["ts"])


def test_a_rate_limited_warning_waits_and_goes_once(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions, name="Priya Raman", email=EMAIL, stage="screen")
    fake_slack.script("chat.postMessage", rate_limited(), rate_limited())
    assert tally(sweep_retained(WARN_AT)) == expected(deferred=1)
    assert fake_slack.messages(dm(REC)) == []
    assert tally(sweep_retained(WARN_AT + 5 * MINUTE)) == expected(messages=1, warnings=1)
    assert tally(sweep_retained(WARN_AT + 10 * MINUTE)) == expected()
    assert len(fake_slack.messages(dm(REC))) == 1


def test_a_warning_waiting_goes_to_the_new_owner_after_a_handover(
    sessions: sessionmaker[Session], sweep_retained: Sweeper, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="Asia/Tokyo")  # 19:00 in Tokyo at WARN_AT: the warning waits
    fake_slack.set_user("U0NEW", tz="UTC")
    made = reject(sessions, name="Priya Raman", email=EMAIL, stage="final", at=MONDAY)
    assert tally(sweep_retained(WARN_AT)) == expected(waiting_for_working_hours=1)
    with sessions.begin() as session:  # a handover moves the check-in stream, as the admins' handover does
        new = get_or_create_recruiter(session=session, team_id="T0TEST", user_id="U0NEW")
        session.scalars(select(Checkin).where(Checkin.candidate_id == made.candidate_id)).one().recruiter = new

    # The new owner gets the warning, with the check-in (its 90-day one, overdue) that came with the stream.
    assert tally(sweep_retained(WARN_AT + 5 * MINUTE)) == expected(messages=1, checkins=1, warnings=1)
    assert fake_slack.messages(dm(REC)) == []
    [message] = fake_slack.messages(dm("U0NEW"))
    assert warned_candidates(message) == [made.candidate_id]
