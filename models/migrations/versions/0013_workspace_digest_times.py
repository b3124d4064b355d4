"""Each workspace's digest on its own schedule: when its last digest ran, so the clock knows which of its DIGEST_CRON
times it has handled.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One nullable column: no digest run yet for every workspace installed before."""
    op.add_column("workspaces", sa.Column("digest_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("workspaces", "digest_at")  # SQLite 3.35+ drops a column in place
