"""Recruiters, candidates and rejections, each scoped by Slack team id.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three tables of the foundation."""
    op.create_table(
        "recruiters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("tz_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recruiters"),
        sa.UniqueConstraint("team_id", "user_id", name="uq_recruiters_team_id"),
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("linkedin_url", sa.String(length=300), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_candidates"),
        sa.UniqueConstraint("team_id", "email", name="uq_candidates_team_id"),
    )
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("role_title", sa.String(length=150), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('screen', 'interview', 'final')", name="ck_rejections_stage"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_rejections_rating"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_rejections_candidate_id_candidates", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["recruiter_id"], ["recruiters.id"], name="fk_rejections_recruiter_id_recruiters"),
        sa.PrimaryKeyConstraint("id", name="pk_rejections"),
    )
    op.create_index("ix_rejections_candidate_id", "rejections", ["candidate_id"])
    op.create_index(
        "ix_rejections_team_recruiter_rejected_at", "rejections", ["team_id", "recruiter_id", "rejected_at"]
    )
    op.create_index("ix_rejections_team_rejected_at", "rejections", ["team_id", "rejected_at"])


def downgrade() -> None:
    """Drop the foundation tables."""
    op.drop_table("rejections")
    op.drop_table("candidates")
    op.drop_table("recruiters")
