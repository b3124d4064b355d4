"""What processing ATS deliveries keeps: ATS candidate ids, last stages seen, notices for recruiters, and where a
rejection came from.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add candidate_ats_ids, ats_stages and ats_notices; give rejections their ATS origin and reason."""
    op.create_table(
        "candidate_ats_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("ats_id", sa.String(length=100), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_candidate_ats_ids_candidate_id_candidates",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_candidate_ats_ids"),
        sa.UniqueConstraint("team_id", "source", "ats_id", name="uq_candidate_ats_ids_team_id"),
    )
    op.create_index("ix_candidate_ats_ids_candidate_id", "candidate_ats_ids", ["candidate_id"])
    op.create_table(
        "ats_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.String(length=100), nullable=False),
        sa.Column("stage_name", sa.String(length=150), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ats_stages"),
        sa.UniqueConstraint("team_id", "source", "application_id", name="uq_ats_stages_team_id"),
    )
    # Plain ALTER TABLE on both databases: a batch "move and copy" of rejections on SQLite would drop the old table,
    # and with foreign keys on, that deletes every check-in through their ON DELETE CASCADE.
    op.add_column("rejections", sa.Column("source", sa.String(length=16), nullable=True))
    op.add_column("rejections", sa.Column("application_id", sa.String(length=100), nullable=True))
    op.add_column("rejections", sa.Column("reason", sa.Text(), nullable=True))
    op.add_column(
        "rejections", sa.Column("rejected_by_candidate", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "ats_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ats_candidate_id", sa.String(length=100), nullable=False),
        sa.Column("application_id", sa.String(length=100), nullable=True),
        sa.Column("recruiter_id", sa.Integer(), nullable=True),
        sa.Column("recruiter_email", sa.String(length=254), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("rejection_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("linkedin_url", sa.String(length=300), nullable=True),
        sa.Column("role_title", sa.String(length=150), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("stage_name", sa.String(length=150), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rejected_by_candidate", sa.Boolean(), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("auto_kept", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('rejected', 'hired', 'applied')", name="ck_ats_notices_kind"),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('kept', 'dismissed', 'withdrawn', 'undone')",
            name="ck_ats_notices_decision",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_ats_notices_candidate_id_candidates", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["recruiter_id"], ["recruiters.id"], name="fk_ats_notices_recruiter_id_recruiters"),
        sa.ForeignKeyConstraint(
            ["rejection_id"], ["rejections.id"], name="fk_ats_notices_rejection_id_rejections", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ats_notices"),
    )
    op.create_index("ix_ats_notices_recruiter_id_sent_at", "ats_notices", ["recruiter_id", "sent_at"])
    op.create_index("ix_ats_notices_application", "ats_notices", ["team_id", "source", "application_id"])
    op.create_index("ix_ats_notices_claim_token", "ats_notices", ["claim_token"])
    op.create_index("ix_ats_notices_ats_candidate_id", "ats_notices", ["ats_candidate_id"])
    op.create_index("ix_ats_notices_candidate_id", "ats_notices", ["candidate_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_table("ats_notices")
    for column in ("rejected_by_candidate", "reason", "application_id", "source"):
        op.drop_column("rejections", column)  # SQLite 3.35+ drops a column in place, keeping the check-ins
    op.drop_table("ats_stages")
    op.drop_index("ix_candidate_ats_ids_candidate_id", table_name="candidate_ats_ids")
    op.drop_table("candidate_ats_ids")
