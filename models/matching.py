"""Match a role to the team's past finalists and strong rejections, best first, with the reason for each.

Relevance is BM25-style: each term the role and a past rejection share counts its inverse document frequency
(rare skills say more than "engineer") times how strongly it appears on each side (the whole title, then title
words, then skills, then the note). Rating and recency break ties.

Speed comes from the index in `match_terms`: for each of the role's terms only the best CHAMPIONS postings are read
(a "champion list"), and the pool they make is scored and ranked from the index alone; only its best SCORED are then
joined to their candidates to leave out whoever may not be matched. So a query costs about the same with ten
thousand or a million rejections behind it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Row,
    Select,
    Subquery,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.match_terms import DOCUMENTS, MatchTerm, MatchTermCount
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.role import RoleOutreach
from models.terms import NOTE, PHRASE_PREFIX, TAG, document_terms, query_terms, words

CHAMPIONS = 1000  # postings read per query term
SCORED = 500  # pooled rejections joined to their candidates, when enough of them may be matched: 10x what /role asks
STRONG_RATING = 4  # with stage "final", what makes a past rejection worth matching
MIN_SHARE = (
    0.25  # of the score the role's words would get against themselves: below this a shared word is a coincidence
)
IDF_SCALE = 1000  # integer weights keep sums exact, so equal scores tie and rating and recency decide
# Written as text because SQLAlchemy 2.0 never caches its dialects' INSERT ... ON CONFLICT constructs
# (`inherit_cache = False`): built with them, this statement was compiled afresh for every recording, about a tenth
# of its CPU. SQLite and PostgreSQL both take this SQL, and as text it is compiled once per process.
_COUNT_TERM = text(
    "INSERT INTO match_term_counts (team_id, term, documents) VALUES (:team_id, :term, 1) "
    "ON CONFLICT (team_id, term) DO UPDATE SET documents = match_term_counts.documents + 1"
)


@dataclass(frozen=True)
class Match:
    """One past candidate for a role, through their best-fitting past rejection."""

    candidate_id: int
    name: str
    rejection_id: int
    role_title: str
    stage: str
    rating: int | None
    rejected_at: datetime
    owner_user_id: str  # who owns the relationship: the check-in stream's recruiter, else whoever rejected them
    score: int
    shared_tags: tuple[str, ...]  # the candidate's own tags that fit the role
    title_matched: bool
    note_matched: bool


def is_matchable(*, stage: str, rating: int | None) -> bool:
    """Finalists and strong rejections (rating 4-5) are the ones worth putting in front of a new role."""
    return stage == "final" or (rating or 0) >= STRONG_RATING


def index_rejection(*, session: Session, rejection: Rejection, tags: Iterable[str]) -> None:
    """Add a newly recorded rejection to the index, if it is one worth matching."""
    if not is_matchable(stage=rejection.stage, rating=rejection.rating):
        return
    terms = document_terms(title=rejection.role_title, tags=tags, note=rejection.note)
    if not terms:
        return
    # Rows, not ORM objects: nothing reads them back in this session, and objects cost the unit of work per row.
    session.execute(
        insert(MatchTerm),
        [
            {
                "rejection_id": rejection.id,
                "term": term,
                "team_id": rejection.team_id,
                "candidate_id": rejection.candidate_id,
                "weight": weight,
                "rating": rejection.rating or 0,
                "rejected_at": rejection.rejected_at,
            }
            for term, weight in terms.items()
        ],
    )
    _count(session=session, team_id=rejection.team_id, terms=[*terms, DOCUMENTS])


def unindex_candidate(*, session: Session, team_id: str, candidate_id: int) -> None:
    """Drop every posting of a candidate: an erased candidate must not be findable by their old tags or notes."""
    per_term = session.execute(
        select(MatchTerm.term, func.count())
        .where(MatchTerm.candidate_id == candidate_id)
        .group_by(MatchTerm.term)
        .order_by(MatchTerm.term)
    ).all()
    documents = session.scalar(
        select(func.count(func.distinct(MatchTerm.rejection_id))).where(MatchTerm.candidate_id == candidate_id)
    )
    for term, count in [*per_term, (DOCUMENTS, documents or 0)]:
        if count:
            session.execute(
                update(MatchTermCount)
                .where(MatchTermCount.team_id == team_id, MatchTermCount.term == term)
                .values(documents=MatchTermCount.documents - count)
            )
    session.execute(delete(MatchTerm).where(MatchTerm.candidate_id == candidate_id))


def _count(*, session: Session, team_id: str, terms: Sequence[str]) -> None:
    """Add one document to each term's count; sorted, so concurrent writers lock rows in the same order."""
    session.execute(_COUNT_TERM, [{"team_id": team_id, "term": term} for term in sorted(terms)])


