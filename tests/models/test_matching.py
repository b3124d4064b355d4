"""Matching a new role to past candidates, on SQLite and PostgreSQL, through the index kept by recording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.roles import match_reason
from models import Checkin, MatchTerm, MatchTermCount, Role, RoleOutreach
from models.checkins import stop
from models.match_terms import DOCUMENTS
from models.matching import CHAMPIONS, Match, find_matches
from models.records import forget_candidate
from models.terms import document_terms, title_phrase, words
from testkit import data

TEAM = "T0TEAM"
OTHER_TEAM = "T0OTHER"
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
MONTH = timedelta(days=30)


# Past candidates: rejected four months ago, with an email made from the name.
reject = partial(data.reject, team=TEAM, at=NOW - 4 * MONTH, email_from_name=True)


def names(matches: list[Match]) -> list[str]:
    return [m.name for m in matches]


def match(sessions: sessionmaker[Session], title: str, tags: tuple[str, ...] = (), **kwargs: object) -> list[Match]:
    with sessions.begin() as session:
        return find_matches(session=session, team_id=TEAM, title=title, tags=tags, **kwargs)  # type: ignore[arg-type]


# --- tokenisation: pure rules -------------------------------------------------------------------------------------


def test_words_ignore_grades_case_punctuation_and_plurals() -> None:
    assert words("Senior Back-End Engineers II (Remote)") == ["backend", "engineer"]
    assert words("Sr. BACKEND engineer") == ["backend", "engineer"]
    assert words("Node.js, C++ and C#") == ["nodejs", "c++", "c#"]
    assert words("Lead Dev, k8s") == ["developer", "kubernetes"]
    assert words("Sales") == ["sales"]  # not folded to "sale"
    assert words("Déjà vu") == ["deja", "vu"]


def test_the_whole_title_is_one_more_term_so_the_same_job_under_another_grade_matches_best() -> None:
    assert title_phrase("Senior Backend Engineer") == title_phrase("backend engineer (II)") == "=backend engineer"
    assert title_phrase("Senior II") is None
    assert (
        title_phrase("Backend Engineer (Python) - Berlin")
        == title_phrase("Backend Engineer, Payments")
        == "=backend engineer"
    )


def test_a_document_term_keeps_its_strongest_field() -> None:
    terms = document_terms(title="Data Engineer", tags=["python", "data"], note="Loves python and Airflow")
    assert terms == {"=data engineer": 4, "data": 3, "engineer": 3, "python": 2, "loves": 1, "airflow": 1}


# --- ranking quality: a small labelled set ------------------------------------------------------------------------


@pytest.fixture
def history(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """A team's past: who should and should not come first for a senior Python backend role."""
    reject(sessions, "Ada Backend", "Backend Engineer", tags="python,django,postgres", rating=5)
    reject(sessions, "Ben Backend", "Senior Backend Engineer", tags="python,flask", rating=4, at=NOW - 10 * MONTH)
    reject(sessions, "Cy Platform", "Platform Engineer", tags="python,kubernetes", stage="interview", rating=5)
    reject(sessions, "Dee Frontend", "Frontend Engineer", tags="react,typescript", rating=5)
    reject(sessions, "Eve Designer", "Product Designer", tags="figma,research", rating=5)
    reject(sessions, "Fay Sales", "Account Executive", tags="saas,negotiation", rating=5)
    reject(sessions, "Gus Screened", "Backend Engineer", tags="python,django", stage="screen", rating=3)
    reject(sessions, "Hal Interview", "Backend Engineer", tags="python,django", stage="interview", rating=2)
    reject(sessions, "Ivy Data", "Data Scientist", tags="python,statistics", rating=4, stage="interview")
    reject(sessions, "Jo Go", "Backend Developer", tags="go,postgres", rating=4)
    return sessions


def test_similar_titles_and_shared_skills_rank_first_and_unrelated_roles_do_not_match(
    history: sessionmaker[Session],
) -> None:
    found = names(match(history, "Senior Backend Engineer (Python)", ("python", "django"), limit=10))
    assert found[:2] == ["Ada Backend", "Ben Backend"]  # same job, shared skills; Ada also rated higher, newer
    assert set(found[2:]) <= {"Cy Platform", "Jo Go", "Ivy Data"}
    assert "Jo Go" in found  # a backend developer is a fit even without Python
    for unrelated in ("Dee Frontend", "Eve Designer", "Fay Sales"):
        assert unrelated not in found
    for weak in ("Gus Screened", "Hal Interview"):  # neither a finalist nor rated 4-5
        assert weak not in found


def test_a_designer_role_finds_the_designer_and_no_engineer(history: sessionmaker[Session]) -> None:
    assert names(match(history, "UX Designer", ("figma",))) == ["Eve Designer"]


def test_a_role_nobody_fits_matches_nothing(history: sessionmaker[Session]) -> None:
    assert match(history, "Payroll Specialist", ("workday",)) == []


