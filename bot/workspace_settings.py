"""Per-workspace settings (multi-workspace mode): what a workspace's admins may change in the Settings modal, and a
workspace's effective settings, its admins' values read over the environment's by bot.config's own parser."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.config import ConfigError, Settings, with_overrides

logger = logging.getLogger("keepwarm.settings")


@dataclass(frozen=True)
class Editable:
    """One setting in the modal: its environment name (also its block id), label and hint; a secret is never shown."""

    name: str
    label: str
    hint: str
    secret: bool = False


ADMINS = "ADMIN_USER_IDS"
EDITABLE = (
    Editable(ADMINS, "Admins", "Slack member IDs, comma-separated (profile ⋮ > Copy member ID)"),
    Editable("RECRUITER_USER_IDS", "Who may use Keepwarm", "Member IDs, comma-separated; empty: everyone"),
    Editable("DEFAULT_TIMEZONE", "Default time zone", "For people whose Slack profile has none, e.g. Europe/Paris"),
    Editable("WORK_HOURS", "Working hours", "When reminders may arrive, e.g. 09:00-17:00"),
    Editable("WORK_DAYS", "Working days", "e.g. mon-fri"),
    Editable("CHECKIN_DAYS", "First check-ins", "Days after a strong rejection, e.g. 14,90"),
    Editable("CHECKIN_REPEAT_DAYS", "Then every", "Days between later check-ins, e.g. 180"),
    Editable("STRONG_STAGES", "Strong: stages", "screen, interview and/or final"),
    Editable("STRONG_MIN_RATING", "Strong: rating at least", "1 to 6"),
    Editable("DIGEST_CHANNEL", "Digest channel", "Channel ID like C012ABCDEF; empty: no digest"),
    Editable("DIGEST_CRON", "Digest schedule", "Crontab line in the digest time zone, e.g. 0 9 * * mon"),
    Editable("DIGEST_TZ", "Digest time zone", "e.g. Europe/Paris; empty: the default time zone"),
    Editable("RETENTION_DAYS", "Keep candidates without consent", "Days after their last activity; 0: for good"),
    Editable("CONSENT_RETENTION_DAYS", "Keep candidates who consented", "Days after their last activity; 0: for good"),
    Editable("RETENTION_WARNING_DAYS", "Warn before erasure", "Days ahead; 0: no warning"),
    Editable("ATS_SCREEN_STAGES", "ATS screen stages", "Stage names, comma-separated; empty: the defaults"),
    Editable("ATS_FINAL_STAGES", "ATS final stages", "Stage names, comma-separated; empty: the defaults"),
    Editable("GREENHOUSE_WEBHOOK_SECRET", "Greenhouse secret key", "Empty keeps the current one", secret=True),
    Editable("ASHBY_WEBHOOK_SECRET", "Ashby secret token", "Empty keeps the current one", secret=True),
    Editable(
        "LEVER_WEBHOOK_TOKENS", "Lever signature tokens", "Comma-separated; empty keeps the current ones", secret=True
    ),
    Editable("LEVER_API_KEY", "Lever API key", "Needed with the tokens; empty keeps the current one", secret=True),
)
NAMES = tuple(editable.name for editable in EDITABLE)


class SettingsRefused(Exception):
    """A value the environment's parser refuses; `field` is the modal block to show its message under."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def effective(settings: Settings, admins: frozenset[str], overrides: Mapping[str, str]) -> Settings:
    """The workspace's settings: the environment's, its admins' changes over them, and its own admins."""
    try:
        return with_overrides(settings, {**overrides, ADMINS: ",".join(sorted(admins))})
    except ConfigError as error:  # the environment changed under a saved value: keep working on the defaults
        logger.warning("a workspace's saved settings no longer parse (%s); using the environment's", error)
        return replace(settings, admin_user_ids=admins)


def current_values(settings: Settings, admins: frozenset[str], overrides: Mapping[str, str]) -> dict[str, str]:
    """What the modal shows: each setting's value in force (secrets left out)."""
    values = {e.name: overrides.get(e.name, settings.env.get(e.name, "")) for e in EDITABLE if not e.secret}
    values[ADMINS] = ", ".join(sorted(admins))
    return values


def secrets_set(settings: Settings, overrides: Mapping[str, str]) -> frozenset[str]:
    return frozenset(e.name for e in EDITABLE if e.secret and overrides.get(e.name, settings.env.get(e.name, "")))


def checked(
    settings: Settings, submitted: Mapping[str, str], overrides: Mapping[str, str]
) -> tuple[frozenset[str], dict[str, str]]:
    """The admins and the changes to keep, once the environment's parser accepts them all; else SettingsRefused
    with the parser's own message. Values equal to the environment's are not kept, so the environment stays the
    default; an empty secret, and a setting the form did not have (but the admins), keep the value in force."""
    wanted = {name: " ".join(submitted.get(name, "").split()) for name in NAMES}
    for editable in EDITABLE:
        kept = editable.secret and not wanted[editable.name]
        if kept or (editable.name not in submitted and editable.name != ADMINS):
            wanted[editable.name] = overrides.get(editable.name, settings.env.get(editable.name, ""))
    try:
        parsed = with_overrides(settings, wanted)
    except ConfigError as error:
        message = str(error)
        field = next((name for name in NAMES if message.startswith(name)), NAMES[0])
        raise SettingsRefused(field, message) from None
    if not parsed.admin_user_ids:
        raise SettingsRefused(ADMINS, "ADMIN_USER_IDS must name at least one admin, or nobody could change these")
    changes = {name: value for name, value in wanted.items() if name != ADMINS and value != settings.env.get(name, "")}
    return parsed.admin_user_ids, changes
