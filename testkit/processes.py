"""Keepwarm's entry points as real processes (`python -m bot`, `python -m jobs`), their environments built from
scratch so no stray .env can leak in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import Call, FakeSlack
from testkit.slack_http import HttpReply, get

START_TIMEOUT = 15.0


def clean_env(*, blank_unset: bool = True, **settings: str) -> dict[str, str]:
    """PATH and HOME, the repo on PYTHONPATH (the child runs from a temporary directory), and only `settings`."""
    if blank_unset:
        return child_env(**{"LOG_LEVEL": "INFO", **settings})
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "PYTHONPATH": str(REPO), **settings}


def free_port() -> int:
    """A port nobody listens on right now; waitress binds 0.0.0.0, so probe the same way."""
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


@dataclass
class Bot:
    """A running `python -m bot`, its combined output going to a file so a chatty child never blocks on a pipe."""

    process: subprocess.Popen[bytes]
    log: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, timeout: float = START_TIMEOUT) -> HttpReply:
        """Poll GET /healthz until the server answers at all (any status); fail at once if the process dies."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"python -m bot exited with {self.process.returncode}:\n{self.output()}")
            try:
                return get(self.url + "/healthz")
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"python -m bot did not answer on port {self.port} in {timeout}s:\n{self.output()}")
                time.sleep(0.05)

    def wait_for_call(self, fake_slack: FakeSlack, method: str, timeout: float = START_TIMEOUT) -> list[Call]:
        """Like FakeSlack.wait_for, but fail at once, with the output, if the process dies first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return fake_slack.wait_for(method, timeout=0.1)
            except AssertionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    code = self.process.returncode
                    pytest.fail(f"python -m bot never called {method} (exit {code}):\n{self.output()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def bot_process(env: dict[str, str], cwd: Path, module: str = "bot") -> Iterator[Bot]:
    """`python -m bot` (or another of Keepwarm's entry points) as a real process, stopped on the way out."""
    log = cwd / f"{module}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield Bot(process, log, int(env["PORT"]) if env.get("PORT", "").isdigit() else 3000)
        finally:
            stop(process)


def cli_env(database_url: str, fake_slack: FakeSlack) -> dict[str, str]:
    """For a `python -m jobs` child: the test deployment's settings, every other one blank, logging at INFO."""
    env = child_env()
    env.update(make_env(database_url=database_url, fake_slack=fake_slack), LOG_LEVEL="INFO")
    return env


def command(now: datetime | str, *options: str) -> list[str]:
    """`python -m jobs run reminders` as of `now`: the sweep a clock process starts."""
    stamp = now if isinstance(now, str) else now.isoformat()
    return [sys.executable, "-m", "jobs", "run", "reminders", "--now", stamp, *options]
