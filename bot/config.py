"""Settings read once from the environment, failing fast with one clear line per problem."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from models.ats_rules import DEFAULT_FINAL_STAGES, DEFAULT_SCREEN_STAGES, AtsRules
from models.db import DEFAULT_DATABASE_URL, normalize_database_url
from models.policy import Policy
from models.rejection import STAGES
from models.retention import Retention
from models.working_hours import WorkingHours, parse_work_days, parse_work_hours, valid_zone

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
METRICS_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{32,}")
DEFAULT_DIGEST_CRON = "0 9 * * mon"
DEFAULT_LEVER_API_URL = "https://api.lever.co/v1/"
DEFAULT_ASHBY_API_URL = "https://api.ashbyhq.com/"


class ConfigError(Exception):
    """A missing or malformed setting; the message is the one line shown to whoever starts the bot."""


@dataclass(frozen=True)
class DigestSettings:
    """Where and when the new-roles digest goes, and whether a public channel may see candidate names."""

    channel: str | None = None  # None: no digest is scheduled
    cron: str = DEFAULT_DIGEST_CRON
    tz: str = "UTC"
    show_names: bool = False  # in a public channel; a private channel always sees names

    def trigger(self) -> CronTrigger:
        """The APScheduler trigger for DIGEST_CRON in DIGEST_TZ."""
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.tz))


@dataclass(frozen=True)
class AtsSecrets:
    """What switches each ATS webhook receiver on: Greenhouse's and Ashby's secret keys, Lever's signature tokens
    (one per Lever webhook)."""

    greenhouse: str | None = None
    lever: tuple[str, ...] = ()
    ashby: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.greenhouse or self.lever or self.ashby)


@dataclass(frozen=True)
class ApiAccess:
    """Where an ATS's API is (Lever's EU host, or a test's fake) and the key to read it with."""

    key: str | None
    url: str


@dataclass(frozen=True)
class OAuthApp:
    """Multi-workspace mode: the app's credentials for Slack's OAuth install, and where Slack sends installers
    back (None: the one Redirect URL the app's settings give)."""

    client_id: str
    client_secret: str
    redirect_uri: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the bot and the jobs need from the environment."""

    slack_bot_token: str | None  # None in multi-workspace mode: each workspace's token is in the installation store
    slack_signing_secret: str
    slack_app_token: str | None
    slack_api_url: str
    database_url: str
    port: int
    recruiter_user_ids: frozenset[str]
    recruiter_usergroup_id: str | None
    admin_user_ids: frozenset[str]
    policy: Policy
    retention: Retention
    working_hours: WorkingHours
    checkins_per_day: int  # per recruiter per local working day: a backlog (an import, an outage) is spread out
    sweep_minutes: int
    run_scheduler: bool
    log_level: str
    digest: DigestSettings
    ats: AtsSecrets
    ats_rules: AtsRules
    lever_api: ApiAccess
    ashby_api: ApiAccess
    metrics_token: str | None  # None: GET /metrics answers 404
    metrics_port: int | None  # a port of its own for /metrics, for a process that serves no HTTP (the clock)
    oauth: OAuthApp | None = None
    uninstall_grace_days: int = 30
    # The environment these were read from: a workspace's own settings are read again over it (with_overrides).
    env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def multi_workspace(self) -> bool:
        """Installed with Slack's OAuth flow in any number of workspaces, rather than with one bot token."""
        return self.oauth is not None

    @property
    def socket_mode(self) -> bool:
        """Socket Mode needs no public URL, so it wins whenever an app token is configured."""
        return self.slack_app_token is not None


