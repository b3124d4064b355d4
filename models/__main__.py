"""`python -m models migrate`: the release step that applies migrations before a deploy goes live."""

from __future__ import annotations

import os
import sys

from dotenv import find_dotenv, load_dotenv
from sqlalchemy.exc import SQLAlchemyError

from models.db import DEFAULT_DATABASE_URL, make_engine, normalize_database_url, one_line
from models.migrate import upgrade

USAGE = "usage: python -m models migrate"


def main(argv: list[str]) -> int:
    """Migrate the database named by DATABASE_URL; exit 2 on bad usage or config, 1 when the database fails."""
    if argv != ["migrate"]:
        print(USAGE, file=sys.stderr)
        return 2
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        url = normalize_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ValueError as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 2
    try:
        upgrade(make_engine(url))
    except SQLAlchemyError as error:
        print(f"keepwarm: could not migrate the database: {one_line(error)}", file=sys.stderr)
        return 1
    print("keepwarm: database schema is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
