"""Retention in Slack: the warning before an erasure and its buttons, the consent form, the consent request to
copy, and the consent state shown wherever `/rejected` shows a candidate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.blocks.common import Block, context, escape, parse_id, plain, section, truncate
from bot.ids import (
    CONSENT_AGREED,
    CONSENT_DRAFT,
    CONSENT_DRAFT_MODAL,
    CONSENT_HOW_BLOCK,
    CONSENT_MODAL,
    FIELD_ACTION,
    RETENTION_BLOCK,
    RETENTION_ERASE,
    retention_block_id,
)
from models import Candidate
from models.retention import Retention, expires_at

View = dict[str, Any]
HOW_MAX = 100  # Candidate.consent_how
HOW_MISSING = "Say how they agreed, e.g. email reply."
HOW_TOO_LONG = f"Keep it to {HOW_MAX} characters, e.g. email reply."
AGREED_LABEL = "She agreed"  # the name for the button; the warning itself stays neutral ("they")
# Why a retention button did nothing, told only to whoever clicked.
CANDIDATE_NOT_FOUND = "That candidate is no longer in Keepwarm, or is not yours to act on."
ALREADY_CONSENTED = "Consent for {name} was already recorded by <@{by}> on {on}; nothing changed."
RETENTION_UNAVAILABLE = "Keepwarm could not reach its database just now; nothing changed. Try again in a minute."


def day_month(when: datetime, now: datetime) -> str:
    """`3 March`, with the year when it is not this one: `3 March 2028`."""
    when, now = when.astimezone(UTC), now.astimezone(UTC)
    return f"{when.day} {when:%B}" + ("" if when.year == now.year else f" {when.year}")


def short_date(when: datetime) -> str:
    """`3 Mar 2028`, for the consent state beside a candidate."""
    when = when.astimezone(UTC)
    return f"{when.day} {when:%b %Y}"


@dataclass(frozen=True)
class ConsentValue:
    """What a retention button carries: the candidate and their consent as the message drew it (0: none)."""

    candidate_id: int
    consent_epoch: int

    @classmethod
    def current(cls, candidate: Candidate) -> ConsentValue:
        epoch = 0 if candidate.consent_at is None else int(candidate.consent_at.timestamp())
        return cls(candidate.id, epoch)

    def encode(self) -> str:
        return f"{self.candidate_id}:{self.consent_epoch}"

    @classmethod
    def decode(cls, raw: str) -> ConsentValue | None:
        """None for anything but two numbers: values come back from clients and can be forged."""
        parts = raw.split(":")
        if len(parts) != 2:
            return None
        candidate_id, epoch = parse_id(parts[0]), parse_id(parts[1])
        return None if candidate_id is None or epoch is None else cls(candidate_id, epoch)

    def matches(self, candidate: Candidate) -> bool:
        """True while no consent was recorded since the button was drawn."""
        return ConsentValue.current(candidate).consent_epoch == self.consent_epoch


def warning_line(candidate: Candidate, expiry: datetime, now: datetime) -> str:
    """The warning's sentence, in the issue's words with a neutral pronoun (Keepwarm does not know theirs)."""
    return (
        f"*{escape(candidate.name)}*'s data will be erased on {day_month(expiry, now)} "
        "unless they agree to stay on file"
    )


def button(action_id: str, label: str, value: ConsentValue, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(label), "value": value.encode()}
    if style:
        element["style"] = style
    return element


def consent_button(candidate: Candidate) -> dict[str, Any]:
    """She agreed: the button that opens the consent form, in a warning and beside a check-in's Done."""
    return button(CONSENT_AGREED, AGREED_LABEL, ConsentValue.current(candidate))


def retention_actions(candidate: Candidate) -> Block:
    """She agreed, Draft a consent request, Erase now (asking for confirmation first)."""
    value = ConsentValue.current(candidate)
    erase = button(RETENTION_ERASE, "Erase now", value, "danger")
    erase["confirm"] = {
        "title": plain("Erase now?"),
        "text": plain(truncate(f"Erase {candidate.name}'s data everywhere in Keepwarm? This cannot be undone.", 300)),
        "confirm": plain("Erase"),
        "deny": plain("Cancel"),
        "style": "danger",
    }
    return {
        "type": "actions",
        "block_id": retention_block_id(candidate.id),
        "elements": [consent_button(candidate), button(CONSENT_DRAFT, "Draft a consent request", value), erase],
    }


def warning_blocks(candidate: Candidate, expiry: datetime, now: datetime) -> list[Block]:
    """One warning: the sentence (named, so an erasure can take the name out of the message), then its buttons."""
    sentence = section(f":hourglass_flowing_sand: {warning_line(candidate, expiry, now)}.")
    return [{**sentence, "block_id": warning_text_id(candidate.id)}, retention_actions(candidate)]


