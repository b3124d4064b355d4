"""find_matches joins only the best SCORED of its pool to the candidates; what it returns must be what ranking the
whole pool returns, on varied histories, whether the cut holds or hides eligible candidates and it must ask again.

The expected answer is worked out here by brute force, in Python, from every posting of the team's index and every
candidate's state: the ranking find_matches documents, with nothing of its SQL.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import (
    Candidate,
    Checkin,
    CheckinStatus,
    MatchTerm,
    MatchTermCount,
    Recruiter,
    Rejection,
    Role,
    RoleOutreach,
    matching,
)
from models.match_terms import DOCUMENTS
from models.matching import CHAMPIONS, IDF_SCALE, MIN_SHARE, find_matches
from models.records import forget_candidate
from models.terms import PHRASE_PREFIX, query_terms
from testkit import data

TEAM = "T0TEAM"
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
CUT = 60  # just above the 50 rows a limit of 5 asks for, and below the pools of the common terms

TITLES = (
    "Backend Engineer", "Senior Backend Engineer", "Data Engineer", "Platform Engineer", "Frontend Engineer",
    "Data Scientist", "Product Designer", "Engineering Manager", "QA Engineer", "Site Reliability Engineer",
)  # fmt: skip
SKILLS = ("python", "django", "go", "postgres", "kubernetes", "react", "typescript", "aws", "figma", "spark")
NOTES = (None, None, "Strong python", "Great with kubernetes and aws", "Knows spark inside out", "Salary ask too high")
ROLES = (
    ("Senior Backend Engineer (Python)", ("python", "django")),
    ("Data Engineer", ("spark", "python")),
    ("Platform Engineer", ("kubernetes", "aws")),
    ("Frontend Engineer", ("react",)),
    ("Engineer", ()),
    ("Product Designer", ("figma",)),
    ("Marine Biologist", ()),
)


@dataclass(frozen=True)
class Found:
    """What decides a match's place: who, through which rejection, how strongly, and whose relationship it is."""

    candidate_id: int
    rejection_id: int
    score: int
    owner_user_id: str


