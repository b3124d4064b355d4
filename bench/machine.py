"""What a benchmark ran on, so figures from different machines are never compared blind."""

from __future__ import annotations

import os
import platform
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from models.db import make_engine, normalize_database_url


def prepare(postgres_url: str, databases: Sequence[str]) -> tuple[str, list[str]]:
    """What a benchmark does before it starts: make a plain `kill` run its `finally` blocks too (they drop the
    scratch databases and stop the servers it started), and describe the machine, PostgreSQL's version included when
    it is among `databases`. Returns the normalised PostgreSQL URL and the description's lines."""
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    url = normalize_database_url(postgres_url)
    return url, describe(url if "postgresql" in databases else None)


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: on two shared cores, above 2 means others were waiting."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def describe(postgres_url: str | None) -> list[str]:
    """One line per fact: CPU, cores, memory, OS, Python, and the database versions in play."""
    lines = [
        f"CPU: {_cpu_model()}, {os.cpu_count()} logical cores",
        f"RAM: {_memory()}",
        f"OS: {_os()}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"SQLite: {sqlite3.sqlite_version}",
    ]
    if postgres_url is not None:
        lines.append(f"PostgreSQL: {_postgres(postgres_url)}")
    return lines


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    return "unknown"


def _os() -> str:
    release = Path("/etc/os-release")
    name = ""
    if release.is_file():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip('"') + ", "
    return f"{name}{platform.platform()}"


def _postgres(url: str) -> str:
    """The server's version and the memory settings that decide how much of an index stays cached."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
            buffers = connection.execute(text("SHOW shared_buffers")).scalar_one()
            work_mem = connection.execute(text("SHOW work_mem")).scalar_one()
    finally:
        engine.dispose()
    return f"{version} (shared_buffers {buffers}, work_mem {work_mem})"
