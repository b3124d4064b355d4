"""The DM a recruiter gets when a role they had finalists for opens again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.blocks.common import Block, Message, ago, context, escape, header, link_target, message, section, truncate
from bot.blocks.roles import reach_out_button
from models.role import Role
from models.roles import Finalist

FINALISTS_PER_ROLE = 10
FALLBACK_MAX = 3000  # the fallback is also parsed as mrkdwn: escaped, and cut well under Slack's 4,000
ROLES_MAX = 4  # 1 header + per role (1 title + 10 finalists + 1 context) stays under Slack's 50 blocks


def build_role_alert(roles: Sequence[tuple[Role, Sequence[Finalist]]], *, now: datetime) -> Message:
    """One message for every reopened role this recruiter owns finalists of, each finalist one click from outreach."""
    blocks: list[Block] = [header("A role you had finalists for is open again")]
    for role, finalists in roles[:ROLES_MAX]:
        title = escape(role.title)
        if role.url:
            title = f"<{link_target(role.url)}|{title}>"
        blocks.append(section(f"*{title}* (#{role.id}) reopened: the hire fell through. Your finalists:"))
        for finalist in finalists[:FINALISTS_PER_ROLE]:
            blocks.append(
                {
                    **section(
                        f"*{escape(finalist.name)}*, finalist for {escape(finalist.role_title)}, "
                        f"{ago(finalist.rejected_at, now)}"
                    ),
                    "accessory": reach_out_button(role.id, finalist.candidate_id),
                }
            )
        if len(finalists) > FINALISTS_PER_ROLE:
            blocks.append(context(f"and {len(finalists) - FINALISTS_PER_ROLE} more"))
    if len(roles) > ROLES_MAX:
        blocks.append(context(f"and {len(roles) - ROLES_MAX} more reopened role(s): see `/role list`"))
    names = ", ".join(escape(role.title) for role, _ in roles)
    return message(truncate(f"Open again, and you have finalists for it: {names}", FALLBACK_MAX), blocks)
