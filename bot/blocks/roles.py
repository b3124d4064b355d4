"""Replies to `/role`: the opened role with its best past candidates, usage and errors, the list, close and reopen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.blocks.common import (
    Block,
    Message,
    ago,
    context,
    escape,
    header,
    link_target,
    message,
    plain,
    section,
    slack_date,
    truncate,
)
from bot.ids import ROLE_REACH_OUT
from bot.role_input import USAGE
from models.matching import Match
from models.outreach import Outreach
from models.role import Role
from models.roles import Finalist

FINALISTS_SHOWN = 30  # a reopened role's reply: 1 + 30 + 2 blocks, well inside Slack's 50
OTHER_COMMANDS = (
    "`/role` alone opens a form · `/role list` shows the team's open roles · `/role close 12` closes one · "
    "`/role reopen 12` opens it again when the hire fell through, and tells whoever knows its past finalists"
)
BOARD_NAMES = {"greenhouse": "Greenhouse", "lever": "Lever"}
_TITLE_HINT = "To open a role whose title starts with that word, put the title in double quotes."
# What could not be done when the database did not answer, as build_unavailable says it ("Could not … just now").
COULD_NOT_OPEN = "open the role"
COULD_NOT_LIST = "load the open roles"
COULD_NOT_CLOSE = "close the role"
COULD_NOT_REOPEN = "reopen the role"
# Why "I'll reach out" logged nothing, said only to whoever clicked it (refusals.py says why models/ refused it).
REACH_OUT_CANNOT_CHECK = (
    "Keepwarm cannot check right now whether you are a recruiter (Slack did not answer about the recruiter group), "
    "so nothing was logged. Try again in a minute."
)
REACH_OUT_NOT_ALLOWED = "Only recruiters can log outreach to a candidate. Ask a Keepwarm admin to add you."
REACH_OUT_FORGED = "That button is not one Keepwarm drew: nothing was logged."
REACH_OUT_UNAVAILABLE = "Keepwarm's database is not answering, so nothing was logged. Try again in a minute."


def role_label(role: Role) -> str:
    """`#12 *Backend Engineer* · Berlin · Platform`, the title linked to the job ad when there is one."""
    title = f"*{escape(role.title)}*"
    if role.url:
        title = f"<{link_target(role.url)}|{title}>"
    details = [escape(part) for part in (role.location, role.team_name) if part]
    return " · ".join([f"#{role.id} {title}", *details])


REASON_MAX = 2000  # with an escaped name (<= 750) and the owner, a match stays inside one section's 3,000


def digest_note(digest_channel: str | None) -> str:
    """Where the team will see the role next, so nobody is told about a digest that is not set up."""
    if digest_channel is None:
        return "No digest channel is set up (DIGEST_CHANNEL), so the role is not posted to a channel."
    return f"It will be in the next digest in <#{digest_channel}>."


def match_reason(match: Match, now: datetime) -> str:
    """Why it matched, safe for a channel: tags and the past role, never the note's words."""
    parts = []
    if match.shared_tags:
        parts.append(", ".join(match.shared_tags))
    elif match.note_matched and not match.title_matched:
        parts.append("mentioned in the recruiter's note")
    if match.stage == "final":
        past = f"was finalist for {match.role_title}"
    else:
        past = f"rated {match.rating}/5 at {match.stage} for {match.role_title}"
    parts.append(f"{past}, {ago(match.rejected_at, now)}")
    return "; ".join(parts)


def match_block(role_id: int, match: Match, now: datetime) -> Block:
    """One past candidate: who, why they fit, who owns the relationship, and a button to take the outreach."""
    # The reason is cut, not the line, so the owner is always named.
    reason = truncate(escape(match_reason(match, now)), REASON_MAX)
    return {
        **section(f"*{escape(match.name)}*: {reason} · owner <@{match.owner_user_id}>"),
        "accessory": reach_out_button(role_id, match.candidate_id),
    }