def find_matches(
    *,
    session: Session,
    team_id: str,
    title: str,
    tags: Iterable[str],
    limit: int = 5,
    role_id: int | None = None,
    exclude_candidates: Iterable[int] = (),
) -> list[Match]:
    """The best `limit` past candidates for a role, one entry per candidate, strongest first.

    Never erased, opted-out or stopped candidates, nor those someone already reached out to about `role_id`.
    """
    wanted = query_terms(title=title, tags=tags)
    weights = _idf_weights(session=session, team_id=team_id, wanted=wanted)
    if not weights:
        return []
    # The whole-title term is a bonus on top: leaving it out of the yardstick keeps a fit under another title in.
    threshold = MIN_SHARE * sum(weights[t] * wanted[t] for t in weights if not t.startswith(PHRASE_PREFIX))
    rows = _best_eligible(session=session, team_id=team_id, weights=weights, role_id=role_id, count=limit * 10)
    excluded = set(exclude_candidates)
    best: dict[int, tuple[int, Rejection, Candidate, str]] = {}
    for score, rejection, candidate, owner in rows:
        if score >= threshold and candidate.id not in excluded and candidate.id not in best:
            best[candidate.id] = (score, rejection, candidate, owner)
    chosen = list(best.values())[:limit]
    matched = _matched_terms(session=session, rejection_ids=[r.id for _, r, _, _ in chosen], terms=weights)
    return [
        _match(score, rejection, candidate, owner, wanted, matched.get(rejection.id, {}))
        for score, rejection, candidate, owner in chosen
    ]


def _idf_weights(*, session: Session, team_id: str, wanted: dict[str, int]) -> dict[str, int]:
    """Each wanted term that occurs at all, weighted by its BM25 inverse document frequency and its query field."""
    counts = dict(
        session.execute(
            select(MatchTermCount.term, MatchTermCount.documents).where(
                MatchTermCount.team_id == team_id, MatchTermCount.term.in_([*wanted, DOCUMENTS])
            )
        ).all()
    )
    total = counts.pop(DOCUMENTS, 0)
    return {
        term: round(IDF_SCALE * math.log(1 + (total - df + 0.5) / (df + 0.5))) * wanted[term]
        for term, df in counts.items()
        if df > 0
    }


def _best_eligible(
    *, session: Session, team_id: str, weights: dict[str, int], role_id: int | None, count: int
) -> Sequence[Row[tuple[int, Rejection, Candidate, str]]]:
    """The `count` best rejections that may be matched, with their scores, candidates and owners' user ids.

    Joining the whole pool to check who may be matched was most of a query's time, and on PostgreSQL it grew with
    the history. So only the best SCORED (or `count`, if more) are joined first; the eligible rows among them are
    the best eligible overall. When fewer than `count` are, the cut may have hidden some, and the whole pool is
    asked: the answer is the same either way, the cut only makes it cheaper.
    """
    cut = _ranked(team_id=team_id, weights=weights, role_id=role_id, scored=max(SCORED, count))
    rows = session.execute(cut.limit(count)).all()
    if len(rows) < count:
        rows = session.execute(_ranked(team_id=team_id, weights=weights, role_id=role_id).limit(count)).all()
    return rows