def test_reason_names_shared_tags_and_the_past_role_but_never_the_note(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada", "Backend Engineer", tags="python,django,go", note="Salary ask 120k; python guru")
    (found,) = match(sessions, "Backend Engineer", ("python", "django"))
    assert match_reason(found, NOW) == "python, django; was finalist for Backend Engineer, 4 months ago"
    assert "120k" not in match_reason(found, NOW) and "guru" not in match_reason(found, NOW)


def test_reason_for_a_strong_non_finalist_gives_rating_and_stage(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Cy", "Platform Engineer", tags="kubernetes", stage="interview", rating=5, at=NOW - 2 * MONTH)
    (found,) = match(sessions, "Platform Engineer", ())
    assert match_reason(found, NOW) == "rated 5/5 at interview for Platform Engineer, 2 months ago"


def test_a_note_only_match_says_so_without_quoting_it(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Nia", "Analyst", note="Knows Snowflake inside out")
    (found,) = match(sessions, "Snowflake Analyst", ())
    assert "Snowflake" not in match_reason(found, NOW)


def test_rating_then_recency_break_ties(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Old Five", "QA Engineer", rating=5, at=NOW - 12 * MONTH)
    reject(sessions, "New Four", "QA Engineer", rating=4, at=NOW - MONTH)
    reject(sessions, "New Five", "QA Engineer", rating=5, at=NOW - MONTH)
    assert names(match(sessions, "QA Engineer")) == ["New Five", "Old Five", "New Four"]


def test_one_entry_per_candidate_through_their_best_rejection(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada", "Office Manager", rating=4, at=NOW - 20 * MONTH)
    reject(sessions, "Ada", "Backend Engineer", tags="python", at=NOW - MONTH)
    (found,) = match(sessions, "Backend Engineer", ("python",))
    assert found.role_title == "Backend Engineer"


def test_the_limit_is_respected(sessions: sessionmaker[Session]) -> None:
    for n in range(8):
        reject(sessions, f"Person {n}", "SRE", rating=5)
    assert len(match(sessions, "SRE", limit=5)) == 5


# --- who may be matched -------------------------------------------------------------------------------------------


def test_erased_candidates_leave_the_index_entirely(sessions: sessionmaker[Session]) -> None:
    ada = reject(sessions, "Ada", "Backend Engineer", tags="python").candidate_id
    reject(sessions, "Ben", "Backend Engineer", tags="python")
    with sessions.begin() as session:
        forget_candidate(session=session, team_id=TEAM, email="ada@example.com", user_id="U0REC", is_admin=False)
    assert names(match(sessions, "Backend Engineer", ("python",))) == ["Ben"]
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).where(MatchTerm.candidate_id == ada)) == 0
        counts = dict(session.execute(select(MatchTermCount.term, MatchTermCount.documents)).all())
    assert counts["python"] == 1 and counts[DOCUMENTS] == 1


def test_stopped_and_opted_out_candidates_are_not_matched(sessions: sessionmaker[Session]) -> None:
    ada = reject(sessions, "Ada", "Backend Engineer").candidate_id
    ben = reject(sessions, "Ben", "Backend Engineer").candidate_id
    reject(sessions, "Cy", "Backend Engineer")
    with sessions.begin() as session:
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == ada)).one()
        stop(session=session, checkin=checkin, user_id="U0REC", reason="hired_elsewhere", note=None, now=NOW)
        session.get_one(__import__("models").Candidate, ben).opted_out = True
    assert names(match(sessions, "Backend Engineer")) == ["Cy"]


def test_someone_already_reached_out_about_this_role_is_left_out_of_it_only(sessions: sessionmaker[Session]) -> None:
    ada = reject(sessions, "Ada", "Backend Engineer").candidate_id
    reject(sessions, "Ben", "Backend Engineer")
    with sessions.begin() as session:
        role = Role(team_id=TEAM, title="Backend Engineer", tags=[])
        other = Role(team_id=TEAM, title="Backend Engineer", tags=[])
        session.add_all([role, other])
        session.flush()
        session.add(RoleOutreach(team_id=TEAM, role_id=role.id, candidate_id=ada, user_id="U0REC"))
        role_id, other_id = role.id, other.id
    assert names(match(sessions, "Backend Engineer", role_id=role_id)) == ["Ben"]
    assert names(match(sessions, "Backend Engineer", role_id=other_id)) == ["Ben", "Ada"]


def test_another_teams_history_is_never_matched(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Outsider", "Backend Engineer", team=OTHER_TEAM, rating=5)
    assert match(sessions, "Backend Engineer") == []


def test_the_owner_is_whoever_owns_the_check_in_stream(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada", "Backend Engineer", user="U0FIRST", at=NOW - 6 * MONTH)
    reject(sessions, "Ada", "Data Engineer", user="U0SECOND", at=NOW - MONTH)
    (found,) = match(sessions, "Backend Engineer")
    assert found.role_title == "Backend Engineer" and found.owner_user_id == "U0SECOND"


# --- the index stays bounded ----------------------------------------------------------------------------------------


def test_only_strong_rejections_are_indexed(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Weak", "Backend Engineer", stage="interview", rating=3)
    reject(sessions, "Unrated", "Backend Engineer", stage="screen")
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(MatchTerm)) == 0


def test_champion_lists_read_the_best_postings_of_a_common_term_first(sessions: sessionmaker[Session]) -> None:
    """A common word alone cannot push a rarer, better fit out: the rare term's list still finds it."""
    assert CHAMPIONS >= 100
    reject(sessions, "Rare Fit", "Engineer", tags="erlang", rating=4, at=NOW - 30 * MONTH)
    for n in range(30):
        reject(sessions, f"Common {n}", "Engineer", rating=5)
    found = match(sessions, "Engineer", ("erlang",))
    assert found[0].name == "Rare Fit"
