"""Engine and session factory, built once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

# Slack gives a command three seconds: a database that does not answer must fail well before that.
CONNECT_TIMEOUT_SECONDS = 2
# A SQLite file gets one pooled connection per process. Every transaction takes SQLite's write lock (BEGIN
# IMMEDIATE), so a second connection adds no concurrency, only contention: waiting threads queue on the pool and
# each gets the connection the moment the last one is returned, where SQLite's busy handler polls with sleeps of up
# to 100 ms and let one request wait 1.9 s of its 2 s under 20 concurrent senders (bench/ack_latency.py). The wait
# is bounded like the busy timeout; other processes (the clock) still meet SQLite's lock and its busy timeout.
ONE_WRITER = {"pool_size": 1, "max_overflow": 0, "pool_timeout": CONNECT_TIMEOUT_SECONDS}
DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("data") / "keepwarm.db")


def normalize_database_url(url: str) -> str:
    """Accept Heroku's `postgres://` and bare `postgresql://`, and pin the psycopg 3 driver we ship.

    A URL Keepwarm cannot use is a ValueError whose message is the one line shown to whoever starts it.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            "DATABASE_URL is not a database URL: use e.g. sqlite:///data/keepwarm.db or postgresql://user@host/db"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"DATABASE_URL uses {parsed.get_backend_name()!r}: Keepwarm supports sqlite and postgresql")
    return url


def one_line(error: BaseException) -> str:
    """A driver's error (psycopg's span two lines) as the single line start-up promises."""
    return " ".join(str(getattr(error, "orig", None) or error).split())


def make_engine(url: str) -> Engine:
    """An engine tuned so that an unreachable database fails fast instead of hanging a Slack request."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pooling: dict[str, Any] = {}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            pooling = ONE_WRITER
        engine = create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS}, **pooling)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=CONNECT_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Take transaction control from pysqlite, enforce foreign keys, and let readers work while a writer commits.

    pysqlite's own BEGIN handling lets a SAVEPOINT outside a transaction commit on release, which would leave
    half a unit of work behind; SQLAlchemy's documented fix is to disable it and emit BEGIN ourselves.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock up front: a deferred transaction that reads and then writes fails at once
    (SQLITE_BUSY) when another process committed in between, whereas IMMEDIATE waits for the busy timeout."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions keep loaded values after commit so replies can be built from them."""
    return sessionmaker(engine, expire_on_commit=False)


def database_reachable(engine: Engine) -> bool:
    """True when a trivial query succeeds: what /healthz reports.

    A pooled SQLite connection keeps working on a file that was deleted, so for SQLite the file must exist too.
    """
    database = engine.url.database
    is_file = engine.url.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
    if is_file and not Path(str(database)).is_file():
        return False
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
