"""bench/recording_cost.py times real recordings: each step records what it says, and a run that would time
double submits (cheaper than recordings) stops instead of flattering the figures."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench import recording_cost
from models import Recruiter, Rejection


def test_each_step_records_new_candidates_from_twenty_recruiters(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    steps = recording_cost.run("db", database_url, recordings=50, step=20)
    assert [step.recorded for step in steps] == [20, 40, 50]
    assert all(step.cpu_ms > 0 and step.wall_ms > 0 and step.lookup_cpu_ms > 0 for step in steps)
    with sessions() as session:
        assert session.scalar(select(func.count(Rejection.id))) == 50
        assert session.scalar(select(func.count(func.distinct(Rejection.candidate_id)))) == 50
        assert session.scalar(select(func.count(Recruiter.id))) == 20


def test_a_run_whose_entries_are_already_recorded_stops(database_url: str) -> None:
    recording_cost.run("db", database_url, recordings=5, step=5)
    with pytest.raises(RuntimeError, match="production answered 'Already recorded"):
        recording_cost.run("db", database_url, recordings=5, step=5)
