"""`python -m bot` as a real process: settings from the environment or .env, the database check, HTTP or Socket Mode.

Every test builds the child's environment from scratch. Settings a test wants unset are still passed, as empty
strings: python-dotenv never overrides a variable that exists, and the config treats empty as unset, so a stray `.env`
next to the code (where `load_dotenv()` looks, whatever the working directory) cannot leak into a test.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import AtsDelivery, Candidate, Recruiter, Rejection
from models.db import make_engine
from models.migrate import upgrade
from testkit.ats import SECRETS_ENV, fixture, send_ashby, send_greenhouse
from testkit.database import row_counts
from testkit.env import BOT_TOKEN, make_env
from testkit.fakeslack import TEAM_ID, FakeSlack, Reply
from testkit.processes import START_TIMEOUT, bot_process, clean_env, free_port
from testkit.slack_http import get, post, post_signed, slash_command_body

EXAMPLE = 'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5'


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Refusal:
    """What a `python -m bot` that refused to start left behind."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()

    @property
    def keepwarm_lines(self) -> list[str]:
        return [line for line in self.lines if line.startswith("keepwarm:")]


def run_to_exit(env: dict[str, str], cwd: Path, timeout: float = START_TIMEOUT) -> Refusal:
    """Run `python -m bot` expecting it to stop by itself; a server that starts instead is killed by the timeout."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Refusal(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


# --- scratch PostgreSQL databases ----------------------------------------------------------------------------------


class ScratchPostgres:
    """Creates empty databases on the test server, and switches them off and on to simulate an outage."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = psycopg.connect(
            host=self.server.host,
            port=self.server.port,
            user=self.server.username,
            password=self.server.password,
            dbname=self.server.database,
            autocommit=True,
        )
        self.created: list[str] = []

    def create(self, purpose: str) -> tuple[str, str]:
        """A fresh, empty database; returns its name and URL. The pid keeps parallel runs apart."""
        name = f"keepwarm_{purpose}_{os.getpid()}"
        self.drop(name)
        self.admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        # Drop the query: the test server's URL may pin a search_path that exists only in its own database.
        return name, self.server.set(database=name, query={}).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def allow_connections(self, name: str, allow: bool) -> None:
        self.admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")
            )
        )

    def cut_off(self, name: str) -> None:
        """Refuse new connections and end the open ones, then wait until the server has really closed them."""
        self.allow_connections(name, False)
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        for (pid,) in self.admin.execute(query, (name,)).fetchall():
            self.admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 5
        while self.admin.execute(query, (name,)).fetchall():
            assert time.monotonic() < deadline, f"connections to {name} did not close"
            time.sleep(0.05)

    def close(self) -> None:
        for name in self.created:
            self.drop(name)
        self.admin.close()


@pytest.fixture
def scratch_postgres(postgres_url: str) -> Iterator[ScratchPostgres]:
    """Skips like `postgres_url` when PostgreSQL is down (and fails under CI)."""
    scratch = ScratchPostgres(postgres_url)
    try:
        yield scratch
    finally:
        scratch.close()


# --- 1. HTTP mode end to end ---------------------------------------------------------------------------------------


