"""The modal `/role` opens when typed alone: the same fields as the command, validated by the same rules."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import plain
from bot.blocks.rejection_modal import field_input
from bot.fields import URL_MAX
from bot.ids import ROLE_MODAL
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX

View = dict[str, Any]
# Shown in the form, which stays open with what was typed, when Open role could not be done.
ROLE_FORM_UNAVAILABLE = (
    "Could not open the role just now: Keepwarm's database is not answering. "
    "Nothing was saved; press Open role again in a minute."
)
ROLE_FORM_ACCESS_UNKNOWN = (
    "Could not check that you are one of Keepwarm's recruiters just now. Press Open role again in a minute."
)


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
            field_input("title", "Job title", {**text_input, "max_length": TITLE_MAX}),
            field_input(
                "tags",
                "Skills and tags",
                text_input,
                optional=True,
                hint="Comma-separated, e.g. python, postgres. Past candidates with these skills rank higher.",
            ),
            field_input("location", "Location", {**text_input, "max_length": LOCATION_MAX}, optional=True),
            field_input(
                "url",
                "Job ad link",
                {"type": "url_text_input"},
                optional=True,
                hint=f"http(s), up to {URL_MAX} characters",
            ),
            field_input("team", "Hiring team", {**text_input, "max_length": TEAM_MAX}, optional=True),
        ],
    }
