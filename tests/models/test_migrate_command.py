"""`python -m models migrate`, the release step, as a real process; and the models and the migrations agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

import models
from models.migrate import MIGRATIONS

REPO = Path(__file__).resolve().parents[2]


def migrate(cwd: Path, *args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m models <args>` from `cwd` with a clean environment.

    DATABASE_URL is always passed (python-dotenv never overrides a variable that exists, so a stray `.env` next to the
    code cannot leak in) and the repo is on PYTHONPATH because the process does not run from the repo root.
    """
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "models", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=30
    )


def head() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head() or ""


def test_migrate_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    database = tmp_path / "data" / "keepwarm.db"  # the directory does not exist yet either
    url = f"sqlite:///{database}"

    first = migrate(tmp_path, "migrate", database_url=url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "keepwarm: database schema is up to date\n"
    assert "Traceback" not in first.stderr
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert {"recruiters", "candidates", "rejections", "alembic_version"} <= tables
            assert tables - {"alembic_version"} == set(models.Base.metadata.tables)
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head()]
        engine.dispose()

        second = migrate(tmp_path, "migrate", database_url=url)
        assert second.returncode == 0, second.stderr
        assert second.stdout == "keepwarm: database schema is up to date\n"
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == tables
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head()]
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", [[], ["upgrade"], ["migrate", "--now"]], ids=["none", "other", "extra"])
def test_bad_usage_prints_usage_and_exits_2(args: list[str], tmp_path: Path) -> None:
    result = migrate(tmp_path, *args, database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}")
    assert result.returncode == 2
    assert result.stderr == "usage: python -m models migrate\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_malformed_database_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = migrate(tmp_path, "migrate", database_url="nonsense")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("keepwarm: ") and "DATABASE_URL" in line
    assert result.stdout == ""


def test_models_and_migrations_agree(engine: Engine) -> None:
    """A model changed without a migration (or the reverse) shows up here, on both databases."""
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert diff == []
