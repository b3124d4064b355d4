"""Replies to `/rejected export`: the file is on its way, nobody found, bad input, and an upload that failed."""

from __future__ import annotations

from collections.abc import Mapping

from bot.blocks.common import Message, escape, message, section, truncate
from bot.blocks.rejections import build_usage

COULD_NOT_EXPORT = "read the candidate's data"  # as build_unavailable says it: "Could not … just now"
EXPORT_ONE_EMAIL = "Give one email: `/rejected export jane@example.com`."


def build_export_sending(email: str) -> Message:
    """The export was read and is being uploaded: the file arrives in a DM, after the command is answered."""
    text = f"Sending the export as a DM… everything Keepwarm holds about {escape(email)}, as a JSON file."
    return message(text, [section(text)])


def build_export_not_found(email: str) -> Message:
    """Nobody this user may export; the same answer whether nobody has the email, someone else recorded them, or they
    were erased (an erased candidate's email is gone with the rest of their personal data)."""
    text = (
        f"No candidate with email {escape(email)} among the candidates you can export. Only the recruiter who "
        "recorded a candidate, or a Keepwarm admin, can export them; an erased candidate has no personal data left "
        "to export."
    )
    return message(text, [section(text)])


def build_export_usage(errors: Mapping[str, str]) -> Message:
    """`/rejected export` without one valid email: nothing is exported."""
    return build_usage(errors, refused="Nothing was exported")


def export_comment(email: str) -> str:
    """The DM's text above the file."""
    return (
        f"Everything Keepwarm holds about {escape(email)}, as you asked with `/rejected export` "
        "(a subject access request)."
    )


def build_export_failed(email: str, reason: str) -> Message:
    """The upload did not reach the asker's DM: say why, that nothing was logged as exported, and what to do."""
    text = (
        f":warning: Could not send the export of {escape(email)}: {escape(truncate(reason, 300))} "
        "Nothing was logged as exported. Try `/rejected export` again in a minute; if it keeps failing, whoever runs "
        "Keepwarm can run `python -m jobs export-candidate` instead."
    )
    return message(text, [section(text)])
