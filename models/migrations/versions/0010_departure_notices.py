"""Handover when a recruiter leaves: the DM each admin gets once per departure, with who it was handed to.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A new table only: no existing row changes."""
    op.create_table(
        "departure_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("handed_to", sa.String(length=32), nullable=True),
        sa.Column("handed_by", sa.String(length=32), nullable=True),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recruiter_id"], ["recruiters.id"], name="fk_departure_notices_recruiter_id_recruiters"
        ),
        sa.ForeignKeyConstraint(["admin_id"], ["recruiters.id"], name="fk_departure_notices_admin_id_recruiters"),
        sa.PrimaryKeyConstraint("id", name="pk_departure_notices"),
        sa.UniqueConstraint("recruiter_id", "departed_at", "admin_id", name="uq_departure_notices_recruiter_id"),
    )


def downgrade() -> None:
    op.drop_table("departure_notices")
