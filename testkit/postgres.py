"""A PostgreSQL server of a test's own, to stop and start under a running app: the shared server is never stopped."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port: the shared server on 5432 is never stopped.

    PostgreSQL refuses to run as root, so under root every pg_ctl runs as the `postgres` OS user.
    """

    def __init__(self, bindir: Path, port: int) -> None:
        self.bindir = bindir
        self.port = port
        self.datadir = Path(tempfile.mkdtemp(prefix="keepwarm-pg-"))
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.datadir, "postgres", "postgres")

    def _run(self, program: str, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, str(self.bindir / program), *args], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"{program} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"

    def initdb(self) -> None:
        self._run("initdb", "-D", str(self.datadir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.datadir / "data"), "-l", str(self.datadir / "log"), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: the server dies as in a crash, without closing client connections cleanly."""
        self._run("pg_ctl", "-D", str(self.datadir / "data"), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.datadir / "data" / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


def postgres_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None
