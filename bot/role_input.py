"""Validation of one new role, shared by the `/role` command and its modal so both accept the same input.

The grammar is `/rejected`'s (bot.command_text): the leading words are the title, then key=value options. Every
problem is reported at once, one sentence per field, and tags are cleaned exactly as a rejection's are (bot.fields), so
a role's skills and a candidate's skills compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.fields import FieldCheck, FieldError, http_url, one_line_text, parse_command, tag_list

FIELDS = ("title", "tags", "location", "url", "team")  # also the modal's block ids
TITLE_MAX = 150
LOCATION_MAX = 150
TEAM_MAX = 150

_COMMAND_KEYS = FIELDS[1:]  # the title is the command's leading words, never a key

USAGE = """\
*Open a role:* `/role Title` followed by any of `tags=a,b,c` `location=…` `url=…` `team=…`
Put values with spaces in "double quotes". Keepwarm answers at once with the past finalists who fit.
Examples:
• `/role Senior Backend Engineer tags=python,postgres location=Berlin team=Platform`
• `/role "Product Designer" url=https://jobs.example.com/42 tags="design systems, figma"`
• `/role Data Analyst`"""


@dataclass(frozen=True)
class RoleInput:
    """One role, cleaned and ready to store."""

    title: str
    tags: tuple[str, ...]  # lower-cased, trimmed, de-duplicated in order
    location: str | None
    url: str | None  # http(s), safe inside a Slack link
    team: str | None


def validate_role(raw: Mapping[str, str | None]) -> RoleInput:
    """Check and clean raw values as typed, keyed by FIELDS (other keys are ignored); raises InputErrors."""
    check = FieldCheck(raw)
    result = RoleInput(
        title=check("title", _title, ""),
        tags=check("tags", tag_list, ()),
        location=check("location", _location, None),
        url=check("url", http_url, None),
        team=check("team", _team, None),
    )
    check.done(FIELDS)
    return result


def parse_role_command(text: str) -> RoleInput:
    """Read `/role` text: the leading words are the title, then key=value options; raises InputErrors."""
    return parse_command(
        text,
        head="title",
        head_is_not_a_key="Title is not a key; put the role's title first, before any key=value.",
        keys=_COMMAND_KEYS,
        validate=validate_role,
    )


def _title(value: str | None) -> str:
    if value is None:
        raise FieldError("Title is missing; start with the role's job title, e.g. `/role Backend Engineer`.")
    return one_line_text("Title", value, TITLE_MAX, "give the role's job title")


def _location(value: str | None) -> str | None:
    return None if value is None else one_line_text("Location", value, LOCATION_MAX, "give a city, country or Remote")


def _team(value: str | None) -> str | None:
    return None if value is None else one_line_text("Team", value, TEAM_MAX, "give the hiring team's name")
