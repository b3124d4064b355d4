"""What both processes (web and clock) do before they start: check settings and the database."""

from __future__ import annotations

import sys

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings
from models.db import make_engine, one_line
from models.migrate import is_current, upgrade


class StartupError(Exception):
    """A problem that stops start-up; the message is the one line shown, the code is the exit status."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def refuse(error: ConfigError | StartupError) -> int:
    """Print the one line a refused start-up owes the operator; return the exit status (2 for bad settings)."""
    print(f"keepwarm: {error}", file=sys.stderr)
    return error.code if isinstance(error, StartupError) else 2


def prepare_database(settings: Settings) -> Engine:
    """SQLite is migrated in place; PostgreSQL must have been migrated by the release step."""
    engine = make_engine(settings.database_url)
    backend = make_url(settings.database_url).get_backend_name()
    try:
        if backend == "sqlite":
            upgrade(engine)
        elif not is_current(engine):
            raise StartupError("the database schema is not up to date: run `python -m models migrate` first", 2)
    except SQLAlchemyError as error:
        raise StartupError(f"cannot use the database in DATABASE_URL: {one_line(error)}", 1) from None
    return engine