def reach_out_button(role_id: int, candidate_id: int) -> Block:
    """The "I'll reach out" button under a match, the same in `/role` replies, digests and reopen DMs."""
    return {
        "type": "button",
        "action_id": ROLE_REACH_OUT,
        "text": plain("I'll reach out"),
        "value": f"{role_id}:{candidate_id}",
    }


def reach_out_owner_note(outcome: Outreach, user_id: str) -> str:
    """The DM that tells the candidate's owner who will reach out to them, and about which role."""
    return f"<@{user_id}> will reach out to {escape(outcome.candidate_name)} about {escape(outcome.role_title)}."


def reach_out_confirmation(outcome: Outreach, user_id: str, *, told: bool) -> str:
    """Outreach logged: and whether the owner, when it is someone else, was told or must be told by hand."""
    what = f"you'll reach out to *{escape(outcome.candidate_name)}* about *{escape(outcome.role_title)}*"
    owner = outcome.owner_user_id
    if owner is None or owner == user_id:
        return f"Noted: {what}."
    if told:
        return f"Noted: {what}. <@{owner}>, who owns the relationship, has been told."
    return f"Noted: {what}. Keepwarm could not DM <@{owner}>, who owns the relationship: please let them know."


def reach_out_already(outcome: Outreach, user_id: str) -> str:
    """Someone (maybe the clicker) already took this outreach: who, and when."""
    who = (
        "You already said you'd" if outcome.row.user_id == user_id else f"<@{outcome.row.user_id}> already said they'd"
    )
    return (
        f"{who} reach out to *{escape(outcome.candidate_name)}* about "
        f"*{escape(outcome.role_title)}* on {outcome.row.at:%d %b %Y}. Nothing changed."
    )


def build_role_opened(role: Role, matches: Sequence[Match], *, now: datetime, digest_channel: str | None) -> Message:
    """Sent right after a role is opened: the best-fitting past candidates, or that none fit yet."""
    opened = f":briefcase: Opened role {role_label(role)}"
    text = f"Opened role #{role.id}: {escape(role.title)}"
    if not matches:
        lines = [
            opened + ".",
            "No past finalists or strongly rated candidates fit it yet. " + digest_note(digest_channel),
        ]
        return message(text, [section("\n".join(lines))])
    blocks: list[Block] = [section(f"{opened}. Past candidates who fit, best first:")]
    blocks.extend(match_block(role.id, match, now) for match in matches)
    blocks.append(
        context("Press *I'll reach out* so nobody else contacts the same person. " + digest_note(digest_channel))
    )
    return message(f"{text}; {len(matches)} past candidate{'s' if len(matches) != 1 else ''} fit", blocks)


def build_role_usage(errors: Mapping[str, str] | None = None, *, refused: str = "Nothing was saved") -> Message:
    """Help for `/role`, led by what was wrong (and what was therefore not done) when input was refused."""
    blocks: list[Block] = []
    if errors:
        problems = "\n".join(f"• {escape(problem)}" for problem in errors.values())
        blocks.append(section(f":warning: {refused}:\n{problems}"))
    blocks.extend([section(USAGE), context(OTHER_COMMANDS)])
    fallback = f"{refused}: " + escape(" ".join(errors.values())) if errors else "How to use /role"
    return message(truncate(fallback, 3000), blocks)


def build_role_list_usage() -> Message:
    """`/role list` with words after it (a title starting with "list" needs quotes): nothing is listed."""
    return build_role_usage({"list": f"`/role list` takes nothing after it. {_TITLE_HINT}"}, refused="Cannot list")


def build_role_number_usage(verb: str) -> Message:
    """`/role close` or `/role reopen` without exactly one role number: nothing is closed or reopened."""
    problem = f"`/role {verb}` takes one role number from `/role list`, e.g. `/role {verb} 12`. {_TITLE_HINT}"
    refused = "Nothing was closed" if verb == "close" else "Nothing was reopened"
    return build_role_usage({"id": problem}, refused=refused)


