"""The Settings modal an admin opens from the App Home tab (multi-workspace mode), and what it says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.blocks.common import plain, section
from bot.ids import FIELD_ACTION, SETTINGS_MODAL
from bot.workspace_settings import EDITABLE

View = dict[str, Any]
SETTINGS_ADMINS_ONLY = "Only this workspace's Keepwarm admins may change its settings."
SETTINGS_SAVED = ":white_check_mark: Settings saved. They apply from now on."
VALUE_MAX = 1000


def build_settings_modal(values: Mapping[str, str], secrets_set: frozenset[str]) -> View:
    """One text input per setting, showing the value in force; secrets are never shown, only whether one is set."""
    blocks: list[dict[str, Any]] = [
        section(
            "These settings apply to this workspace only. An empty field means the default that whoever runs "
            "Keepwarm chose; values are checked as the server checks its own."
        )
    ]
    for editable in EDITABLE:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": FIELD_ACTION, "max_length": VALUE_MAX}
        value = values.get(editable.name, "")
        if editable.secret:
            element["placeholder"] = plain(
                "set: type a new one to replace it" if editable.name in secrets_set else "not set"
            )
        elif value:
            element["initial_value"] = value[:VALUE_MAX]
        blocks.append(
            {
                "type": "input",
                "block_id": editable.name,
                "label": plain(editable.label),
                "hint": plain(editable.hint),
                "optional": True,
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": SETTINGS_MODAL,
        "title": plain("Keepwarm settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }
