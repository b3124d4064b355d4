"""Modals opened from a check-in: the reason for stopping, and a draft message to send the candidate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.common import ago, escape, plain, truncate
from bot.ids import DRAFT_MODAL, FIELD_ACTION, STOP_MODAL, STOP_REASON_BLOCK
from models import Checkin, StopReason

View = dict[str, Any]
DRAFT_BLOCK = "draft"
# The reasons a recruiter may choose, in the words the modal, the outcome and later clicks show.
STOP_REASONS = {
    StopReason.HIRED_ELSEWHERE: "hired elsewhere",
    StopReason.NOT_INTERESTED: "not interested",
    StopReason.OTHER: "other",
}
STOP_REASON_MISSING = "Choose why check-ins stop."  # shown next to the reasons when none was chosen
CONSENT_REQUEST = (
    "So that we can do that, may we keep your details (name, contact details and notes from our process) on file? "
    "We only keep them for a limited time unless you agree; a short yes is enough, and you can ask us to delete "
    "them at any time."
)


def build_stop_modal(checkin: Checkin, private_metadata: str) -> View:
    """Asks why check-ins stop, so the team learns where its silver medalists went."""
    return {
        "type": "modal",
        "callback_id": STOP_MODAL,
        "title": plain("Stop check-ins"),
        "submit": plain("Stop"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"No more check-ins for *{escape(checkin.candidate.name)}*. Why?"},
            },
            {
                "type": "input",
                "block_id": STOP_REASON_BLOCK,
                "label": plain("Reason"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": FIELD_ACTION,
                    "options": [
                        {"text": plain(label.capitalize()), "value": key} for key, label in STOP_REASONS.items()
                    ],
                },
            },
        ],
    }


def draft_text(checkin: Checkin, reminder_step: int, now: datetime) -> str:
    """A short, personal note the recruiter can copy; the first check-in is when the promised feedback is due, and
    when to ask the candidate's consent to stay on file."""
    first_name = checkin.candidate.name.split()[0]
    role = checkin.rejection.role_title
    since = ago(checkin.rejection.rejected_at, now).removesuffix(" ago")
    opening = (
        f"Thank you again for the time you gave us for the {role} role. I promised you feedback, so here it is: "
        "[what the team liked, and what would make the difference next time]."
        if reminder_step == 0
        else f"It has been {since} since we spoke about the {role} role, and I wanted to check in: how are things?"
    )
    # Consent keeps the door open, so the first check-in asks for it, plainly.
    consent = f"\n\n{CONSENT_REQUEST}" if reminder_step == 0 else ""
    return (
        f"Hi {first_name},\n\n{opening}\n\n"
        "I saw real talent in you during our process, and even though it did not work out that time, "
        "I would love to keep in touch. If a role comes up that fits you, may I reach out? "
        f"And I am always happy to hear what you are working on.{consent}\n\nAll the best,"
    )


def build_draft_modal(checkin: Checkin, reminder_step: int, now: datetime) -> View:
    """The draft as plain text, shown as typed and easy to copy; no input box, so the modal needs no submit."""
    return {
        "type": "modal",
        "callback_id": DRAFT_MODAL,
        "title": plain("Draft a message"),
        "close": plain("Done"),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": truncate(
                        f"A starting point for your note to *{escape(checkin.candidate.name)}*. Copy it into email "
                        "or LinkedIn and make it yours: Keepwarm never writes to candidates itself.",
                        3000,
                    ),
                },
            },
            {
                "type": "section",
                "block_id": DRAFT_BLOCK,
                "text": plain(truncate(draft_text(checkin, reminder_step, now), 3000)),
            },
        ],
    }
