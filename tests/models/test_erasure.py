"""Erasing a candidate removes the ATS notices about them, found by their ATS ids in the ATS each came from: the
same id in another ATS belongs to someone else, whose notice stays."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AtsNotice, Candidate, CandidateAtsId
from models.records import erase_candidate
from testkit.ats_queue import ats_rejection
from testkit.data import MONDAY, reject


def test_erasure_removes_only_notices_with_their_ats_id_in_the_same_ats(sessions: sessionmaker[Session]) -> None:
    jane = reject(sessions, "Jane Doe", email="jane@x.io")
    theirs = ats_rejection(sessions, "Jane Doe", source="greenhouse")
    someone_else = ats_rejection(sessions, "Ada Lovelace", source="lever")
    with sessions.begin() as session:
        session.add(
            CandidateAtsId(
                team_id=jane_team(session, jane.candidate_id),
                source="greenhouse",
                ats_id="42",
                candidate_id=jane.candidate_id,
            )
        )
        for notice_id in (theirs.notice_id, someone_else.notice_id):
            session.get_one(AtsNotice, notice_id).ats_candidate_id = "42"
    with sessions.begin() as session:
        erase_candidate(session=session, candidate=session.get_one(Candidate, jane.candidate_id), now=MONDAY)
    with sessions.begin() as session:
        assert session.scalars(select(AtsNotice.id)).all() == [someone_else.notice_id]


def jane_team(session: Session, candidate_id: int) -> str:
    return session.get_one(Candidate, candidate_id).team_id
