"""What the database holds, read whole: the plainest proof of what a test changed or left alone."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds: the simplest proof that nothing was written."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in inspect(connection).get_table_names()
            if table != "alembic_version"
        }


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: the proof that a dry run changed nothing."""
    with engine.connect() as connection:
        tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
        return {t: sorted(tuple(map(repr, r)) for r in connection.execute(text(f"SELECT * FROM {t}"))) for t in tables}