def build_role_form_unopened() -> Message:
    """Slack did not open the form: the role can still be typed after `/role`."""
    return build_role_usage({"form": "Could not open the form just now; type the role instead."}, refused="No form")


def source_label(role: Role) -> str:
    """Where a role came from: who opened it in Slack, or which job board."""
    if role.source == "slack":
        return f"opened in Slack by <@{role.opened_by}>" if role.opened_by else "opened in Slack"
    board = (role.external_id or "").partition(":")[0]
    name = BOARD_NAMES.get(role.source, role.source)
    return f"from {name} ({escape(board)})" if board else f"from {name}"


def build_role_list(roles: Sequence[Role], *, total: int) -> Message:
    """The team's open roles, newest first, with where each came from and whether a digest has shown it yet."""
    if not roles:
        empty = "The team has no open roles."
        return message(empty, [section(f"{empty} Open one with `/role Title`, or `/role help` to see how.")])
    blocks: list[Block] = [header(f"Open roles ({total})")]
    for role in roles:
        shown = (
            "waiting for the next digest"
            if role.digested_at is None
            else f"in the digest of {slack_date(role.digested_at)}"
        )
        blocks.append(section(f"{role_label(role)}\n{source_label(role)} · {slack_date(role.opened_at)} · {shown}"))
    if total > len(roles):
        blocks.append(context(f"{total - len(roles)} older open roles are not shown."))
    return message(f"Open roles: {total}", blocks)


def build_role_closed(role: Role, *, changed: bool) -> Message:
    """Closed now, or had been closed already; either way nothing more is sent about it."""
    if changed:
        text = f":white_check_mark: Closed role {role_label(role)}. It will not appear in digests any more."
    else:
        text = f"Role {role_label(role)} was already closed. `/role reopen {role.id}` opens it again."
    return message(text, [section(text)])


def build_role_not_found(role_id: int) -> Message:
    """An unknown id, or another team's role: the answer is the same, so it reveals nothing."""
    text = f"There is no role #{role_id} in this workspace. `/role list` shows the open roles and their numbers."
    return message(text, [section(text)])


def build_already_open(role: Role) -> Message:
    text = f"Role {role_label(role)} is already open; nothing changed. `/role close {role.id}` closes it."
    return message(text, [section(text)])


def finalist_line(finalist: Finalist, now: datetime) -> str:
    return (
        f"*{escape(finalist.name)}*, finalist for {escape(finalist.role_title)}, {ago(finalist.rejected_at, now)} "
        f"· owner <@{finalist.owner_user_id}>"
    )


def build_role_reopened(
    role: Role, finalists: Sequence[Finalist], *, now: datetime, digest_channel: str | None
) -> Message:
    """The hire fell through: the role is open again, and the recruiters who know its past finalists hear of it."""
    opened = f":arrows_counterclockwise: Reopened role {role_label(role)}. {digest_note(digest_channel)}"
    text = f"Reopened role #{role.id}: {escape(role.title)}"
    if not finalists:
        note = "No past finalists for this job are on record who may be contacted, so no one gets a DM."
        return message(text, [section(f"{opened}\n{note}")])
    owners = ", ".join(f"<@{user}>" for user in dict.fromkeys(f.owner_user_id for f in finalists))
    blocks: list[Block] = [section(f"{opened}\nPast finalists for this job:")]
    blocks.extend(section(finalist_line(finalist, now)) for finalist in finalists[:FINALISTS_SHOWN])
    if len(finalists) > FINALISTS_SHOWN:
        blocks.append(context(f"and {len(finalists) - FINALISTS_SHOWN} more"))
    blocks.append(context(f"Their owners ({owners}) get a DM now, or at the start of their working hours."))
    return message(f"{text}; {len(finalists)} past finalist{'s' if len(finalists) != 1 else ''}", blocks)
