"""The modal `/role` opens when typed alone: the same fields as the command, validated by the same rules."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, plain
from bot.ids import FIELD_ACTION, ROLE_MODAL
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX, URL_MAX

View = dict[str, Any]


def _input(field: str, label: str, element: dict[str, Any], *, optional: bool = True, hint: str | None = None) -> Block:
    """An input block named after its field (bot.role_input.FIELDS), so errors go back next to it."""
    block: Block = {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "optional": optional,
        "element": {**element, "action_id": FIELD_ACTION},
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def build_role_modal(private_metadata: str = "") -> View:
    """The role form; private_metadata carries where to send the matches."""
    text_input = {"type": "plain_text_input"}
    return {
        "type": "modal",
        "callback_id": ROLE_MODAL,
        "title": plain("Open a role"),
        "submit": plain("Open role"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": [
            _input("title", "Job title", {**text_input, "max_length": TITLE_MAX}, optional=False),
            _input(
                "tags",
                "Skills and tags",
                text_input,
                hint="Comma-separated, e.g. python, postgres. Past candidates with these skills rank higher.",
            ),
            _input("location", "Location", {**text_input, "max_length": LOCATION_MAX}),
            _input("url", "Job ad link", {"type": "url_text_input"}, hint=f"http(s), up to {URL_MAX} characters"),
            _input("team", "Hiring team", {**text_input, "max_length": TEAM_MAX}),
        ],
    }