def load_settings(env: Mapping[str, str], *, serving: bool = True) -> Settings:
    """Build Settings from an environment mapping, raising ConfigError on the first bad value.

    The clock process (`serving=False`) receives no requests from Slack, so it does not need the signing secret.
    """
    secret_where = "the Signing Secret from Basic Information"
    oauth = _oauth(env)
    app_token = _optional_token(env, "SLACK_APP_TOKEN", "xapp-")
    if oauth is not None and app_token is not None:
        raise ConfigError(
            "SLACK_APP_TOKEN cannot go with SLACK_CLIENT_ID/SLACK_CLIENT_SECRET: Socket Mode cannot serve an app "
            "installed in many workspaces (Slack's install sends browsers to /slack/oauth_redirect over HTTP); "
            "leave SLACK_APP_TOKEN empty"
        )
    bot_token_where = "the Bot User OAuth Token from OAuth & Permissions"
    return Settings(
        slack_bot_token=None if oauth else _token(env, "SLACK_BOT_TOKEN", "xoxb-", bot_token_where),
        slack_signing_secret=_required(env, "SLACK_SIGNING_SECRET", secret_where) if serving else "",
        slack_app_token=app_token,
        slack_api_url=_api_url(env, "SLACK_API_URL", DEFAULT_SLACK_API_URL),
        database_url=_database_url(env),
        port=_port(env),
        recruiter_user_ids=_user_ids(env, "RECRUITER_USER_IDS"),
        recruiter_usergroup_id=_usergroup(env),
        admin_user_ids=_user_ids(env, "ADMIN_USER_IDS"),
        policy=_policy(env),
        retention=_retention(env),
        working_hours=_working_hours(env),
        checkins_per_day=_positive(env, "CHECKINS_PER_DAY", 10, 500),
        sweep_minutes=_positive(env, "SWEEP_MINUTES", 5, 1440),
        run_scheduler=_flag(env, "RUN_SCHEDULER", True),
        log_level=_log_level(env),
        digest=_digest(env),
        ats=AtsSecrets(
            greenhouse=_value(env, "GREENHOUSE_WEBHOOK_SECRET"),
            lever=_comma_list(env, "LEVER_WEBHOOK_TOKENS"),
            ashby=_value(env, "ASHBY_WEBHOOK_SECRET"),
        ),
        ats_rules=_ats_rules(env),
        lever_api=_lever_api(env),
        ashby_api=ApiAccess(_value(env, "ASHBY_API_KEY"), _api_url(env, "ASHBY_API_URL", DEFAULT_ASHBY_API_URL)),
        metrics_token=_metrics_token(env),
        metrics_port=_metrics_port(env, serving=serving),
        oauth=oauth,
        uninstall_grace_days=_positive(env, "UNINSTALL_GRACE_DAYS", 30, 3650),
        env=dict(env),
    )


def with_overrides(settings: Settings, overrides: Mapping[str, str]) -> Settings:
    """A workspace's settings: its admins' values read over the environment's by the same parser, so a value is
    refused with the same message in the Settings modal as in .env (ConfigError)."""
    if not overrides:
        return settings
    read = load_settings({**settings.env, **overrides}, serving=bool(settings.slack_signing_secret))
    return replace(read, env=settings.env)  # the environment stays the default of every workspace


def configure_logging(settings: Settings) -> None:
    """One format for every process, at the configured level."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _value(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _required(env: Mapping[str, str], name: str, where: str) -> str:
    value = _value(env, name)
    if value is None:
        raise ConfigError(f"{name} is not set: copy {where} of your Slack app into .env (see .env.example)")
    return value


def _token(env: Mapping[str, str], name: str, prefix: str, where: str) -> str:
    value = _required(env, name, where)
    if not value.startswith(prefix):
        raise ConfigError(f"{name} must start with {prefix}: copy {where} of your Slack app into .env")
    return value


def _optional_token(env: Mapping[str, str], name: str, prefix: str) -> str | None:
    value = _value(env, name)
    if value is not None and not value.startswith(prefix):
        raise ConfigError(
            f"{name} must start with {prefix}: create an app-level token with connections:write "
            "under Basic Information, or leave it empty to run in HTTP mode"
        )
    return value


def _oauth(env: Mapping[str, str]) -> OAuthApp | None:
    """Both credentials switch multi-workspace mode on; one without the other is a mistake, not single mode."""
    client_id, secret = _value(env, "SLACK_CLIENT_ID"), _value(env, "SLACK_CLIENT_SECRET")
    if client_id is None and secret is None:
        return None
    if client_id is None or secret is None:
        missing = "SLACK_CLIENT_ID" if client_id is None else "SLACK_CLIENT_SECRET"
        raise ConfigError(
            f"{missing} is not set: multi-workspace mode needs both the Client ID and the Client Secret from "
            "Basic Information > App Credentials (or neither, for one workspace with SLACK_BOT_TOKEN)"
        )
    if not re.fullmatch(r"[0-9]+\.[0-9]+", client_id):
        raise ConfigError(
            f"SLACK_CLIENT_ID must look like 1234567890.1234567890 (Basic Information), not {client_id!r}"
        )
    redirect = _value(env, "SLACK_REDIRECT_URI")
    if redirect is not None:
        parts = urlsplit(redirect)
        ours = parts.path.endswith("/slack/oauth_redirect")
        if parts.scheme not in ("http", "https") or not parts.netloc or not ours:
            raise ConfigError(
                f"SLACK_REDIRECT_URI must be this server's https://<host>/slack/oauth_redirect, not {redirect!r}"
            )
    return OAuthApp(client_id=client_id, client_secret=secret, redirect_uri=redirect)


def _database_url(env: Mapping[str, str]) -> str:
    try:
        return normalize_database_url(_value(env, "DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _api_url(env: Mapping[str, str], name: str, default: str) -> str:
    url = _value(env, name) or default
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL such as {default}, not {url!r}")
    return url if url.endswith("/") else url + "/"


def _lever_api(env: Mapping[str, str]) -> ApiAccess:
    """Lever's webhooks carry ids only: without an API key, a Lever delivery could never be read."""
    key = _value(env, "LEVER_API_KEY")
    if key is None and _comma_list(env, "LEVER_WEBHOOK_TOKENS"):
        raise ConfigError(
            "LEVER_API_KEY is not set: Lever's webhooks carry ids only, so Keepwarm reads each opportunity from "
            "Lever's API; create a key with read access to opportunities, archive reasons and stages "
            "(Settings > Integrations and API > API credentials)"
        )
    return ApiAccess(key=key, url=_api_url(env, "LEVER_API_URL", DEFAULT_LEVER_API_URL))


