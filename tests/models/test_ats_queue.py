"""models.ats_queue on both databases: what waits, in which order and how many, and two admins choosing at once."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from models import AtsNotice
from models.ats_queue import AssignRefusal, RefusedAssignment, assign_recruiter, waiting_for_recruiter
from testkit.ats_queue import ats_rejection
from testkit.fakeslack import TEAM_ID


def test_the_longest_waiting_come_first_and_all_are_counted(sessions: sessionmaker[Session]) -> None:
    waiting = [ats_rejection(sessions, f"Candidate {n}") for n in range(5)]
    ats_rejection(sessions, "Found Person", found_user="U0REC")
    with sessions() as session:
        first = waiting_for_recruiter(session=session, team_id=TEAM_ID, limit=3)
        assert [n.id for n in first.notices] == [r.notice_id for r in waiting[:3]]
        assert first.total == 5
        everything = waiting_for_recruiter(session=session, team_id=TEAM_ID, limit=10)
        assert ([n.id for n in everything.notices], everything.total) == ([r.notice_id for r in waiting], 5)
        assert waiting_for_recruiter(session=session, team_id="T0ELSE", limit=10).total == 0


def test_of_two_admins_choosing_at_once_the_first_assigns_and_the_second_is_told(
    sessions: sessionmaker[Session],
) -> None:
    waiting = ats_rejection(sessions, "Priya Raman")
    seen: list[tuple[AssignRefusal | None, str | None]] = []  # what the second admin's choice found

    def second_admin() -> None:
        with sessions.begin() as session:
            answer = assign_recruiter(session=session, team_id=TEAM_ID, notice_id=waiting.notice_id, user_id="U0TWO")
            notice = answer.notice if isinstance(answer, RefusedAssignment) else answer
            refusal = answer.refusal if isinstance(answer, RefusedAssignment) else None
            seen.append((refusal, None if notice is None or notice.recruiter is None else notice.recruiter.user_id))

    with sessions.begin() as session:
        first = assign_recruiter(session=session, team_id=TEAM_ID, notice_id=waiting.notice_id, user_id="U0ONE")
        assert isinstance(first, AtsNotice)
        racing = threading.Thread(target=second_admin)
        racing.start()
        time.sleep(0.5)
        assert racing.is_alive(), "the second admin's choice did not wait for the first's"
    racing.join(timeout=10)
    assert seen == [(AssignRefusal.ASSIGNED, "U0ONE")]
    with sessions() as session:
        assert session.get_one(AtsNotice, waiting.notice_id).recruiter.user_id == "U0ONE"
