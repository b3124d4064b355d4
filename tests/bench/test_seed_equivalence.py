"""The benchmark's bulk loader writes what recording one rejection at a time writes, so its figures are about the
real index and the real check-ins: the same history goes through record_rejection (and a stop, and an opt-out) into
one database and through the bulk loader, in two cumulative steps, into another of the same kind; every row matching
reads, and every match for every benchmark role, must be the same. With the sweep running on time in between (the
real sweep against the fake Slack), the check-ins' steps and the reminders logged must be the same too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, aliased, sessionmaker

from bench.databases import scratch_database
from bench.history import NOW, RECRUITERS, ROLES, TEAM, History, PastCandidate
from bench.seed import Seeder
from bench.sweep_cost import ALWAYS_OPEN
from bot.config import load_settings
from bot.rejection_input import validate_rejection
from jobs.reminders import eligible
from models import Candidate, Checkin, MatchTerm, MatchTermCount, Recruiter, Rejection, ReminderSent
from models.checkins import stop
from models.db import make_engine, make_session_factory
from models.matching import find_matches
from models.policy import Policy
from models.records import record_rejection
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.sweeps import Sweeper, slack_client

REJECTIONS = 200
STEPS = (90, REJECTIONS)  # the benchmark seeds cumulatively; so does this


@pytest.fixture
def bulk_url(database_url: str) -> Iterator[str]:
    """A second empty database of the same kind as `database_url`."""
    url = make_url(database_url)
    base = url.difference_update_query(["options"]).render_as_string(hide_password=False)
    with scratch_database(url.get_backend_name(), base) as bulk:
        yield bulk


@pytest.fixture
def bulk_sessions(bulk_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(bulk_url)
    yield make_session_factory(engine)
    engine.dispose()


def past_candidates(total: int) -> list[PastCandidate]:
    """Whole candidates from the start of the benchmark's history until `total` rejections, as the loader takes them."""
    taken: list[PastCandidate] = []
    for past in History().candidates():
        if sum(len(p.rejections) for p in taken) >= total:
            return taken
        taken.append(past)
    raise AssertionError("unreachable: the history never ends")


def sweep_before(sweep: Sweeper, until: datetime) -> None:
    """Run the sweep at each due time before `until`, as a clock process that never misses a beat would."""
    while True:
        with sweep.sessions.begin() as session:
            due = session.scalar(select(func.min(Checkin.due_at)).where(eligible(until), Checkin.due_at < until))
        if due is None:
            return
        assert sweep(due).checkins >= 1, f"nothing sent at {due}"


def record(sessions: sessionmaker[Session], history: list[PastCandidate], sweep: Sweeper | None = None) -> None:
    """The history through the real path: /rejected's validation and record_rejection, then the candidate's
    opt-out and the recruiter's stop, each its own unit of work; with `sweep`, the sweep runs on time in between
    and until NOW. Candidates are independent, so each one's timeline runs whole before the next one's."""
    for past in history:
        for entry in past.rejections:
            if sweep is not None:
                sweep_before(sweep, entry.rejected_at)
            typed = validate_rejection(
                {
                    "name": past.name,
                    "email": past.email,
                    "role": entry.role_title,
                    "stage": entry.stage,
                    "rating": None if entry.rating is None else str(entry.rating),
                    "tags": ",".join(entry.tags),
                    "note": entry.note,
                }
            )
            with sessions.begin() as session:
                record_rejection(
                    session=session,
                    team_id=TEAM,
                    user_id=entry.recruiter,
                    entry=typed,
                    policy=Policy(),
                    now=entry.rejected_at,
                )
        if past.opted_out:  # the history has no date for it: at once, as bench/seed.py assumes
            with sessions.begin() as session:
                session.get_one(Candidate, past.index).opted_out = True
        if past.stopped is not None:
            assert past.stopped_at is not None
            if sweep is not None:
                sweep_before(sweep, past.stopped_at)
            with sessions.begin() as session:
                checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == past.index)).one()
                stop(
                    session=session,
                    checkin=checkin,
                    user_id="U0ADMIN",
                    reason=past.stopped,
                    note=None,
                    now=past.stopped_at,
                )
        if sweep is not None:
            sweep_before(sweep, NOW)


