"""The inbox of webhook deliveries from Greenhouse, Lever and Ashby.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ats_deliveries, unique per (team, ATS, delivery key), indexed for the rows still waiting."""
    op.create_table(
        "ats_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.CheckConstraint("source IN ('greenhouse', 'lever', 'ashby')", name="ck_ats_deliveries_source"),
        sa.PrimaryKeyConstraint("id", name="pk_ats_deliveries"),
        sa.UniqueConstraint("team_id", "source", "delivery_key", name="uq_ats_deliveries_team_id"),
    )
    op.create_index("ix_ats_deliveries_waiting", "ats_deliveries", ["processed_at", "received_at"])


def downgrade() -> None:
    """Drop the inbox."""
    op.drop_index("ix_ats_deliveries_waiting", table_name="ats_deliveries")
    op.drop_table("ats_deliveries")
