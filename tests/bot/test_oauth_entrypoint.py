"""`python -m bot` with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: it serves the install without a bot token, keeps its
other paths, and refuses Socket Mode with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.installs import OAUTH_ENV
from testkit.processes import bot_process, clean_env, free_port
from testkit.slack_http import get


def test_serves_the_install_with_no_bot_token(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = make_env(database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack=fake_slack)
    env = clean_env(**{**settings, "SLACK_BOT_TOKEN": "", **OAUTH_ENV, "PORT": str(free_port())})
    env["HOME"] = str(tmp_path)  # where Bolt's file stores would go, were the database's not passed
    with bot_process(env, tmp_path) as bot:
        assert bot.wait_until_serving().status == 200
        page = get(bot.url + "/slack/install")
        assert page.status == 200 and "Add to Slack" in page.body
        assert not (tmp_path / ".bolt-app-installation").exists()
        assert not (tmp_path / ".bolt-app-oauth-state").exists()
        assert get(bot.url + "/slack/elsewhere").status == 404
        assert get(bot.url + "/ats/greenhouse").status == 404
    assert fake_slack.calls_to("auth.test") == []  # no token to check: each workspace brings its own


def test_socket_mode_with_client_credentials_is_one_line_and_exit_2(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = make_env(database_url=f"sqlite:///{tmp_path / 'data' / 'keepwarm.db'}", fake_slack=fake_slack)
    env = clean_env(**{**settings, **OAUTH_ENV, "SLACK_APP_TOKEN": "xapp-1-A0-1-x", "PORT": str(free_port())})
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("keepwarm: SLACK_APP_TOKEN cannot go with SLACK_CLIENT_ID/SLACK_CLIENT_SECRET")
    assert "Socket Mode" in line
    assert not (tmp_path / "data").exists()
    assert fake_slack.calls == []


def test_one_credential_without_the_other_is_refused(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = make_env(database_url=f"sqlite:///{tmp_path / 'keepwarm.db'}", fake_slack=fake_slack)
    env = clean_env(**{**settings, "SLACK_CLIENT_ID": OAUTH_ENV["SLACK_CLIENT_ID"], "PORT": str(free_port())})
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("keepwarm: SLACK_CLIENT_SECRET is not set")
