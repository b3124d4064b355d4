"""Retention warnings: the owner of a candidate about to be erased is told once, in the reminder DM.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A new table only: nothing existing is rewritten."""
    when = sa.DateTime(timezone=True)
    op.create_table(
        "retention_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", when, nullable=False),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claim_expires_at", when, nullable=True),
        sa.Column("retry_at", when, nullable=True),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.Column("delivery_failed_at", when, nullable=True),
        sa.Column("sent_at", when, nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_retention_warnings_candidate_id_candidates",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recruiter_id"], ["recruiters.id"], name="fk_retention_warnings_recruiter_id_recruiters"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_retention_warnings"),
        sa.UniqueConstraint("candidate_id", "expires_at", name="uq_retention_warnings_candidate_id"),
    )
    op.create_index("ix_retention_warnings_sent_at_recruiter_id", "retention_warnings", ["sent_at", "recruiter_id"])
    op.create_index("ix_retention_warnings_claim_token", "retention_warnings", ["claim_token"])


def downgrade() -> None:
    """Drop the table: warnings not yet delivered are planned again by the next sweep after an upgrade."""
    op.drop_index("ix_retention_warnings_claim_token", table_name="retention_warnings")
    op.drop_index("ix_retention_warnings_sent_at_recruiter_id", table_name="retention_warnings")
    op.drop_table("retention_warnings")
