"""The rejection modal (bot.blocks.rejection_modal) and what comes back from it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.blocks import (
    rejection_modal,
)
from bot.ids import (
    FIELD_ACTION,
    REJECTION_MODAL,
)
from bot.rejection_input import (
    FIELDS,
    NAME_MAX,
    NOTE_MAX,
    ROLE_MAX,
    validate_rejection,
)
from models.rejection import RejectionInput
from tests.bot.blocks.inputs import TEAM_ID, Json

# ---------------------------------------------------------------------------------------------------------------------
# The modal and what comes back from it.
# ---------------------------------------------------------------------------------------------------------------------

MODAL_ORDER = (
    "name",
    "role",
    "stage",
    "rating",
    "email",
    "linkedin",
    "tags",
    "note",
    "consent",
)  # as the form shows them


def test_modal_inputs_are_exactly_the_fields() -> None:
    view = rejection_modal.build_rejection_modal("meta")
    assert view["callback_id"] == REJECTION_MODAL
    assert view["private_metadata"] == "meta"
    ids = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    assert ids == list(MODAL_ORDER)
    assert sorted(ids) == sorted(FIELDS)
    assert all(block["element"]["action_id"] == FIELD_ACTION for block in view["blocks"])
    required = {block["block_id"] for block in view["blocks"] if not block["optional"]}
    assert required == {"name", "role", "stage"}


def test_modal_limits_match_the_validator() -> None:
    elements = {block["block_id"]: block["element"] for block in rejection_modal.build_rejection_modal()["blocks"]}
    assert elements["name"]["max_length"] == NAME_MAX
    assert elements["role"]["max_length"] == ROLE_MAX
    assert elements["note"]["max_length"] == NOTE_MAX
    assert elements["note"]["multiline"] is True
    assert [option["value"] for option in elements["stage"]["options"]] == ["screen", "interview", "final"]
    assert sorted(option["value"] for option in elements["rating"]["options"]) == ["1", "2", "3", "4", "5"]


def option_of(view: Json, field: str, value: str) -> Json:
    """The option as Slack echoes it back: the modal's own option, with Slack's `emoji` flag added."""
    block = next(block for block in view["blocks"] if block["block_id"] == field)
    option = next(option for option in block["element"]["options"] if option["value"] == value)
    return {"text": option["text"] | {"emoji": True}, "value": option["value"]}


def submission(view: Json, rating: Json | None, tags: str | None, consent: str | None = None) -> Json:
    """The `view` of a realistic view_submission payload for the rejection modal."""

    def text(kind: str, value: str | None) -> Json:
        return {FIELD_ACTION: {"type": kind, "value": value}}

    values = {
        "name": text("plain_text_input", "  Zoë O'Brien & <@U123>  "),
        "role": text("plain_text_input", "R&D Lead"),
        "stage": {FIELD_ACTION: {"type": "static_select", "selected_option": option_of(view, "stage", "final")}},
        "rating": {FIELD_ACTION: {"type": "static_select", "selected_option": rating}},
        "email": text("email_text_input", "Zoe@Example.com"),
        "linkedin": text("url_text_input", "https://www.linkedin.com/in/zoe-obrien/"),
        "tags": text("plain_text_input", tags),
        "note": text("plain_text_input", "Line one\nLine two <!channel>"),
        "consent": {FIELD_ACTION: {"type": "datepicker", "selected_date": consent}},
    }
    return {
        **view,
        "id": "V0KEEPWARM",
        "team_id": TEAM_ID,
        "state": {"values": values},
        "hash": "1712345678.abcdef",
        "app_id": "A0KEEPWARM",
        "bot_id": "B0KEEPWARM",
    }


def test_submitted_values_round_trip_a_view_submission() -> None:
    view = rejection_modal.build_rejection_modal('{"response_url": "https://hooks.slack.com/commands/x"}')
    values = rejection_modal.submitted_values(submission(view, rating=None, tags=None))
    assert values == {
        "name": "  Zoë O'Brien & <@U123>  ",
        "role": "R&D Lead",
        "stage": "final",
        "rating": None,
        "email": "Zoe@Example.com",
        "linkedin": "https://www.linkedin.com/in/zoe-obrien/",
        "tags": None,
        "note": "Line one\nLine two <!channel>",
        "consent": None,
    }
    assert list(values) == list(MODAL_ORDER) and set(values) == set(FIELDS)
    assert validate_rejection(values) == RejectionInput(
        name="Zoë O'Brien & <@U123>",
        role="R&D Lead",
        stage="final",
        email="zoe@example.com",
        linkedin="https://www.linkedin.com/in/zoe-obrien",
        rating=None,
        tags=(),
        note="Line one\nLine two <!channel>",
    )
    chosen = rejection_modal.submitted_values(submission(view, rating=option_of(view, "rating", "4"), tags="a, b"))
    assert (chosen["rating"], chosen["tags"]) == ("4", "a, b")
    assert validate_rejection(chosen).rating == 4
    agreed = rejection_modal.submitted_values(submission(view, rating=None, tags=None, consent="2026-11-02"))
    assert validate_rejection(agreed).consent == datetime(2026, 11, 2, 12, tzinfo=UTC)
