"""Replies to `/rejected`: confirmations, usage and errors, the list, and erasure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.common import (
    Block,
    Message,
    context,
    escape,
    header,
    link_target,
    message,
    section,
    slack_date,
    truncate,
)
from bot.blocks.retention import consent_state
from bot.rejection_input import USAGE
from models import Candidate, Rejection
from models.policy import Policy
from models.retention import Retention

NOTE_PREVIEW = 200
LIST_ROWS_MAX = 40  # a header plus these stays well inside Slack's 50 blocks a message
OTHER_COMMANDS = (
    "`/rejected` alone opens a form · `/rejected list` shows your recent rejections · "
    "`/rejected forget jane@x.io` erases a candidate's personal data (their right to be forgotten) · "
    "`/rejected export jane@x.io` sends you everything Keepwarm holds about them, as a file in a DM · "
    "`/rejected optout jane@x.io` stops all contact with a candidate who asked (`/rejected optin jane@x.io` undoes "
    "it) · `/rejected import` (admins) imports past candidates from a CSV file · `/rejected audit [email]` (admins) "
    "shows the last entries of the audit log · `/rejected handover @from @to [--tag T] [--role R]` (admins) moves "
    "the candidates one recruiter keeps warm to another"
)
STAGE_LABELS = {"screen": "screen", "interview": "interview", "final": "finalist"}
LIST_ONLY_ALL = "Use `/rejected list`, or `/rejected list all` if you are an admin."
LIST_ALL_ADMINS_ONLY = "Only Keepwarm admins can list the whole team's rejections."
# What could not be done when the database did not answer, as build_unavailable says it ("Could not … just now").
COULD_NOT_SAVE = "save the rejection"
COULD_NOT_LIST = "load your rejections"
COULD_NOT_ERASE = "erase the candidate"


def describe(rejection: Rejection) -> str:
    """`Senior Backend Engineer · finalist · 5/5` in one phrase, for confirmations and lists."""
    parts = [escape(rejection.role_title), STAGE_LABELS[rejection.stage]]
    if rejection.rating is not None:
        parts.append(f"{rejection.rating}/5")
    return " · ".join(parts)


def contact_line(candidate: Candidate) -> str | None:
    """Email, LinkedIn and tags, or None when there are none."""
    parts = []
    if candidate.email:
        parts.append(f"<mailto:{link_target(candidate.email)}|{escape(candidate.email)}>")
    if candidate.linkedin_url:
        parts.append(f"<{link_target(candidate.linkedin_url)}|LinkedIn>")
    if candidate.tags:
        parts.append(" ".join(f"`{escape(tag)}`" for tag in candidate.tags))
    return " · ".join(parts) or None


def next_steps(rejection: Rejection, policy: Policy) -> str:
    """What Keepwarm will do now, so the recruiter knows whether to expect a reminder."""
    candidate = rejection.candidate
    if candidate.opted_out:
        return "They have opted out of being contacted, so Keepwarm will not suggest check-ins."
    if not policy.is_strong(stage=rejection.stage, rating=rejection.rating):
        return (
            "No check-ins are scheduled: Keepwarm keeps in touch with finalists and candidates rated "
            f"{policy.strong_min_rating} or more. The rejection stays in your history (`/rejected list`)."
        )
    first, *later = policy.first_days
    then = "".join(f", then at {days} days" for days in later)
    return (
        f"I'll remind you to check in with {escape(candidate.name)} around "
        f"{slack_date(policy.first_checkin(rejection.rejected_at))} ({first} days){then} "
        f"and every {policy.repeat_days} days after that."
    )


def build_confirmation(rejection: Rejection, policy: Policy, retention: Retention | None = None) -> Message:
    """Sent after a rejection is saved: who, which role, what happens next, and how long they are kept."""
    candidate = rejection.candidate
    earlier = len(candidate.rejections) - 1
    blocks: list[Block] = [
        section(f":white_check_mark: Recorded *{escape(candidate.name)}* for {describe(rejection)}."),
        section(next_steps(rejection, policy)),
    ]
    details = [line for line in [contact_line(candidate)] if line]
    if earlier > 0:
        details.append(f"{earlier} earlier rejection{'s' if earlier > 1 else ''} on record for this candidate.")
    if retention is not None:
        state = consent_state(candidate, retention)
        details.append(f"{state[0].upper()}{state[1:]}.")
    if details:
        blocks.append(context(*details))
    return message(f"Recorded {escape(candidate.name)} for {escape(rejection.role_title)}.", blocks)


def build_already_recorded(rejection: Rejection) -> Message:
    """The answer to a double submit: that very rejection was recorded minutes ago, so nothing new was."""
    name = escape(rejection.candidate.name)
    return message(
        f"Already recorded {name} for {escape(rejection.role_title)}; nothing new was saved.",
        [
            section(
                f":information_source: You recorded *{name}* for {describe(rejection)} a few minutes ago; "
                "this identical rejection was not saved again."
            )
        ],
    )


def build_usage(errors: Mapping[str, str] | None = None, *, refused: str = "Nothing was saved") -> Message:
    """Help for `/rejected`, led by what was wrong (and what was therefore not done) when input was refused."""
    blocks: list[Block] = []
    if errors:
        problems = "\n".join(f"• {escape(problem)}" for problem in errors.values())
        blocks.append(section(f":warning: {refused}:\n{problems}"))
    blocks.extend([section(USAGE), context(OTHER_COMMANDS)])
    fallback = f"{refused}: " + escape(" ".join(errors.values())) if errors else "How to use /rejected"
    return message(truncate(fallback, 3000), blocks)


def build_list_usage(problem: str) -> Message:
    """`/rejected list` with words it does not take, or `all` from someone who is not an admin: nothing is listed."""
    return build_usage({"list": problem}, refused="Cannot list")


def build_forget_usage(errors: Mapping[str, str]) -> Message:
    """`/rejected forget` without one valid email: nothing is erased."""
    return build_usage(errors, refused="Nothing was erased")


def build_form_unopened() -> Message:
    """Slack did not open the form: the details can still be typed after `/rejected`."""
    return build_usage({"form": "Could not open the form just now; type the details instead."}, refused="No form")


def build_list(rejections: Sequence[Rejection], *, whole_team: bool, retention: Retention | None = None) -> Message:
    """The most recent rejections, newest first; admins may see the whole team's, with who recorded each."""
    title = "The team's recent rejections" if whole_team else "Your recent rejections"
    if not rejections:
        empty = "No rejections recorded yet." if whole_team else "You have not recorded any rejections yet."
        return message(empty, [section(f"{empty} Try `/rejected help` to see how.")])
    blocks: list[Block] = [header(title)]
    shown = rejections[:LIST_ROWS_MAX]
    blocks.extend(rejection_section(r, show_recruiter=whole_team, retention=retention) for r in shown)
    if len(rejections) > len(shown):
        blocks.append(context(f"{len(rejections) - len(shown)} older rejections are not shown."))
    return message(f"{title}: {len(rejections)}", blocks)