def snapshot(sessions: sessionmaker[Session]) -> dict[str, list[Any]]:
    """Everything matching reads, in a stable order; recruiters by Slack id, since their row ids may differ."""
    owner = aliased(Recruiter)
    with sessions.begin() as session:
        return {
            "match_terms": session.execute(
                select(
                    MatchTerm.rejection_id,
                    MatchTerm.term,
                    MatchTerm.team_id,
                    MatchTerm.candidate_id,
                    MatchTerm.weight,
                    MatchTerm.rating,
                    MatchTerm.rejected_at,
                ).order_by(MatchTerm.rejection_id, MatchTerm.term)
            ).all(),
            "match_term_counts": session.execute(
                select(MatchTermCount.team_id, MatchTermCount.term, MatchTermCount.documents).order_by(
                    MatchTermCount.team_id, MatchTermCount.term
                )
            ).all(),
            "candidates": session.execute(
                select(
                    Candidate.id,
                    Candidate.team_id,
                    Candidate.name,
                    Candidate.email,
                    Candidate.tags,
                    Candidate.opted_out,
                    Candidate.erased,
                ).order_by(Candidate.id)
            ).all(),
            "rejections": session.execute(
                select(
                    Rejection.id,
                    Rejection.team_id,
                    Rejection.candidate_id,
                    Recruiter.user_id,
                    Rejection.role_title,
                    Rejection.stage,
                    Rejection.rating,
                    Rejection.note,
                    Rejection.rejected_at,
                )
                .join(Recruiter, Recruiter.id == Rejection.recruiter_id)
                .order_by(Rejection.id)
            ).all(),
            "checkins": session.execute(
                select(
                    Checkin.team_id,
                    Checkin.candidate_id,
                    owner.user_id,
                    Checkin.rejection_id,
                    Checkin.step,
                    Checkin.due_at,
                    Checkin.status,
                    Checkin.stop_reason,
                    Checkin.stopped_at,
                )
                .join(owner, owner.id == Checkin.recruiter_id)
                .order_by(Checkin.candidate_id)
            ).all(),
            "reminders_sent": session.execute(
                select(ReminderSent.team_id, ReminderSent.checkin_id, ReminderSent.step, ReminderSent.channel).order_by(
                    ReminderSent.checkin_id, ReminderSent.step
                )
            ).all(),
            "recruiters": session.execute(
                select(Recruiter.team_id, Recruiter.user_id, Recruiter.dm_channel).order_by(Recruiter.user_id)
            ).all(),
            "matches": [
                find_matches(session=session, team_id=TEAM, title=title, tags=tags, limit=10) for title, tags in ROLES
            ],
        }


def test_bulk_seeding_writes_what_recording_each_rejection_writes(
    sessions: sessionmaker[Session], bulk_url: str, bulk_sessions: sessionmaker[Session]
) -> None:
    history = past_candidates(REJECTIONS)
    # The sample must hold what could go wrong: returning candidates (tags accumulate, the newest strong
    # rejection owns the stream), stops, opt-outs, rejections without tags or note.
    assert any(len(p.rejections) > 1 for p in history)
    assert any(p.stopped for p in history) and any(p.opted_out for p in history)
    assert any(not r.tags for p in history for r in p.rejections)
    assert any(r.note is None for p in history for r in p.rejections)

    record(sessions, history)
    seeder = Seeder(bulk_url)
    for total in STEPS:
        seeder.grow(total)

    recorded, seeded = snapshot(sessions), snapshot(bulk_sessions)
    assert seeder.rejections == sum(len(p.rejections) for p in history) >= REJECTIONS
    assert len(recorded["rejections"]) == seeder.rejections
    assert len(recorded["match_terms"]) > 10 * REJECTIONS
    assert sum(len(found) for found in recorded["matches"]) > len(ROLES) * 5  # most roles find someone
    for table in ("match_terms", "match_term_counts", "candidates", "rejections", "checkins", "matches"):
        assert seeded[table] == recorded[table], table
    assert recorded["reminders_sent"] == seeded["reminders_sent"] == []


def test_bulk_seeding_a_swept_history_writes_what_the_sweep_leaves(
    sessions: sessionmaker[Session],
    database_url: str,
    fake_slack: FakeSlack,
    bulk_url: str,
    bulk_sessions: sessionmaker[Session],
) -> None:
    history = past_candidates(REJECTIONS)
    for user in RECRUITERS:
        fake_slack.set_user(user, tz="UTC")
    settings = replace(
        load_settings(make_env(database_url=database_url, fake_slack=fake_slack), serving=False),
        working_hours=ALWAYS_OPEN,
    )
    record(sessions, history, Sweeper(sessions, settings, slack_client(fake_slack)))
    seeder = Seeder(bulk_url, swept_until=NOW)
    for total in STEPS:
        seeder.grow(total)

    recorded, seeded = snapshot(sessions), snapshot(bulk_sessions)
    # Most streams went through several steps; some were restarted by a later rejection, stopped or opted out.
    steps = [checkin.step for checkin in recorded["checkins"]]
    assert max(steps) >= 5 and sum(steps) > 3 * len(steps)
    assert len(recorded["reminders_sent"]) > 3 * len(history)
    assert len(fake_slack.calls_to("chat.postMessage")) >= len(recorded["reminders_sent"])
    for table in recorded:
        assert seeded[table] == recorded[table], table