def test_http_mode_end_to_end(database_url: str, engine: Engine, fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = clean_env(**make_env(database_url=database_url, fake_slack=fake_slack, PORT=str(free_port())))
    with bot_process(env, tmp_path) as bot:
        health = bot.wait_until_serving()
        assert health.status == 200, health.body
        assert health.headers["Content-Type"] == "application/json"
        assert health.json()["ok"] is True

        reply = post_signed(bot.url + "/slack/events", slash_command_body(text=EXAMPLE))
        assert reply.status == 200, reply.body
        payload = reply.json()
        assert payload["response_type"] == "ephemeral"
        assert "Jane Doe" in payload["text"]

        with Session(engine) as session:
            rejection = session.scalars(select(Rejection)).one()
            assert (rejection.candidate.name, rejection.candidate.email) == ("Jane Doe", "jane@x.io")
            assert (rejection.role_title, rejection.stage, rejection.rating) == ("Senior Backend Engineer", "final", 5)
            assert session.scalars(select(Recruiter.user_id)).all() == ["U0REC"]
        before = row_counts(engine)

        forged = post_signed(
            bot.url + "/slack/events",
            slash_command_body(text="Mallory Evil role=Backend stage=final"),
            signature="v0=" + "0" * 64,
        )
        assert forged.status == 401, forged.body
        assert row_counts(engine) == before
        with Session(engine) as session:
            assert session.scalars(select(Candidate.name)).all() == ["Jane Doe"]

        missing = get(bot.url + "/nope")
        assert missing.status == 404
        assert missing.json() == {"ok": False, "error": "not_found"}

    # The token was checked against SLACK_API_URL, not slack.com.
    [auth] = fake_slack.calls_to("auth.test")
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


# --- 2. /healthz follows the database ------------------------------------------------------------------------------
# On SQLite a real outage cannot be shown: /healthz runs `SELECT 1` on a pooled connection, which never touches the
# file, so it stays 200 even after the database's directory is deleted. PostgreSQL can be cut off for real instead.


def test_healthz_is_503_while_postgres_refuses_connections_and_recovers(
    scratch_postgres: ScratchPostgres, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    name, url = scratch_postgres.create("healthz")
    migrated = make_engine(url)
    upgrade(migrated)
    migrated.dispose()
    env = clean_env(**make_env(database_url=url, fake_slack=fake_slack, PORT=str(free_port())))
    with bot_process(env, tmp_path) as bot:
        assert bot.wait_until_serving().status == 200

        scratch_postgres.cut_off(name)
        started = time.monotonic()
        down = get(bot.url + "/healthz")
        assert down.status == 503, down.body
        assert down.json() == {"ok": False, "database": "unreachable"}
        assert time.monotonic() - started < 5  # Slack's three seconds are the budget for a failing database

        scratch_postgres.allow_connections(name, True)
        up = get(bot.url + "/healthz")
        assert up.status == 200, up.body
        assert up.json()["ok"] is True


# --- 3. start-up refusals ------------------------------------------------------------------------------------------

REFUSALS = [
    ("SLACK_BOT_TOKEN", ""),
    ("SLACK_BOT_TOKEN", "xoxp-user-token"),
    ("SLACK_SIGNING_SECRET", ""),
    ("PORT", "abc"),
    ("PORT", "70000"),
    ("DATABASE_URL", "nonsense"),
    ("DATABASE_URL", "mysql://x/y"),
    ("SLACK_API_URL", "ftp://x"),
    ("SLACK_APP_TOKEN", "xoxb-wrong"),
    ("RECRUITER_USER_IDS", "bob"),
    ("ADMIN_USER_IDS", "U1,,bad id"),
    ("RECRUITER_USERGROUP_ID", "U123"),
]


@pytest.mark.parametrize(("variable", "value"), REFUSALS, ids=[f"{n}={v!r}" for n, v in REFUSALS])
def test_bad_setting_is_one_line_and_exit_2(variable: str, value: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = make_env(database_url=f"sqlite:///{data / 'keepwarm.db'}", fake_slack=fake_slack, PORT=str(free_port()))
    result = run_to_exit(clean_env(**{**settings, variable: value}), tmp_path)

    assert result.code == 2, result.stderr
    assert len(result.lines) == 1, result.stderr
    [line] = result.lines
    assert line.startswith("keepwarm: ") and variable in line
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    # Refused before touching anything: no database file, no call to Slack.
    assert not data.exists()
    assert fake_slack.calls == []


def test_bot_token_refused_by_slack_is_exit_2(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.script("auth.test", Reply({"ok": False, "error": "invalid_auth"}))
    settings = make_env(database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack=fake_slack)
    result = run_to_exit(clean_env(**settings, PORT=str(free_port())), tmp_path)

    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    # Log lines (the SQLite migration) may come first; the refusal is one line, and the last.
    assert result.keepwarm_lines == result.lines[-1:], result.stderr
    assert "SLACK_BOT_TOKEN" in result.lines[-1]
    assert "invalid_auth" in result.lines[-1]
    [auth] = fake_slack.calls_to("auth.test")
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


def test_unmigrated_postgres_is_refused_and_left_alone(
    scratch_postgres: ScratchPostgres, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    _, url = scratch_postgres.create("unmigrated")
    settings = make_env(database_url=url, fake_slack=fake_slack, PORT=str(free_port()))
    result = run_to_exit(clean_env(**settings), tmp_path)

    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.keepwarm_lines == result.lines[-1:], result.stderr
    assert "python -m models migrate" in result.lines[-1]
    # The bot never migrates PostgreSQL itself: that is the release step's job.
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def unreachable_postgres(slack_server: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Refusal:
    """One run against a PostgreSQL that is not there (port 1), shared by the tests that judge it."""
    slack_server.reset()
    settings = make_env(database_url="postgresql://postgres@127.0.0.1:1/keepwarm", fake_slack=slack_server)
    return run_to_exit(clean_env(**settings, PORT=str(free_port())), tmp_path_factory.mktemp("unreachable"))


def test_unreachable_postgres_fails_fast(unreachable_postgres: Refusal) -> None:
    result = unreachable_postgres
    assert result.code != 0, result.stderr
    assert result.seconds < 5
    assert "Traceback" not in result.stderr
    assert result.lines and result.lines[0].startswith("keepwarm: ") and "DATABASE_URL" in result.lines[0]


def test_unreachable_postgres_is_one_line(unreachable_postgres: Refusal) -> None:
    assert len(unreachable_postgres.lines) == 1, unreachable_postgres.stderr


def test_empty_log_level_means_the_default(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = make_env(database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack=fake_slack)
    with bot_process(clean_env(**settings, PORT=str(free_port()), LOG_LEVEL=""), tmp_path) as bot:
        assert bot.wait_until_serving().status == 200


# --- 4. Socket Mode ------------------------------------------------------------------------------------------------


def socket_mode_env(fake_slack: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A child's environment for Socket Mode, on a SQLite file of the test's own."""
    database_url = f"sqlite:///{tmp_path / 'keepwarm.db'}"
    return clean_env(
        **make_env(database_url=database_url, fake_slack=fake_slack, SLACK_APP_TOKEN="xapp-1-A0APP-1-secret", **extra)
    )


def test_app_token_selects_socket_mode(fake_slack: FakeSlack, tmp_path: Path) -> None:
    # Hold the (failing) answer back for a moment, so the process is surely alive while the port is checked.
    fake_slack.script("apps.connections.open", Reply({"ok": False, "error": "unknown_method"}, delay=1.0))
    port = free_port()
    with bot_process(socket_mode_env(fake_slack, tmp_path, PORT=str(port)), tmp_path) as bot:
        [call] = bot.wait_for_call(fake_slack, "apps.connections.open")
        assert call.headers["Authorization"] == "Bearer xapp-1-A0APP-1-secret"
        assert bot.process.poll() is None, bot.output()
        assert not listening(port)
    [auth] = fake_slack.calls_to("auth.test")
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "Socket Mode" in bot.output()


def test_a_refused_app_token_is_one_line_and_exit_2(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.script("apps.connections.open", Reply({"ok": False, "error": "invalid_auth"}))
    settings = make_env(
        database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}",
        fake_slack=fake_slack,
        SLACK_APP_TOKEN="xapp-1-A0APP-1-revoked",
        RUN_SCHEDULER="false",
    )
    with bot_process(clean_env(**settings), tmp_path) as bot:
        code = bot.process.wait(timeout=15)
        lines = [line for line in bot.output().splitlines() if line.startswith("keepwarm:")]
    assert code == 2
    assert lines == ["keepwarm: Slack refused SLACK_APP_TOKEN (invalid_auth): check the app-level token in .env"]
    assert "Traceback" not in bot.output()


# --- 5. .env -------------------------------------------------------------------------------------------------------


def test_dotenv_in_working_directory_is_read_and_environment_wins(fake_slack: FakeSlack, tmp_path: Path) -> None:
    from_dotenv, from_environment = free_port(), free_port()
    settings = make_env(
        database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack=fake_slack, PORT=str(from_dotenv)
    )
    (tmp_path / ".env").write_text("".join(f"{key}={json.dumps(value)}\n" for key, value in settings.items()))
    # Nothing but PORT in the environment: the tokens, the database and SLACK_API_URL can only come from .env.
    env = clean_env(blank_unset=False, PORT=str(from_environment))
    with bot_process(env, tmp_path) as bot:
        health = bot.wait_until_serving()
        assert health.status == 200, health.body
        assert not listening(from_dotenv)
    assert fake_slack.calls_to("auth.test")


# --- 6. ATS webhooks -----------------------------------------------------------------------------------------------


def test_http_mode_serves_the_ats_receivers_for_the_bot_workspace(
    engine: Engine, database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = clean_env(
        **make_env(database_url=database_url, fake_slack=fake_slack, PORT=str(free_port()), **SECRETS_ENV),
        RUN_SCHEDULER="false",
    )
    with bot_process(env, tmp_path) as bot:
        bot.wait_until_serving()
        reply = send_greenhouse(bot.url, fixture("greenhouse", "reject_candidate"), event_id="gh-1")
        assert (reply.status, reply.json()["kept"]) == (200, True), bot.output()
        assert "ATS webhooks are served on port" in bot.output()
    with Session(engine) as session:
        assert session.execute(select(AtsDelivery.team_id, AtsDelivery.delivery_key)).all() == [(TEAM_ID, "gh-1")]


def test_socket_mode_serves_the_ats_receivers_over_http_beside_the_socket(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.script("apps.connections.open", Reply({"ok": False, "error": "unknown_method"}, delay=5.0))
    env = socket_mode_env(
        fake_slack,
        tmp_path,
        PORT=str(free_port()),
        RUN_SCHEDULER="false",
        ASHBY_WEBHOOK_SECRET=SECRETS_ENV["ASHBY_WEBHOOK_SECRET"],
    )
    with bot_process(env, tmp_path) as bot:
        bot.wait_for_call(fake_slack, "apps.connections.open")
        bot.wait_until_serving()
        ping = send_ashby(bot.url, fixture("ashby", "ping"))
        assert (ping.status, ping.json()) == (200, {"ok": True, "kept": False}), bot.output()
        assert post(bot.url + "/ats/greenhouse", b"{}", {}).status == 404
