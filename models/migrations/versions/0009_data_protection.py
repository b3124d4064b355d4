"""Data protection: the audit trail, each candidate's consent, opt-out and last application, and recruiters'
departures.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANDIDATE_COLUMNS = (
    ("opted_out_at", sa.DateTime(timezone=True)),
    ("opted_out_by", sa.String(length=32)),
    ("consent_at", sa.DateTime(timezone=True)),
    ("consent_by", sa.String(length=32)),
    ("consent_how", sa.String(length=100)),
    ("last_applied_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    """Add audit_entries and the new nullable columns (plain ALTER TABLE: no table is copied, no row changes)."""
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=410), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_audit_entries_candidate_id_candidates",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
    )
    op.create_index("ix_audit_entries_team_id_at", "audit_entries", ["team_id", "at"])
    op.create_index("ix_audit_entries_candidate_id", "audit_entries", ["candidate_id"])
    for name, kind in CANDIDATE_COLUMNS:
        op.add_column("candidates", sa.Column(name, kind, nullable=True))
    op.add_column("recruiters", sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop what upgrade added; the audit trail goes with it."""
    op.drop_column("recruiters", "departed_at")
    for name, _ in reversed(CANDIDATE_COLUMNS):
        op.drop_column("candidates", name)  # SQLite 3.35+ drops a column in place, keeping the rejections
    op.drop_index("ix_audit_entries_candidate_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_team_id_at", table_name="audit_entries")
    op.drop_table("audit_entries")
