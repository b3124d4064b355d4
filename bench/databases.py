"""Throwaway databases for a benchmark run: nothing outlives it, and nothing it does touches real data."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import make_engine, normalize_database_url
from models.migrate import upgrade

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("sqlite", "postgresql")


@contextmanager
def scratch_database(kind: str, postgres_url: str = POSTGRES_DEFAULT) -> Iterator[str]:
    """The URL of an empty database of `kind`, migrated to the newest schema, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as directory:
            url = f"sqlite:///{Path(directory) / 'bench.db'}"
            _migrate(url)
            yield url
    elif kind == "postgresql":
        with scratch_schema(postgres_url) as url:
            yield url
    else:
        raise ValueError(f"unknown database {kind!r}; use one of {', '.join(KINDS)}")


@contextmanager
def scratch_schema(base_url: str) -> Iterator[str]:
    """A schema of its own in a PostgreSQL database, reached through search_path like tests/conftest.py does."""
    base_url = normalize_database_url(base_url)
    admin = make_engine(base_url)
    schema = f"keepwarm_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        _migrate(rendered)
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