def warning_text_id(candidate_id: int) -> str:
    return f"retention_text:{candidate_id}"


def outcome_consented(*, user_id: str, how: str, until: datetime | None, now: datetime) -> Block:
    """What a warning's buttons become once consent is recorded: by whom, how, and until when it is kept."""
    kept = f" Kept until {short_date(until)}." if until is not None else ""
    return context(f":white_check_mark: Consent recorded ({escape(how)}) by <@{user_id}> on {short_date(now)}.{kept}")


def outcome_erased(*, user_id: str, now: datetime) -> Block:
    """What a warning's buttons become once Erase now was confirmed."""
    return context(f":wastebasket: Erased by <@{user_id}> on {short_date(now)}.")


ERASED_TEXT = "Keepwarm: a candidate's data was erased"  # the updated message's fallback, naming no one
FALLBACK_CONSENT = "Keepwarm: consent recorded"  # should the message updated have no text of its own


def without_name(blocks: list[Block], candidate_id: int) -> list[Block]:
    """The message's blocks with an erased candidate's warning sentence reduced to what happened, naming no one."""
    named = warning_text_id(candidate_id)
    return [
        section(":wastebasket: A candidate's data was erased.") if b.get("block_id") == named else b for b in blocks
    ]


def after_click(blocks: list[Block], block_id: str, outcome: Block) -> list[Block]:
    """The message's blocks once acted on: a warning's buttons become the outcome; under a check-in, the outcome
    follows its buttons and She agreed goes (Done and the others still apply)."""
    updated: list[Block] = []
    for block in blocks:
        if block.get("block_id") != block_id:
            updated.append(block)
        elif block_id.startswith(RETENTION_BLOCK):
            updated.append(outcome)
        else:
            elements = [e for e in block.get("elements", []) if e.get("action_id") != CONSENT_AGREED]
            updated.extend([{**block, "elements": elements}, outcome])
    return updated


def build_consent_modal(candidate: Candidate, private_metadata: str) -> View:
    """Asks how the candidate agreed: when and by whom Keepwarm records itself."""
    return {
        "type": "modal",
        "callback_id": CONSENT_MODAL,
        "title": plain("Consent to stay on file"),
        "submit": plain("Record consent"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": [
            section(
                f"*{escape(candidate.name)}* agreed that Keepwarm keeps their details. Recording it keeps them on "
                "file longer, counted from today."
            ),
            {
                "type": "input",
                "block_id": CONSENT_HOW_BLOCK,
                "label": plain("How did they agree?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": FIELD_ACTION,
                    "max_length": HOW_MAX,
                    "placeholder": plain("email reply"),
                },
            },
        ],
    }


def consent_metadata(
    *, value: ConsentValue, channel: str | None, ts: str | None, block_id: str | None, response_url: str | None
) -> str:
    """Where the form was opened, so recording consent can update that message (or say why not to the clicker)."""
    return json.dumps(
        {"value": value.encode(), "channel": channel, "ts": ts, "block_id": block_id, "response_url": response_url}
    )


def consent_request_text(candidate: Candidate) -> str:
    """A short, honest request the recruiter copies: what is kept, why, and that a no is fine."""
    first_name = candidate.name.split()[0]
    return (
        f"Hi {first_name},\n\n"
        "When you applied, we kept your name, contact details and our notes from the process so that we could get "
        "back to you about other roles. We only keep them for a limited time unless you agree: may we keep them on "
        "file a while longer? If so, a short reply saying yes is enough. If not, no need to do anything: we will "
        "delete them, and you can ask us to at any time.\n\nAll the best,"
    )


def build_consent_draft_modal(candidate: Candidate) -> View:
    """The request as plain text, easy to copy; Keepwarm never writes to candidates itself."""
    return {
        "type": "modal",
        "callback_id": CONSENT_DRAFT_MODAL,
        "title": plain("Consent request"),
        "close": plain("Done"),
        "blocks": [
            section(
                f"A request to send *{escape(candidate.name)}* by email or LinkedIn. When they agree, press "
                f"*{AGREED_LABEL}* to record it."
            ),
            {"type": "section", "block_id": "draft", "text": plain(truncate(consent_request_text(candidate), 3000))},
        ],
    }


def consent_state(candidate: Candidate, retention: Retention) -> str:
    """`consent until 3 Mar 2028` or `no consent: erased after 3 Jun 2027`, or that it is kept for good."""
    expiry = expires_at(candidate, retention)
    if candidate.consent_at is not None:
        return f"consent until {short_date(expiry)}" if expiry else "consent recorded"
    return f"no consent: erased after {short_date(expiry)}" if expiry else "no consent"
