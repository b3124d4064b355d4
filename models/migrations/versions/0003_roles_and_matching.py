"""Roles, outreach logged against them, reopen alerts, and the matching index over strong past rejections.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from models.matching import index_rejection

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add roles, outreach, reopen alerts and the matching index, then index the strong rejections already kept."""
    op.create_table(
        "match_term_counts",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=48), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "term", name="pk_match_term_counts"),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("location", sa.String(length=150), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.Column("team_name", sa.String(length=150), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=32), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_token", sa.String(length=36), nullable=True),
        sa.Column("digest_claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_channel", sa.String(length=32), nullable=True),
        sa.Column("digest_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint("source IN ('slack', 'greenhouse', 'lever')", name="ck_roles_source"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_roles_status"),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
        sa.UniqueConstraint("team_id", "source", "external_id", name="uq_roles_team_id"),
    )
    op.create_index("ix_roles_digest_waiting", "roles", ["digested_at", "status"])
    op.create_index("ix_roles_team_status", "roles", ["team_id", "status"])

    op.create_table(
        "role_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["recruiter_id"], ["recruiters.id"], name="fk_role_alerts_recruiter_id_recruiters"),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name="fk_role_alerts_role_id_roles", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_role_alerts"),
    )
    op.create_index("ix_role_alerts_pending", "role_alerts", ["sent_at", "recruiter_id"])
    op.create_index("ix_role_alerts_role_id", "role_alerts", ["role_id"])

    op.create_table(
        "role_outreach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_role_outreach_candidate_id_candidates", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name="fk_role_outreach_role_id_roles", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_role_outreach"),
        sa.UniqueConstraint("role_id", "candidate_id", name="uq_role_outreach_role_id"),
    )

    op.create_index("ix_role_outreach_candidate_id", "role_outreach", ["candidate_id"])
    op.create_table(
        "match_terms",
        sa.Column("rejection_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=48), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_match_terms_candidate_id_candidates", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rejection_id"], ["rejections.id"], name="fk_match_terms_rejection_id_rejections", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("rejection_id", "term", name="pk_match_terms"),
    )
    op.create_index("ix_match_terms_candidate_id", "match_terms", ["candidate_id"])
    op.create_index("ix_match_terms_ranked", "match_terms", ["team_id", "term", "weight", "rating", "rejected_at"])

    _index_existing()


def downgrade() -> None:
    """Remove the role and matching tables."""
    for table in ("match_terms", "role_outreach", "role_alerts", "roles", "match_term_counts"):
        op.drop_table(table)


# The tables as this revision knows them: the models describe the newest schema, whose later columns do not exist yet.
_REJECTIONS = sa.table(
    "rejections",
    *(sa.column(name) for name in ("id", "team_id", "candidate_id", "role_title", "stage", "rating", "note")),
    sa.column("rejected_at", UTCDateTime()),
)
_CANDIDATES = sa.table("candidates", sa.column("id"), sa.column("erased"), sa.column("tags", sa.JSON()))


def _index_existing() -> None:
    """Rejections recorded before matching existed must be findable too."""
    session = Session(bind=op.get_bind())
    rows = session.execute(
        select(_REJECTIONS, _CANDIDATES.c.tags)
        .join(_CANDIDATES, _CANDIDATES.c.id == _REJECTIONS.c.candidate_id)
        .where(_CANDIDATES.c.erased.is_(False))
        .order_by(_REJECTIONS.c.id)
    )
    for row in rows:
        index_rejection(session=session, rejection=row, tags=row.tags)  # a row has every attribute indexing reads
    session.flush()
