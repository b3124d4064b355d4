"""Replies to `/rejected optout` and `/rejected optin`: a candidate who asked not to be contacted, and who changed their
mind."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.common import Message, escape, message, section, slack_date

OPT_USAGE = (
    "`/rejected optout jane@x.io`: the candidate asked not to be contacted (no check-ins, matches or digests for "
    "them; their record stays, so an import or the ATS does not add them again) · `/rejected optin jane@x.io` "
    "undoes it"
)
OPT_EMAIL_MISSING = "Give the candidate's email, e.g. `/rejected {verb} jane@example.com`."
OPT_ONE_EMAIL = "Give one email only, e.g. `/rejected {verb} jane@example.com`."
COULD_NOT_OPT_OUT = "opt the candidate out"
COULD_NOT_OPT_IN = "opt the candidate in"


def build_opt_usage(problem: str) -> Message:
    """`optout`/`optin` without one valid email: what was wrong, that nothing changed, and how to use them."""
    text = f":warning: Nothing was changed: {escape(problem)}"
    return message(f"Nothing was changed: {escape(problem)}", [section(text), section(OPT_USAGE)])


def build_opted_out(name: str, email: str) -> Message:
    """Confirms an opt-out, and what it means, so the recruiter can tell the candidate."""
    who = f"*{escape(name)}* ({escape(email)})"
    text = (
        f":no_bell: {who} is opted out: no check-ins, matches, digests or ATS prompts for them from now on. Their "
        "record stays, so an import or the ATS will not add them again. "
        f"`/rejected optin {escape(email)}` undoes it."
    )
    return message(f"{escape(name)} ({escape(email)}) is opted out.", [section(text)])


def build_opted_in(name: str, email: str, resumes_at: datetime | None) -> Message:
    """Confirms an opt-in, and when check-ins resume: at the next point of their cadence, never with a backlog."""
    who = f"*{escape(name)}* ({escape(email)})"
    if resumes_at is None:
        then = "They may come up in matches and digests again; no check-ins are scheduled for them."
    else:
        then = f"Check-ins resume: the next around {slack_date(resumes_at)}; the ones missed meanwhile are skipped."
    return message(
        f"{escape(name)} ({escape(email)}) is opted in again.", [section(f":bell: {who} is opted in again. {then}")]
    )


def build_already_opted(name: str, email: str, *, opted_out: bool) -> Message:
    """`optout` of someone already opted out, or `optin` of someone who is not: nothing changed."""
    state = "already opted out" if opted_out else "not opted out"
    text = f"{escape(name)} ({escape(email)}) is {state}; nothing was changed."
    return message(text, [section(f":information_source: {text}")])


def build_opt_not_found(email: str) -> Message:
    """No candidate this user may change; as `/rejected forget`, it does not reveal whether someone else recorded
    them."""
    text = (
        f"No candidate with email {escape(email)} among the candidates you can opt out or in; nothing was changed. "
        "Only the recruiter who recorded a candidate, or a Keepwarm admin, can."
    )
    return message(text, [section(text)])
