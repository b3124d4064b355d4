"""EXPERIMENT, not production code: a faster find_matches for the lead to judge, measured with `--proposal`.

The production query (models/matching.py) spends its time, at a million rejections, in three places:
- each champion posting is a row lookup, because ix_match_terms_ranked lacks rejection_id;
- rescoring reads every pooled rejection's rows from the table, because no index holds (rejection_id, term, weight);
- on PostgreSQL, all ~4,500 pooled rejections are joined to rejections, candidates and check-ins before the sort,
  and the planner does that join by hashing a sequential scan of the whole rejections table: O(history).
The proposal adds two covering indexes (PROPOSED_INDEXES, a migration in production), ranks the pool from
match_terms alone (rating and date are copied there), and joins only the best SCORED of it. When fewer than the
rows asked for survive the eligibility filter, the cut may have hidden some, so it asks again without the cut:
results are exactly the production ones, which `--proposal` checks on every role.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, and_, case, exists, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.match_terms import MatchTerm
from models.matching import (
    CHAMPIONS,
    MIN_SHARE,
    Match,
    _idf_weights,
    _match,
    _matched_terms,
)
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.role import RoleOutreach
from models.terms import PHRASE_PREFIX, query_terms

SCORED = 500  # pooled rejections joined at most, before the fallback

PROPOSED_INDEXES = {
    # Champion lists read from the index alone.
    "ix_proposal_ranked": "team_id, term, weight, rating, rejected_at, rejection_id",
    # Rescoring and the tie-breakers read from the index alone.
    "ix_proposal_rescore": "rejection_id, term, weight, rating, rejected_at",
}


def add_indexes(connection: Connection) -> None:
    """Build the proposed indexes (plain columns, so one migration serves both databases) and their statistics."""
    for name, columns in PROPOSED_INDEXES.items():
        connection.execute(text(f"CREATE INDEX {name} ON match_terms ({columns})"))
    connection.execute(text("ANALYZE match_terms"))


def drop_indexes(connection: Connection) -> None:
    """Leave the schema as production has it, so the next size is seeded and measured without them."""
    for name in PROPOSED_INDEXES:
        connection.execute(text(f"DROP INDEX {name}"))


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
    """models.matching.find_matches with the proposed ranking query; everything else is the production code."""
    wanted = query_terms(title=title, tags=tags)
    weights = _idf_weights(session=session, team_id=team_id, wanted=wanted)
    if not weights:
        return []
    threshold = MIN_SHARE * sum(weights[t] * wanted[t] for t in weights if not t.startswith(PHRASE_PREFIX))
    rows = session.execute(_ranked(team_id=team_id, weights=weights, role_id=role_id, scored=SCORED).limit(limit * 10))
    found = rows.all()
    if len(found) < limit * 10:
        found = session.execute(
            _ranked(team_id=team_id, weights=weights, role_id=role_id, scored=None).limit(limit * 10)
        ).all()
    excluded = set(exclude_candidates)
    best: dict[int, tuple[int, Rejection, Candidate, str]] = {}
    for score, rejection, candidate, owner in found:
        if score >= threshold and candidate.id not in excluded and candidate.id not in best:
            best[candidate.id] = (score, rejection, candidate, owner)
    chosen = list(best.values())[:limit]
    matched = _matched_terms(session=session, rejection_ids=[r.id for _, r, _, _ in chosen], terms=weights)
    return [
        _match(score, rejection, candidate, owner, wanted, matched.get(rejection.id, {}))
        for score, rejection, candidate, owner in chosen
    ]


def _ranked(
    *, team_id: str, weights: dict[str, int], role_id: int | None, scored: int | None
) -> Select[tuple[int, Rejection, Candidate, str]]:
    """Production's _ranked, but ordered by columns of match_terms, so the database can cut before joining."""
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
    # The same for every row of a rejection: copied from it when it was indexed.
    rating, rejected_at = func.max(MatchTerm.rating), func.max(MatchTerm.rejected_at)
    order = (score.desc(), rating.desc(), rejected_at.desc(), MatchTerm.rejection_id.desc())
    best = (
        select(MatchTerm.rejection_id, score.label("score"), rating.label("rating"), rejected_at.label("rejected_at"))
        .where(MatchTerm.rejection_id.in_(select(pool.c.rejection_id)), MatchTerm.term.in_(list(weights)))
        .group_by(MatchTerm.rejection_id)
    )
    if scored is not None:
        best = best.order_by(*order).limit(scored)
    ranked = best.subquery()
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
