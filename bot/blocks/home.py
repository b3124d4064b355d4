"""The App Home tab: what Keepwarm is for and the recruiter's recent rejections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import Block, context, header, section
from bot.blocks.rejections import rejection_section
from models import Rejection

HOME_BLOCKS_MAX = 100


def build_home(rejections: Sequence[Rejection]) -> dict[str, Any]:
    """The Home tab; it stays within Slack's 100-block limit however much history there is."""
    blocks: list[Block] = [
        header("Keepwarm"),
        section(
            "Record a candidate you turned down with `/rejected`, and Keepwarm reminds you when to reconnect "
            "with the strong ones. Type `/rejected help` for examples."
        ),
        {"type": "divider"},
        header("Your recent rejections"),
    ]
    if rejections:
        room = HOME_BLOCKS_MAX - len(blocks) - 1
        blocks.extend(rejection_section(r, show_recruiter=False) for r in rejections[:room])
        blocks.append(context("See more with `/rejected list`."))
    else:
        blocks.append(section("Nothing yet. Record your first with `/rejected`."))
    return {"type": "home", "blocks": blocks}