@pytest.fixture
def history(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """About 300 rejections of 200 people recorded as /rejected records them: few distinct dates and ratings, so
    scores tie often and the tie-breakers decide; some people rejected twice, by another recruiter; some
    check-ins stopped, some people opted out, two erased."""
    rng = random.Random(13)
    for n in range(300):
        person = rng.randrange(200)
        data.reject(
            sessions,
            f"Person {person}",
            rng.choice(TITLES),
            stage=rng.choice(("final", "final", "interview")),
            rating=rng.choice((None, 3, 4, 5)),
            tags=",".join(rng.sample(SKILLS, rng.randrange(4))),
            note=rng.choice(NOTES),
            team=TEAM,
            user=f"U0REC{n % 3}",
            at=NOW - timedelta(days=30 * rng.randrange(1, 6)),
            email_from_name=True,
        )
    with sessions.begin() as session:
        session.execute(update(Checkin).where(Checkin.candidate_id % 7 == 0).values(status=CheckinStatus.STOPPED))
        session.execute(update(Candidate).where(Candidate.id % 11 == 0).values(opted_out=True))
        for email in ("person.1@example.com", "person.2@example.com"):
            forget_candidate(session=session, team_id=TEAM, email=email, user_id="U0REC0", is_admin=True)
    return sessions


@pytest.fixture
def ranked_queries(engine: Engine) -> Iterator[list[str]]:
    """The ranking statements sent, so a test can tell whether find_matches had to ask the whole pool."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "GROUP BY match_terms.rejection_id" in statement:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def brute_force(
    session: Session, *, title: str, tags: tuple[str, ...], limit: int, role_id: int
) -> tuple[list[Found], int]:
    """find_matches' answer worked out from everything (every posting scored, every candidate's state checked), and
    how many rejections the pool held."""
    wanted = query_terms(title=title, tags=tags)
    counts = dict(session.execute(select(MatchTermCount.term, MatchTermCount.documents)).all())
    total = counts.get(DOCUMENTS, 0)
    weights = {
        term: round(IDF_SCALE * math.log(1 + (total - counts[term] + 0.5) / (counts[term] + 0.5))) * wanted[term]
        for term in wanted
        if counts.get(term, 0) > 0
    }
    postings = session.execute(select(MatchTerm).where(MatchTerm.team_id == TEAM, MatchTerm.term.in_(weights)))
    scores: dict[int, int] = {}
    for posting in postings.scalars():
        scores[posting.rejection_id] = scores.get(posting.rejection_id, 0) + weights[posting.term] * posting.weight
    assert all(counts[term] <= CHAMPIONS for term in weights)  # so every posting is on its term's champion list
    taken = set(session.scalars(select(RoleOutreach.candidate_id).where(RoleOutreach.role_id == role_id)))
    candidates = {c.id: c for c in session.scalars(select(Candidate))}
    checkins = {c.candidate_id: c for c in session.scalars(select(Checkin))}
    users = dict(session.execute(select(Recruiter.id, Recruiter.user_id)).tuples().all())
    eligible = []
    for rejection in session.scalars(select(Rejection).where(Rejection.id.in_(scores))):
        candidate, checkin = candidates[rejection.candidate_id], checkins.get(rejection.candidate_id)
        if candidate.erased or candidate.opted_out or candidate.id in taken:
            continue
        if checkin is not None and checkin.status == CheckinStatus.STOPPED:
            continue
        owner = users[checkin.recruiter_id if checkin else rejection.recruiter_id]
        score = scores[rejection.id]
        eligible.append((score, rejection.rating or 0, rejection.rejected_at, rejection.id, candidate.id, owner))
    eligible.sort(reverse=True, key=lambda row: row[:4])
    threshold = MIN_SHARE * sum(weights[t] * wanted[t] for t in weights if not t.startswith(PHRASE_PREFIX))
    best: dict[int, Found] = {}
    for score, _, _, rejection_id, candidate_id, owner in eligible[: limit * 10]:  # the rows find_matches reads
        if score >= threshold and candidate_id not in best:
            best[candidate_id] = Found(candidate_id, rejection_id, score, owner)
    return list(best.values())[:limit], len(scores)


@pytest.mark.parametrize("stop_most", [False, True], ids=["cut holds", "cut falls back"])
def test_find_matches_returns_what_ranking_the_whole_pool_returns(
    history: sessionmaker[Session], ranked_queries: list[str], monkeypatch: pytest.MonkeyPatch, stop_most: bool
) -> None:
    monkeypatch.setattr(matching, "SCORED", CUT)
    if stop_most:
        with history.begin() as session:
            # Fewer than five of any role's best are left, so what the cut keeps comes up short.
            session.execute(update(Checkin).where(Checkin.candidate_id % 25 != 0).values(status=CheckinStatus.STOPPED))
    found = asked_again = cut_answered = 0
    for title, tags in ROLES:
        for limit in (1, 5, 6):  # a single best, /role's five, the digest's five and one more
            with history.begin() as session:
                role = Role(team_id=TEAM, title=title, tags=list(tags))
                session.add(role)
                session.flush()
                asked = {"session": session, "team_id": TEAM, "title": title, "tags": tags, "role_id": role.id}
                first = find_matches(**asked, limit=limit)  # type: ignore[arg-type]
                if first:  # someone reached out to the best one about this role: they drop out of it
                    session.add(
                        RoleOutreach(team_id=TEAM, role_id=role.id, candidate_id=first[0].candidate_id, user_id="U0")
                    )
                ranked_queries.clear()
                matches = find_matches(**asked, limit=limit)  # type: ignore[arg-type]
                expected, pooled = brute_force(session, title=title, tags=tags, limit=limit, role_id=role.id)
                assert [Found(m.candidate_id, m.rejection_id, m.score, m.owner_user_id) for m in matches] == expected
                asked_again += len(ranked_queries) == 2
                cut_answered += len(ranked_queries) == 1 and pooled > CUT
            found += len(matches)
    # Roles find people, so the comparison means something; and each case takes the path it is named for.
    assert found > (10 if stop_most else 50)
    assert (asked_again > 0) if stop_most else (cut_answered > 0)
