"""Alembic environment: migrate the connection Keepwarm hands over, or DATABASE_URL from the command line."""

import os
from logging.config import fileConfig

from alembic import context
from dotenv import find_dotenv, load_dotenv
from sqlalchemy import Connection

from models import Base
from models.db import DEFAULT_DATABASE_URL, make_engine, normalize_database_url

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    """Run pending migrations in one transaction on the given connection."""
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    load_dotenv(find_dotenv(usecwd=True), override=False)
    engine = make_engine(normalize_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL))
    with engine.connect() as cli_connection:
        run(cli_connection)
