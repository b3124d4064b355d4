"""Writing many new rows at once: COPY on PostgreSQL, one executemany on SQLite, ids taken before the rows are written;
then the planner's statistics refreshed (`analyse`).

An INSERT of a thousand rows with RETURNING costs PostgreSQL's driver more to build and parse than the server takes
to store them, and an executemany is a round of the protocol per row: COPY is what PostgreSQL offers for bulk loads.
It returns no ids, so the ids come first: from the table's own sequence on PostgreSQL (other writers keep drawing
their own), and past the largest on SQLite, where the transaction holds the database's write lock
(models/db.py begins every transaction IMMEDIATE), so nobody else can take them meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, func, select, text
from sqlalchemy.exc import DBAPIError

LOCK_TIMEOUT = "5s"
_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` unused ids for new rows of `table`, increasing."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        return sorted(connection.execute(_NEXT_IDS, {"table": table.name, "count": count}).scalars())
    start = connection.scalar(select(func.max(table.c.id))) or 0
    return list(range(start + 1, start + count + 1))


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all name the same columns; the others get their model defaults (evaluated once)."""
    if not rows:
        return
    named = list(rows[0])
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg  # type: ignore[attr-defined]
        for column in table.columns
        if column.name not in named and column.default is not None and not column.primary_key
    }
    columns = [*named, *defaults]
    if connection.dialect.name != "postgresql":
        # The column types' own conversions, applied here once per value: SQLAlchemy's executemany spent more time
        # preparing each row's parameters than SQLite took to store it.
        convert = [table.c[name].type.bind_processor(connection.dialect) for name in columns]
        fixed = [v if to is None else to(v) for to, v in zip(convert[len(named) :], defaults.values(), strict=True)]
        places = ", ".join("?" * len(columns))
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({places})",
            [
                (*(row[n] if to is None else to(row[n]) for n, to in zip(named, convert, strict=False)), *fixed)
                for row in rows
            ],
        )
        return
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    fixed = [json.dumps(value) if name in as_json else value for name, value in defaults.items()]
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    driver = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([*(json.dumps(row[n]) if n in as_json else row[n] for n in named), *fixed])
    except driver.Error as error:  # as SQLAlchemy raises a failed statement: IntegrityError for a duplicate, say
        raise DBAPIError.instance(statement, None, error, driver.Error) from error


def analyse(engine: Engine, tables: Sequence[Table]) -> None:
    """Refresh the planner's statistics of `tables` after many rows were written to them, so queries are planned for
    what they now hold. Without it PostgreSQL plans a freshly filled table as if it were still empty, and with an
    empty visibility map every index-only scan reads the table too, until autovacuum gets there (if it is on):
    matching at 1M past candidates right after an import took seconds instead of tens of milliseconds
    (BENCHMARKS.md). PostgreSQL's VACUUM cannot run in a transaction, so it gets a connection in autocommit, and
    waits at most LOCK_TIMEOUT for a lock rather than hang behind another vacuum."""
    names = ", ".join(table.name for table in tables)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {names}")
        return
    with engine.begin() as connection:  # SQLite's ANALYZE names one table at a time
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table.name}")