def _scored(*, team_id: str, weights: dict[str, int], scored: int | None) -> Subquery:
    """Each rejection on some term's champion list, with its score, rating and date; only the best `scored` of them
    if given.

    Read from match_terms alone, which holds a copy of each rejection's rating and date: its two indexes cover
    every column here, so no table row is visited.
    """
    champions = [
        select(MatchTerm.rejection_id)
        .where(MatchTerm.team_id == team_id, MatchTerm.term == term)
        .order_by(MatchTerm.weight.desc(), MatchTerm.rating.desc(), MatchTerm.rejected_at.desc())
        .limit(CHAMPIONS)
        .subquery()
        for term in weights
    ]
    pool = union_all(*(select(c.c.rejection_id) for c in champions)).subquery()
    score = func.sum(case(weights, value=MatchTerm.term, else_=0) * MatchTerm.weight)
    rating, rejected_at = func.max(MatchTerm.rating), func.max(MatchTerm.rejected_at)  # one value per rejection
    query = (
        select(MatchTerm.rejection_id, score.label("score"), rating.label("rating"), rejected_at.label("rejected_at"))
        .where(MatchTerm.rejection_id.in_(select(pool.c.rejection_id)), MatchTerm.term.in_(list(weights)))
        .group_by(MatchTerm.rejection_id)
    )
    if scored is not None:
        query = query.order_by(score.desc(), rating.desc(), rejected_at.desc(), MatchTerm.rejection_id.desc())
        query = query.limit(scored)
    return query.subquery()


def _ranked(
    *, team_id: str, weights: dict[str, int], role_id: int | None, scored: int | None = None
) -> Select[tuple[int, Rejection, Candidate, str]]:
    """Of the pool (or its best `scored`), the rejections that may be matched, best first: score, then rating, date
    and id, as the champion lists order postings."""
    ranked = _scored(team_id=team_id, weights=weights, scored=scored)
    owner_id = func.coalesce(Checkin.recruiter_id, Rejection.recruiter_id)
    query = (
        select(ranked.c.score, Rejection, Candidate, Recruiter.user_id)
        .join(Rejection, Rejection.id == ranked.c.rejection_id)
        .join(Candidate, Candidate.id == Rejection.candidate_id)
        .outerjoin(Checkin, Checkin.candidate_id == Candidate.id)
        .join(Recruiter, Recruiter.id == owner_id)
        .where(
            Candidate.erased.is_(False),
            Candidate.opted_out.is_(False),
            func.coalesce(Checkin.status, literal("none")) != CheckinStatus.STOPPED,
        )
        .order_by(
            ranked.c.score.desc(), ranked.c.rating.desc(), ranked.c.rejected_at.desc(), ranked.c.rejection_id.desc()
        )
    )
    if role_id is not None:
        taken = exists().where(and_(RoleOutreach.role_id == role_id, RoleOutreach.candidate_id == Candidate.id))
        query = query.where(~taken)
    return query


def _matched_terms(*, session: Session, rejection_ids: list[int], terms: dict[str, int]) -> dict[int, dict[str, int]]:
    """For each chosen rejection, which of the role's terms it holds and with which field weight."""
    found: dict[int, dict[str, int]] = {}
    if rejection_ids:
        rows = session.execute(
            select(MatchTerm.rejection_id, MatchTerm.term, MatchTerm.weight).where(
                MatchTerm.rejection_id.in_(rejection_ids), MatchTerm.term.in_(list(terms))
            )
        )
        for rejection_id, term, weight in rows:
            found.setdefault(rejection_id, {})[term] = weight
    return found


def _match(
    score: int, rejection: Rejection, candidate: Candidate, owner: str, wanted: dict[str, int], held: dict[str, int]
) -> Match:
    shared = tuple(tag for tag in candidate.tags if set(words(tag)) & set(wanted))
    return Match(
        candidate_id=candidate.id,
        name=candidate.name,
        rejection_id=rejection.id,
        role_title=rejection.role_title,
        stage=rejection.stage,
        rating=rejection.rating,
        rejected_at=rejection.rejected_at,
        owner_user_id=owner,
        score=int(score),
        shared_tags=shared,
        title_matched=any(weight > TAG for weight in held.values()),
        note_matched=any(weight == NOTE for weight in held.values()),
    )
