"""Index the reminders sent by DM channel and time, for the daily cap on each recruiter's check-ins.

Before claiming, the sweep counts the check-ins already sent to a recruiter today (their local day, as UTC bounds).
Through the check-ins that would read every reminder the recruiter ever got; (channel, sent_at) reads just today's,
in the recruiter's own DM channel, at most the cap's worth.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the index; the table is only read by it, never rewritten."""
    op.create_index("ix_reminders_sent_channel_sent_at", "reminders_sent", ["channel", "sent_at"])


def downgrade() -> None:
    """Drop it: the daily cap then counts the same rows by reading more of them."""
    op.drop_index("ix_reminders_sent_channel_sent_at", table_name="reminders_sent")
