"""Multi-workspace mode: each installed workspace, and the tables slack_sdk's SQLAlchemy stores keep the installations
and the OAuth states in.

slack_sdk's tables are built here by slack_sdk's own table builders on Keepwarm's metadata, so the check that models
and migrations agree (tests/models/test_migrate_command.py) also catches a slack-sdk upgrade that changes them.
"""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, SQLAlchemyInstallationStore.default_installations_table_name
)
BOTS = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SQLAlchemyInstallationStore.default_bots_table_name)
OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, SQLAlchemyOAuthStateStore.default_table_name
)


class Workspace(Base):
    """A workspace that installed Keepwarm through Slack's OAuth flow: who installed it (its first admin), its
    admins, and since when it is uninstalled (its data is erased once the grace period has passed)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    installed_by: Mapped[str] = mapped_column(String(32))
    # Comma-separated Slack user ids: in multi-workspace mode, ADMIN_USER_IDS would name users of one workspace.
    admin_user_ids: Mapped[str] = mapped_column(String(1000), default="")
    # The settings its admins changed in the Settings modal, as a JSON object of the environment's names and values:
    # the environment's values are the defaults, and one parser (bot.config) reads both.
    settings: Mapped[str] = mapped_column(Text, default="{}")
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the clock last ran its digest: the DIGEST_CRON times up to then are done (jobs/workspace_digests.py).
    digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(part for part in self.admin_user_ids.split(",") if part)

    @property
    def overrides(self) -> dict[str, str]:
        loaded = json.loads(self.settings or "{}")
        return {str(name): str(value) for name, value in loaded.items()} if isinstance(loaded, dict) else {}
