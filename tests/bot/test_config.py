"""Settings: defaults, normalisation and one clear message for each bad value."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}


def test_defaults() -> None:
    settings = load_settings(BASE)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert not settings.socket_mode
    assert settings.recruiter_user_ids == settings.admin_user_ids == frozenset()


def test_values_are_read_and_normalised() -> None:
    settings = load_settings(
        {
            **BASE,
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "DATABASE_URL": "postgres://u:p@db:5432/keepwarm",
            "PORT": "8080",
            "RECRUITER_USER_IDS": " U01ABC, W02DEF ",
            "RECRUITER_USERGROUP_ID": "S0123",
            "ADMIN_USER_IDS": "U0ADMIN",
        }
    )
    assert settings.socket_mode
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/keepwarm"
    assert settings.port == 8080
    assert settings.recruiter_user_ids == {"U01ABC", "W02DEF"}
    assert settings.recruiter_usergroup_id == "S0123"
    assert settings.admin_user_ids == {"U0ADMIN"}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN must start with xoxb-"),
        ({"SLACK_SIGNING_SECRET": "  "}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN must start with xapp-"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL must be an http(s) URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL uses 'mysql'"),
        ({"PORT": "http"}, "PORT must be a number from 1 to 65535"),
        ({"PORT": "0"}, "PORT must be a number from 1 to 65535"),
        ({"RECRUITER_USER_IDS": "U01ABC,jane"}, "RECRUITER_USER_IDS must be comma-separated Slack user ids"),
        ({"ADMIN_USER_IDS": "@admin"}, "ADMIN_USER_IDS must be comma-separated Slack user ids"),
        ({"RECRUITER_USERGROUP_ID": "recruiters"}, "RECRUITER_USERGROUP_ID must be a Slack user group id"),
    ],
)
def test_bad_values_name_the_variable_and_the_fix(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**BASE, **changes})
    message = str(raised.value)
    assert message.startswith(named)
    assert "\n" not in message
