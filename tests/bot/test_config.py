"""Settings: defaults, normalisation and one clear message for each bad value."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load_settings
from models.db import DEFAULT_DATABASE_URL
from models.retention import Retention
from testkit.env import REPO, SETTINGS

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}


def test_defaults() -> None:
    settings = load_settings(BASE)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert not settings.socket_mode
    assert settings.recruiter_user_ids == settings.admin_user_ids == frozenset()
    assert settings.checkins_per_day == 10
    assert settings.retention == Retention(days=180, consent_days=730, warning_days=30)


def test_retention_settings_and_zero_switching_a_period_off() -> None:
    settings = load_settings(
        {**BASE, "RETENTION_DAYS": "0", "CONSENT_RETENTION_DAYS": "365", "RETENTION_WARNING_DAYS": "14"}
    )
    assert settings.retention == Retention(days=0, consent_days=365, warning_days=14)
    assert settings.retention.period(consented=False) is None
    assert settings.retention.period(consented=True) == timedelta(days=365)


def test_reminder_settings() -> None:
    settings = load_settings(
        {
            **BASE,
            "CHECKIN_DAYS": "7, 30, 120",
            "CHECKIN_REPEAT_DAYS": "365",
            "STRONG_STAGES": "interview,final",
            "STRONG_MIN_RATING": "5",
            "WORK_HOURS": "08:30-18:00",
            "WORK_DAYS": "sun-thu",
            "DEFAULT_TIMEZONE": "Asia/Jerusalem",
            "SWEEP_MINUTES": "2",
            "RUN_SCHEDULER": "false",
            "CHECKINS_PER_DAY": "25",
        }
    )
    policy, hours = settings.policy, settings.working_hours
    assert (policy.first_days, policy.repeat_days, policy.strong_min_rating) == ((7, 30, 120), 365, 5)
    assert policy.is_strong(stage="interview", rating=None) and not policy.is_strong(stage="screen", rating=4)
    assert (hours.start.isoformat(), hours.end.isoformat()) == ("08:30:00", "18:00:00")
    assert hours.days == {6, 0, 1, 2, 3}
    assert hours.default_tz == "Asia/Jerusalem"
    assert (settings.sweep_minutes, settings.run_scheduler) == (2, False)
    assert settings.checkins_per_day == 25


def test_digest_settings_default_to_mondays_at_nine_in_the_default_time_zone() -> None:
    digest = load_settings({**BASE, "DEFAULT_TIMEZONE": "Europe/Paris"}).digest
    assert (digest.channel, digest.cron, digest.tz, digest.show_names) == (None, "0 9 * * mon", "Europe/Paris", False)
    fire = digest.trigger().get_next_fire_time(None, datetime(2026, 11, 22, 12, tzinfo=UTC))  # a Sunday
    assert fire == datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Europe/Paris"))


def test_digest_settings_are_read() -> None:
    digest = load_settings(
        {
            **BASE,
            "DIGEST_CHANNEL": "G0PRIVATE",
            "DIGEST_CRON": "30  8 * * tue,thu",
            "DIGEST_TZ": "America/New_York",
            "DIGEST_SHOW_NAMES": "true",
        }
    ).digest
    assert (digest.channel, digest.cron, digest.tz, digest.show_names) == (
        "G0PRIVATE",
        "30 8 * * tue,thu",
        "America/New_York",
        True,
    )


def test_the_clock_process_needs_no_signing_secret() -> None:
    assert load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, serving=False).slack_signing_secret == ""
    with pytest.raises(ConfigError):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"})


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
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        ({"CHECKIN_DAYS": "90,14"}, "CHECKIN_DAYS must be increasing whole days"),
        ({"CHECKIN_DAYS": "two weeks"}, "CHECKIN_DAYS must be increasing whole days"),
        ({"CHECKIN_REPEAT_DAYS": "0"}, "CHECKIN_REPEAT_DAYS must be a whole number"),
        ({"STRONG_STAGES": "onsite"}, "STRONG_STAGES must list"),
        ({"STRONG_MIN_RATING": "9"}, "STRONG_MIN_RATING must be a whole number"),
        ({"WORK_HOURS": "9-5"}, "WORK_HOURS must look like 09:00-17:00"),
        ({"WORK_HOURS": "17:00-09:00"}, "WORK_HOURS must start before it ends"),
        ({"WORK_DAYS": "weekdays"}, "WORK_DAYS must name days"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE must be an IANA time zone"),
        ({"SWEEP_MINUTES": "often"}, "SWEEP_MINUTES must be a whole number"),
        ({"CHECKINS_PER_DAY": "0"}, "CHECKINS_PER_DAY must be a whole number from 1 to 500"),
        ({"CHECKINS_PER_DAY": "501"}, "CHECKINS_PER_DAY must be a whole number from 1 to 500"),
        ({"CHECKINS_PER_DAY": "ten"}, "CHECKINS_PER_DAY must be a whole number from 1 to 500"),
        ({"RUN_SCHEDULER": "maybe"}, "RUN_SCHEDULER must be true or false"),
        ({"DIGEST_CHANNEL": "#hiring"}, "DIGEST_CHANNEL must be a channel id"),
        ({"DIGEST_CRON": "0 9 * *"}, "DIGEST_CRON must be a crontab line"),
        ({"DIGEST_CRON": "61 9 * * mon"}, "DIGEST_CRON must be a crontab line"),
        ({"DIGEST_CRON": "0 9 * * 1"}, "DIGEST_CRON must name weekdays"),
        ({"DIGEST_TZ": "Mars/Olympus"}, "DIGEST_TZ must be an IANA time zone"),
        ({"DIGEST_SHOW_NAMES": "sometimes"}, "DIGEST_SHOW_NAMES must be true or false"),
        ({"RETENTION_DAYS": "six months"}, "RETENTION_DAYS must be a whole number of days from 0 (kept for good)"),
        ({"RETENTION_DAYS": "-1"}, "RETENTION_DAYS must be a whole number of days from 0 (kept for good) to 3650"),
        ({"CONSENT_RETENTION_DAYS": "4000"}, "CONSENT_RETENTION_DAYS must be a whole number of days from 0"),
        ({"RETENTION_WARNING_DAYS": "a month"}, "RETENTION_WARNING_DAYS must be a whole number of days from 0"),
        ({"RETENTION_WARNING_DAYS": "180"}, "RETENTION_WARNING_DAYS must be shorter than the retention periods (180"),
    ],
)
def test_bad_values_name_the_variable_and_the_fix(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**BASE, **changes})
    message = str(raised.value)
    assert message.startswith(named)
    assert "\n" not in message


def test_every_setting_read_is_documented_in_env_example() -> None:
    """`.env.example` is the settings' documentation, and the tests' list of what to blank in child processes."""
    read = set(re.findall(r'env, "([A-Z_]+)"', (REPO / "bot" / "config.py").read_text()))
    assert read == set(SETTINGS)
