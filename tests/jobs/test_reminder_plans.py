"""The sweep's queries go straight to what is due, whatever the history holds: every statement a real sweep runs is
checked against SQLite's query plan. A plan that lists every candidate (`IN (SELECT …)` did) or reads a recruiter's
whole history (their check-ins, or every reminder they got when counting today's for the daily cap) makes each sweep
cost grow with the history; bench/sweep_cost.py measures it, this keeps it fixed.
(PostgreSQL's plans depend on its statistics, so they are checked by the benchmark, not here.)"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from testkit.data import MONDAY, REC, reject
from testkit.fakeslack import FakeSlack
from testkit.sweeps import DAY, HOUR, MINUTE, Sweeper


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_sweep_query_searches_an_index_and_never_lists_the_candidates(
    engine: Engine, sweep: Sweeper, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    for i in range(3):
        reject(sessions, name=f"Candidate {i}", at=MONDAY + i * MINUTE)
    reject(sessions, name="Candidate next day", at=MONDAY + DAY)
    statements: dict[str, Any] = {}

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, many: bool) -> None:
        on_checkins = "FROM checkins" in statement or statement.startswith("UPDATE checkins")
        if (not many and on_checkins) or "FROM reminders_sent" in statement:
            statements.setdefault(statement, params)

    event.listen(engine, "before_cursor_execute", capture)
    assert sweep(MONDAY + 14 * DAY + HOUR).checkins == 3
    # The day after, the recruiter has a DM channel: the daily cap counts what reached it that day.
    assert sweep(MONDAY + 15 * DAY + HOUR).checkins == 1
    event.remove(engine, "before_cursor_execute", capture)

    plans = {}
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for statement, params in statements.items():
            plans[statement] = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, params)]
    due = [s for s in plans if "checkins.due_at <=" in s]
    assert len(due) >= 5  # the recruiters with something due, their claims in flight, due rows, the claim, the rest
    for statement, plan in plans.items():
        assert not [step for step in plan if step.startswith(("SCAN", "LIST SUBQUERY"))], (statement, plan)
    per_recruiter = [plans[s] for s in due if "checkins.recruiter_id = ?" in s]
    assert len(per_recruiter) == 3  # claims in flight, the first due rows, how many still wait
    for plan in per_recruiter:
        assert any(
            "ix_checkins_recruiter_id_status_due_at (recruiter_id=? AND status=? AND due_at<?)" in step for step in plan
        ), plan
    [sent_today] = [
        plan for statement, plan in plans.items() if "count(*)" in statement and "reminders_sent" in statement
    ]
    assert any(
        "ix_reminders_sent_channel_sent_at (channel=? AND sent_at>? AND sent_at<?)" in step for step in sent_today
    ), sent_today
