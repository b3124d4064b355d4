"""manifest.yml must be accepted by Slack and must declare what the code relies on; both are checked here."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.ids import IMPORT_SHORTCUT

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
# Slack's official schema, version 1.0.0, kept in the repository: see tests/data/slack/README.md for its origin.
SCHEMA_PATH = REPO_ROOT / "tests" / "data" / "slack" / "manifest.schema.1.0.0.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
BOT_SCOPES = [
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "users:read.email",
    "usergroups:read",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "files:read",
    "files:write",
]


@cache
def load_validator() -> Draft7Validator:
    """Called from the tests themselves so a missing schema is a test failure, not a setup error or a skip."""
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"Slack manifest schema not found at {SCHEMA_PATH}; it is part of the repository, restore it")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The validator class must match the draft the schema declares, or keywords could silently mean something else.
    assert schema.get("$schema") == DRAFT_07, f"schema declares {schema.get('$schema')!r}; update the validator class"
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))


def schema_errors(validator: Draft7Validator, document: dict[str, Any]) -> list[str]:
    """Every error, located, so one run shows everything to fix rather than the first problem only."""
    errors = sorted(validator.iter_errors(document), key=lambda error: error.json_path)
    return [f"{error.json_path}: {error.message}" for error in errors]


def test_manifest_matches_slack_schema(manifest: dict[str, Any]) -> None:
    errors = schema_errors(load_validator(), manifest)
    for error in errors:
        print(error)
    assert not errors, "manifest.yml is invalid:\n" + "\n".join(errors)


def test_background_color_is_hex(manifest: dict[str, Any]) -> None:
    """The schema spells this pattern "regex", which JSON Schema ignores, so it is checked here instead."""
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", manifest["display_information"]["background_color"])


def test_manifest_declares_what_the_code_relies_on(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]
    commands = {command["command"]: command for command in features["slash_commands"]}
    assert set(commands) == {"/rejected", "/role"}
    for command in commands.values():
        # Escaping turns @mentions and #channels into ids the parser can resolve.
        assert command["should_escape"] is True, command["command"]
        assert "url" not in command, "Socket Mode commands take no url"
    shortcuts = {shortcut["callback_id"]: shortcut for shortcut in features["shortcuts"]}
    assert set(shortcuts) == {IMPORT_SHORTCUT}
    assert shortcuts[IMPORT_SHORTCUT]["type"] == "global"
    assert shortcuts[IMPORT_SHORTCUT]["name"] == "Import past candidates"
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    missing = [scope for scope in BOT_SCOPES if scope not in bot_scopes]
    assert not missing, f"missing bot scopes: {missing}"


def _without_command_description(document: dict[str, Any]) -> None:
    del document["features"]["slash_commands"][0]["description"]


def _with_unknown_top_level_key(document: dict[str, Any]) -> None:
    document["keepwarm"] = {"surprise": True}


def _with_short_long_description(document: dict[str, Any]) -> None:
    document["display_information"]["long_description"] = "Too short."


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_without_command_description, "$.features.slash_commands[0]: 'description' is a required property"),
        (_with_unknown_top_level_key, "$: Additional properties are not allowed ('keepwarm' was unexpected)"),
        (_with_short_long_description, "$.display_information.long_description: 'Too short.' is too short"),
    ],
)
def test_schema_rejects_broken_manifests(
    manifest: dict[str, Any], break_it: Callable[[dict[str, Any]], None], expected: str
) -> None:
    """Proves the validation bites: each deliberate mistake is reported, at the right place."""
    broken = copy.deepcopy(manifest)
    break_it(broken)
    assert expected in schema_errors(load_validator(), broken)
