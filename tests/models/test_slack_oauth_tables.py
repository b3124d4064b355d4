"""Migration 0012 makes exactly the tables slack_sdk's SQLAlchemy stores of the pinned slack-sdk read and write, and
goes both ways; a slack-sdk upgrade that changes them fails here rather than in a workspace's install."""

from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, Table, inspect

from tests.models.test_migration_0004 import migrate

SLACK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def slack_sdk_tables() -> dict[str, Table]:
    """The tables as slack_sdk's stores build them for themselves (their own metadata, their default names)."""
    installations = SQLAlchemyInstallationStore(client_id="1.2", engine=None)  # type: ignore[arg-type]
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=None)  # type: ignore[arg-type]
    return {table.name: table for table in (installations.installations, installations.bots, states.oauth_states)}


def shape_in_code(table: Table, engine: Engine) -> dict[str, Any]:
    return {
        "columns": [(c.name, c.type.compile(engine.dialect), c.nullable) for c in table.columns],
        "indexes": sorted((str(i.name), [c.name for c in i.columns]) for i in table.indexes),
        "primary_key": [c.name for c in table.primary_key.columns],
    }


def shape_in_database(name: str, engine: Engine) -> dict[str, Any]:
    found = inspect(engine)
    return {
        "columns": [(c["name"], c["type"].compile(engine.dialect), c["nullable"]) for c in found.get_columns(name)],
        "indexes": sorted((str(i["name"]), list(i["column_names"])) for i in found.get_indexes(name)),
        "primary_key": found.get_pk_constraint(name)["constrained_columns"],
    }


def test_the_migrated_tables_are_slack_sdks(engine: Engine) -> None:
    tables = slack_sdk_tables()
    assert set(tables) == set(SLACK_TABLES)
    for name, table in tables.items():
        assert shape_in_database(name, engine) == shape_in_code(table, engine), name


def test_0012_adds_and_removes_the_oauth_tables(engine: Engine) -> None:
    migrate(engine, "0011", down=True)
    names = set(inspect(engine).get_table_names())
    assert names.isdisjoint({*SLACK_TABLES, "workspaces"})
    assert "candidates" in names
    migrate(engine, "head")
    assert set(inspect(engine).get_table_names()) >= {*SLACK_TABLES, "workspaces"}
