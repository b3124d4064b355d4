"""The modal `/rejected` opens when typed alone: the same fields as the command, with inline validation."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, plain, section
from bot.ids import FIELD_ACTION, REJECTION_MODAL
from bot.rejection_input import NOTE_MAX
from models.rejection import RejectionInput

View = dict[str, Any]
STAGE_OPTIONS = (("screen", "Screen"), ("interview", "Interview"), ("final", "Final round"))
# Shown in the form, which stays open with what was typed, when Save could not be done.
REJECTION_FORM_UNAVAILABLE = (
    "Could not save just now: Keepwarm's database is not answering. Nothing was saved; press Save again in a minute."
)
REJECTION_FORM_ACCESS_UNKNOWN = (
    "Could not check that you are one of Keepwarm's recruiters just now. Press Save again in a minute."
)


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def field_input(
    field: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> Block:
    """An input block named after its field, so validation errors go back next to it; read by submitted_values."""
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


def build_rejection_modal(
    private_metadata: str = "",
    *,
    initial: RejectionInput | None = None,
    callback_id: str = REJECTION_MODAL,
    title: str = "Record a rejection",
    intro: str | None = None,
) -> View:
    """The rejection form; private_metadata carries where to send the confirmation.

    Keep warm on an ATS notice opens the same form under its own callback id, filled in with what the ATS sent
    (`initial`) and led by the notice's own sentence (`intro`, mrkdwn, escaped by the caller)."""
    text_input = {"type": "plain_text_input"}
    stage_options = [_option(v, label) for v, label in STAGE_OPTIONS]
    rating_options = [_option(str(n), f"{n}") for n in range(5, 0, -1)]

    def text(value: str | None) -> dict[str, Any]:
        return {} if not value else {"initial_value": value}

    def chosen(options: list[dict[str, Any]], value: str | None) -> dict[str, Any]:
        return next(({"initial_option": option} for option in options if option["value"] == value), {})

    given = initial or RejectionInput(
        name="", role="", stage="", email=None, linkedin=None, rating=None, tags=(), note=None
    )
    rating = None if given.rating is None else str(given.rating)
    blocks: list[Block] = [] if intro is None else [section(intro)]
    blocks += [
        field_input("name", "Candidate's full name", {**text_input, "max_length": 150, **text(given.name)}),
        field_input("role", "Role", {**text_input, "max_length": 150, **text(given.role)}),
        field_input(
            "stage",
            "How far they got",
            {"type": "static_select", "options": stage_options, **chosen(stage_options, given.stage)},
        ),
        field_input(
            "rating",
            "How strong (1 to 5)",
            {"type": "static_select", "options": rating_options, **chosen(rating_options, rating)},
            optional=True,
            hint="Finalists and candidates rated 4 or 5 get check-in reminders.",
        ),
        field_input("email", "E-mail", {"type": "email_text_input", **text(given.email)}, optional=True),
        field_input("linkedin", "LinkedIn profile", {"type": "url_text_input", **text(given.linkedin)}, optional=True),
        field_input(
            "tags",
            "Skills and tags",
            {**text_input, **text(", ".join(given.tags))},
            optional=True,
            hint="Comma-separated, e.g. python, postgres",
        ),
        field_input(
            "note",
            "Note",
            {**text_input, "multiline": True, "max_length": NOTE_MAX, **text(given.note)},
            optional=True,
            hint="Feedback you promised, why they were close, what would bring them back.",
        ),
        field_input(
            "consent",
            "Agreed to stay on file on",
            {"type": "datepicker", **({} if given.consent is None else {"initial_date": f"{given.consent:%Y-%m-%d}"})},
            optional=True,
            hint="The day they agreed that you keep their details, if they did: they are then kept longer.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def submitted_values(view: View) -> dict[str, str | None]:
    """The raw value of each field from a view_submission, whatever element type carried it."""
    values: dict[str, str | None] = {}
    for field, actions in view.get("state", {}).get("values", {}).items():
        element = actions.get(FIELD_ACTION, {})
        selected = element.get("selected_option")
        values[field] = selected["value"] if selected else element.get("value", element.get("selected_date"))
    return values
