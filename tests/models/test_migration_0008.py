"""Migration 0008 gives matching its covering indexes on match_terms, both ways, on both databases, keeping what a
role finds. (Today's models read columns of later migrations, so matching is not run on the 0007 schema itself.)"""

from __future__ import annotations

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from models.matching import find_matches
from testkit.data import reject
from tests.models.test_migration_0004 import migrate

RANKED = ["team_id", "term", "weight", "rating", "rejected_at"]
COVERING = {
    "ix_match_terms_ranked": [*RANKED, "rejection_id"],
    "ix_match_terms_rescore": ["rejection_id", "term", "weight", "rating", "rejected_at"],
}


def term_indexes(engine: Engine) -> dict[str, list[str]]:
    """The named indexes of match_terms and their columns (the candidate index aside)."""
    indexes = inspect(engine).get_indexes("match_terms")
    return {str(i["name"]): list(i["column_names"]) for i in indexes if i["name"] != "ix_match_terms_candidate_id"}


def matched(sessions: sessionmaker[Session]) -> list[str]:
    with sessions.begin() as session:
        found = find_matches(session=session, team_id="T0TEAM", title="Backend Engineer", tags=["python"])
        return [match.name for match in found]


def test_0008_covers_the_matching_index_and_goes_back(engine: Engine, sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Ada", "Backend Engineer", tags="python", rating=5, team="T0TEAM")
    reject(sessions, "Ben", "Backend Developer", tags="python,go", team="T0TEAM")
    reject(sessions, "Cy", "Product Designer", tags="figma", team="T0TEAM")
    assert term_indexes(engine) == COVERING
    assert matched(sessions) == ["Ada", "Ben"]

    migrate(engine, "0008-1", down=True)
    assert term_indexes(engine) == {"ix_match_terms_ranked": RANKED}

    migrate(engine, "head")
    assert term_indexes(engine) == COVERING
    assert matched(sessions) == ["Ada", "Ben"]
