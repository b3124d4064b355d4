"""The channel digest of new roles with the past candidates who fit, and the ephemeral list "Show names" reveals.

A channel sees candidate names only when it may (a private channel, or DIGEST_SHOW_NAMES); otherwise each role shows
how many fit and who owns them, and the names go only to a recruiter who asks. Reasons never carry note text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.common import (
    SECTION_TEXT_MAX,
    Block,
    Message,
    context,
    escape,
    header,
    link_target,
    message,
    plain,
    section,
    truncate,
)
from bot.blocks.roles import match_block
from bot.ids import DIGEST_REVEAL
from models.matching import Match
from models.role import Role

MESSAGE_BLOCKS_MAX = 50
TOP_MATCHES = 5
FALLBACK_MAX = 3000
SOURCES = {"slack": "opened with /role", "greenhouse": "from Greenhouse", "lever": "from Lever"}
HEADER = "New roles, and past candidates who fit"
# Why "Show names" shows no names, said only to whoever clicked it.
REVEAL_CANNOT_CHECK = (
    "Keepwarm cannot check right now whether you are a recruiter (Slack did not answer about the recruiter group), "
    "so no names are shown. Try again in a minute."
)
REVEAL_NOT_ALLOWED = "Only recruiters can see the candidates behind a role. Ask a Keepwarm admin to add you."
REVEAL_NOT_FOUND = "That role does not exist in this workspace: there are no names to show."
REVEAL_UNAVAILABLE = "Keepwarm's database is not answering, so no names can be shown just now. Try again in a minute."


@dataclass(frozen=True)
class DigestEntry:
    """One role of the digest with its best matches; `more` when others fit beyond those."""

    role: Role
    matches: Sequence[Match]
    more: bool = False

    def count(self) -> str:
        return f"{len(self.matches)}{'+' if self.more else ''}"


def build_digest(entries: Sequence[DigestEntry], *, show_names: bool, now: datetime) -> Message:
    """One message for every role, within Slack's 50 blocks: roles in full while they fit, the rest as one list."""
    blocks: list[Block] = [header(HEADER)]
    budget = MESSAGE_BLOCKS_MAX - 2  # the header, and the footer that says how to act
    shown = 0
    for position, entry in enumerate(entries):
        drawn = _full_role(entry, show_names=show_names, now=now)
        rest_needs = 1 if position + 1 < len(entries) else 0
        if len(blocks) - 1 + len(drawn) + rest_needs > budget:
            break
        blocks.extend(drawn)
        shown += 1
    if shown < len(entries):
        blocks.append(section(_compact(entries[shown:])))
    if show_names:
        blocks.append(context("*I'll reach out* tells the candidate's owner and takes them off this role's list."))
    else:
        blocks.append(context("Candidate names stay out of this channel: *Show names* lists them only to you."))
    titles = ", ".join(escape(entry.role.title) for entry in entries)
    return message(
        truncate(f"{len(entries)} new role(s), with the past candidates who fit: {titles}", FALLBACK_MAX), blocks
    )


def build_reveal(role: Role, matches: Sequence[Match], *, now: datetime) -> Message:
    """What "Show names" shows only to the recruiter who clicked: each match, why, who owns them, and outreach."""
    title = _title(role)
    if not matches:
        text = f"No past candidate fits {title} any more: they were reached out to, stopped or erased since."
        return message(text, [section(text)])
    blocks: list[Block] = [section(f"Past candidates who fit {title} (only you can see this):")]
    blocks.extend(match_block(role.id, match, now) for match in matches[:TOP_MATCHES])
    return message(f"Past candidates who fit {escape(role.title)}", blocks)


def reveal_closed(role: Role) -> str:
    """Under a role closed since the digest, "Show names" has no one left to show."""
    return f"{escape(role.title)} (#{role.id}) is closed: there is no one to reach out to about it."


def _full_role(entry: DigestEntry, *, show_names: bool, now: datetime) -> list[Block]:
    role, matches = entry.role, entry.matches
    lines = [f"{_title(role)} (#{role.id})", " · ".join(_details(role))]
    if not matches:
        return [section("\n".join([*lines, "No past candidate fits yet."]))]
    if show_names:
        lines.append(f"{entry.count()} past candidate(s) fit:")
        return [section("\n".join(lines)), *(match_block(role.id, match, now) for match in matches)]
    owners = ", ".join(f"<@{owner}>" for owner in dict.fromkeys(match.owner_user_id for match in matches))
    lines.append(f"{entry.count()} past candidate(s) fit · owners: {owners}")
    reveal = {"type": "button", "action_id": DIGEST_REVEAL, "text": plain("Show names"), "value": str(role.id)}
    return [{**section("\n".join(lines)), "accessory": reveal}]


def _compact(rest: Sequence[DigestEntry]) -> str:
    """The roles that did not fit in full, one line each, and how many did not fit even here."""
    lines = [f"*{len(rest)} more new role(s)*, with how many past candidates fit each:"]
    for listed, entry in enumerate(rest):
        line = f"• {escape(truncate(entry.role.title, 100))} (#{entry.role.id}): {entry.count()}"
        tail = f"… and {len(rest) - listed} more: see `/role list`"
        if len("\n".join([*lines, line])) + len(tail) + 1 > SECTION_TEXT_MAX:
            lines.append(tail)
            break
        lines.append(line)
    return "\n".join(lines)


def _title(role: Role) -> str:
    title = escape(role.title)
    return f"*<{link_target(role.url)}|{title}>*" if role.url else f"*{title}*"


def _details(role: Role) -> list[str]:
    return [escape(part) for part in (role.location, role.team_name) if part] + [SOURCES.get(role.source, role.source)]
