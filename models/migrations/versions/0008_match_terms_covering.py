"""Cover matching's reads of match_terms with two indexes, so a role is matched without visiting a table row.

The champion lists need each posting's rejection id, and scoring the pool needs each rejection's weights, rating
and date. The old ranked index lacked the id and nothing held the weights, so a query at a million rejections made
some ten thousand random table reads. The ranked index gains rejection_id as its last column: whatever the old one
served (the reopen alerts' finalists by title) the new one serves by the same leading columns, so it is replaced.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANKED = ["team_id", "term", "weight", "rating", "rejected_at"]
RESCORE = ["rejection_id", "term", "weight", "rating", "rejected_at"]


def upgrade() -> None:
    """Rebuild the ranked index with rejection_id and add the rescoring one: plain columns, so one migration serves
    SQLite and PostgreSQL alike. Building both over a million rejections takes about a minute, writes waiting."""
    op.drop_index("ix_match_terms_ranked", table_name="match_terms")
    op.create_index("ix_match_terms_ranked", "match_terms", [*RANKED, "rejection_id"])
    op.create_index("ix_match_terms_rescore", "match_terms", RESCORE)


def downgrade() -> None:
    """Put back the ranked index of 0003; matching then reads table rows again, with the same results."""
    op.drop_index("ix_match_terms_rescore", table_name="match_terms")
    op.drop_index("ix_match_terms_ranked", table_name="match_terms")
    op.create_index("ix_match_terms_ranked", "match_terms", RANKED)