def _stage_names(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return _comma_list(env, name) or default


def _one_stage(env: Mapping[str, str], name: str, default: str) -> str:
    stage = (_value(env, name) or default).lower()
    if stage not in STAGES:
        raise ConfigError(f"{name} must be screen, interview or final, not {stage!r}")
    return stage


def _ats_rules(env: Mapping[str, str]) -> AtsRules:
    keep = tuple(stage.lower() for stage in _comma_list(env, "ATS_KEEP_WITHOUT_ASKING"))
    if not set(keep) <= set(STAGES):
        raise ConfigError(f"ATS_KEEP_WITHOUT_ASKING must list screen, interview and/or final, not {list(keep)!r}")
    return AtsRules.of(
        screen=_stage_names(env, "ATS_SCREEN_STAGES", DEFAULT_SCREEN_STAGES),
        final=_stage_names(env, "ATS_FINAL_STAGES", DEFAULT_FINAL_STAGES),
        ask_from=_one_stage(env, "ATS_ASK_FROM_STAGE", "interview"),
        keep_without_asking=keep,
    )


def _port(env: Mapping[str, str]) -> int:
    return _port_number("PORT", _value(env, "PORT") or "3000")


def _port_number(name: str, raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{name} must be a number from 1 to 65535, not {raw!r}")
    return int(raw)


def _metrics_token(env: Mapping[str, str]) -> str | None:
    """Sent by scrapers as `Authorization: Bearer <token>`: long enough not to be guessed, in a header's characters."""
    token = _value(env, "METRICS_TOKEN")
    if token is not None and not METRICS_TOKEN.fullmatch(token):
        raise ConfigError(
            "METRICS_TOKEN must be at least 32 letters, digits or - . _ ~ + / = (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or empty to switch /metrics off"
        )
    return token


def _metrics_port(env: Mapping[str, str], *, serving: bool) -> int | None:
    """Only with a token: a port whose one path always answered 404 would look like metrics and serve none."""
    raw = _value(env, "METRICS_PORT")
    if raw is None:
        return None
    port = _port_number("METRICS_PORT", raw)
    if _value(env, "METRICS_TOKEN") is None:
        raise ConfigError(
            "METRICS_PORT is set but METRICS_TOKEN is not: set the token scrapers will send, or unset METRICS_PORT"
        )
    if serving and port == _port(env):
        raise ConfigError(f"METRICS_PORT must differ from PORT ({port}), the port python -m bot serves HTTP on")
    return port


def _comma_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated setting's non-empty items, trimmed, in order."""
    return tuple(part.strip() for part in (_value(env, name) or "").split(",") if part.strip())


def _user_ids(env: Mapping[str, str], name: str) -> frozenset[str]:
    ids = frozenset(_comma_list(env, name))
    bad = sorted(i for i in ids if not USER_ID.match(i))
    if bad:
        raise ConfigError(f"{name} must be comma-separated Slack user ids like U012ABCDEF, not {bad[0]!r}")
    return ids


def _usergroup(env: Mapping[str, str]) -> str | None:
    value = _value(env, "RECRUITER_USERGROUP_ID")
    if value is not None and not USERGROUP_ID.match(value):
        raise ConfigError(f"RECRUITER_USERGROUP_ID must be a Slack user group id like S012ABCDEF, not {value!r}")
    return value


def _log_level(env: Mapping[str, str]) -> str:
    level = (_value(env, "LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


def _positive(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = _value(env, name) or str(default)
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ConfigError(f"{name} must be a whole number from 1 to {maximum}, not {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (_value(env, name) or str(default)).lower()
    if raw not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    return raw in ("true", "1", "yes")


def _policy(env: Mapping[str, str]) -> Policy:
    raw = _value(env, "CHECKIN_DAYS") or "14,90"
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isdigit() and int(part) > 0 for part in parts) or parts != sorted(parts, key=int):
        raise ConfigError(f"CHECKIN_DAYS must be increasing whole days after the rejection, like 14,90, not {raw!r}")
    stages = frozenset(s.strip().lower() for s in (_value(env, "STRONG_STAGES") or "final").split(",") if s.strip())
    if not stages <= {"screen", "interview", "final"}:
        raise ConfigError(f"STRONG_STAGES must list screen, interview and/or final, not {sorted(stages)!r}")
    return Policy(
        first_days=tuple(int(part) for part in parts),
        repeat_days=_positive(env, "CHECKIN_REPEAT_DAYS", 180, 3650),
        strong_min_rating=_positive(env, "STRONG_MIN_RATING", 4, 6),
        strong_stages=stages,
    )


def _days(env: Mapping[str, str], name: str, default: int, *, zero: str) -> int:
    """A number of days up to ten years; 0 is allowed and means `zero`."""
    raw = _value(env, name) or str(default)
    if not raw.isdigit() or int(raw) > 3650:
        raise ConfigError(f"{name} must be a whole number of days from 0 ({zero}) to 3650, not {raw!r}")
    return int(raw)


def _retention(env: Mapping[str, str]) -> Retention:
    days = _days(env, "RETENTION_DAYS", 180, zero="kept for good")
    consent_days = _days(env, "CONSENT_RETENTION_DAYS", 730, zero="kept for good")
    warning_days = _days(env, "RETENTION_WARNING_DAYS", 30, zero="no warning")
    shortest = min((d for d in (days, consent_days) if d), default=0)
    if shortest and warning_days >= shortest:
        raise ConfigError(
            f"RETENTION_WARNING_DAYS must be shorter than the retention periods ({shortest} days), not {warning_days}"
        )
    return Retention(days=days, consent_days=consent_days, warning_days=warning_days)


def _working_hours(env: Mapping[str, str]) -> WorkingHours:
    try:
        start, end = parse_work_hours(_value(env, "WORK_HOURS") or "09:00-17:00")
    except ValueError as error:
        raise ConfigError(f"WORK_HOURS {error}") from None
    try:
        days = parse_work_days(_value(env, "WORK_DAYS") or "mon-fri")
    except ValueError as error:
        raise ConfigError(f"WORK_DAYS {error}") from None
    default_tz = _value(env, "DEFAULT_TIMEZONE") or "UTC"
    try:
        return WorkingHours(start=start, end=end, days=days, default_tz=default_tz)
    except ValueError:
        raise ConfigError(f"DEFAULT_TIMEZONE must be an IANA time zone like Europe/Paris, not {default_tz!r}") from None


def _digest(env: Mapping[str, str]) -> DigestSettings:
    channel = _value(env, "DIGEST_CHANNEL")
    if channel is not None and not CHANNEL_ID.match(channel):
        raise ConfigError(
            f"DIGEST_CHANNEL must be a channel id like C012ABCDEF (channel details > About), not {channel!r}"
        )
    tz = _value(env, "DIGEST_TZ") or _value(env, "DEFAULT_TIMEZONE") or "UTC"
    if not valid_zone(tz):
        raise ConfigError(f"DIGEST_TZ must be an IANA time zone like Europe/Paris, not {tz!r}")
    digest = DigestSettings(
        channel=channel,
        cron=" ".join((_value(env, "DIGEST_CRON") or DEFAULT_DIGEST_CRON).split()),
        tz=tz,
        show_names=_flag(env, "DIGEST_SHOW_NAMES", False),
    )
    fields = digest.cron.split()
    if len(fields) == 5 and re.search(r"(?<![/\d])\d", fields[4]):
        # APScheduler 3 reads weekday 0 as Monday where cron reads Sunday: names leave no doubt.
        raise ConfigError(
            f"DIGEST_CRON must name weekdays (mon, tue, … sun), not number them: {digest.cron!r} "
            "would run on a different day than cron would"
        )
    try:
        digest.trigger()
    except ValueError as error:
        raise ConfigError(
            f"DIGEST_CRON must be a crontab line: minute hour day month weekday, like {DEFAULT_DIGEST_CRON!r}, "
            f"not {digest.cron!r} ({str(error).splitlines()[0]})"
        ) from None
    return digest
