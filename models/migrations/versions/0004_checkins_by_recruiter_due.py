"""Index each recruiter's check-ins by status and due date, for the sweep's per-recruiter queries.

The sweep asks, for each recruiter with something due, for their soonest due rows and how many more there are. With
only an index on recruiter_id, both read every check-in the recruiter ever had; (recruiter_id, status, due_at) reads
just the due ones. It also serves whatever recruiter_id alone served, so that index goes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the composite index, then drop the one its first column makes redundant."""
    op.create_index("ix_checkins_recruiter_id_status_due_at", "checkins", ["recruiter_id", "status", "due_at"])
    op.drop_index("ix_checkins_recruiter_id", table_name="checkins")


def downgrade() -> None:
    """Put back the recruiter_id index of 0002."""
    op.create_index("ix_checkins_recruiter_id", "checkins", ["recruiter_id"])
    op.drop_index("ix_checkins_recruiter_id_status_due_at", table_name="checkins")
