"""Check-in streams, the reminders sent for them, and recruiters' touchpoints.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the reminder tables and the cached DM channel of each recruiter."""
    with op.batch_alter_table("recruiters") as batch:
        batch.add_column(sa.Column("dm_channel", sa.String(length=32), nullable=True))
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("rejection_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.Column("delivery_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'stopped')", name="ck_checkins_status"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_checkins_candidate_id_candidates", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["recruiter_id"], ["recruiters.id"], name="fk_checkins_recruiter_id_recruiters"),
        sa.ForeignKeyConstraint(
            ["rejection_id"], ["rejections.id"], name="fk_checkins_rejection_id_rejections", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("candidate_id", name="uq_checkins_candidate_id"),
    )
    op.create_index("ix_checkins_status_due_at", "checkins", ["status", "due_at"])
    op.create_index("ix_checkins_claim_token", "checkins", ["claim_token"])
    op.create_index("ix_checkins_recruiter_id", "checkins", ["recruiter_id"])
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name="fk_reminders_sent_checkin_id_checkins", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminders_sent"),
        sa.UniqueConstraint("checkin_id", "step", name="uq_reminders_sent_checkin_id"),
    )
    op.create_table(
        "touchpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name="fk_touchpoints_checkin_id_checkins", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_touchpoints"),
    )
    op.create_index("ix_touchpoints_checkin_id", "touchpoints", ["checkin_id"])


def downgrade() -> None:
    """Remove the reminder tables."""
    op.drop_table("touchpoints")
    op.drop_table("reminders_sent")
    op.drop_table("checkins")
    with op.batch_alter_table("recruiters") as batch:
        batch.drop_column("dm_channel")