def rejection_section(rejection: Rejection, *, show_recruiter: bool, retention: Retention | None = None) -> Block:
    """One rejection as a section: name, role, when, (who,) consent, contact details and the start of the note."""
    candidate = rejection.candidate
    lines = [f"*{escape(candidate.name)}*: {describe(rejection)} · {slack_date(rejection.rejected_at)}"]
    if show_recruiter:
        lines[0] += f" · by <@{rejection.recruiter.user_id}>"
    if retention is not None:
        lines[0] += f" · {consent_state(candidate, retention)}"
    contact = contact_line(candidate)
    if contact:
        lines.append(contact)
    if rejection.note:
        lines.append(f"_{escape(truncate(rejection.note, NOTE_PREVIEW))}_")
    return section("\n".join(lines))


def build_forgotten(email: str, rejection_count: int) -> Message:
    """Confirms an erasure, so the recruiter can tell the candidate it is done."""
    text = (
        f":wastebasket: Erased the candidate with email {escape(email)} everywhere in this workspace: "
        f"name, email, LinkedIn, tags and notes on {rejection_count} rejection{'s' if rejection_count != 1 else ''} "
        "are gone, and they will never come up in check-ins or matches again."
    )
    return message(f"Erased the candidate with email {escape(email)}.", [section(text)])


def build_not_found(email: str) -> Message:
    """Erasure found nobody this user may erase; it does not reveal whether someone else recorded them."""
    text = (
        f"No candidate with email {escape(email)} among the candidates you can erase. "
        "Only the recruiter who recorded a candidate, or a Keepwarm admin, can erase them."
    )
    return message(text, [section(text)])


def build_refusal() -> Message:
    """For users outside the recruiting team: polite, and says who can change it."""
    text = (
        "Sorry, Keepwarm is limited to the recruiting team in this workspace. "
        "Ask whoever runs Keepwarm to add you to its recruiters."
    )
    return message(text, [section(text)])


def build_unavailable(what: str) -> Message:
    """The database or Slack did not answer in time: say so plainly and that nothing was half-done."""
    text = (
        f":warning: Could not {what} just now: Keepwarm's database is not answering. "
        "Nothing was changed; please try again in a minute."
    )
    return message(text, [section(text)])


def build_access_unknown() -> Message:
    """Slack did not tell us who is in the recruiters' user group, so we cannot let the user in yet."""
    text = ":warning: Could not check that you are one of Keepwarm's recruiters just now. Please try again in a minute."
    return message(text, [section(text)])
