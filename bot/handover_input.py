"""`/rejected handover @from @to [--tag T] [--role R]`, read: pure, so every hostile text is tested without Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.command_text import one_line, unescape
from models.handover import Filter

# With escaping on (manifest.yml: should_escape) Slack sends a mention as <@U123|name>, or <@U123> alone.
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,31})(?:\|[^<>]*)?>")
_BARE_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
FLAGS = ("--tag", "--role")
VALUE_MAX = 150  # a role title's column


class HandoverInputError(ValueError):
    """What is wrong with the text; `.message` is safe to show to whoever typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class HandoverAsked:
    from_user: str
    to_user: str
    only: Filter


def parse_handover(text: str) -> HandoverAsked:
    """Two people (mentions, or member ids), then at most one `--tag` and one `--role`, each with a value that may
    hold spaces (it runs to the next flag). Raises HandoverInputError."""
    words = unescape(text).split()
    people: list[str] = []
    while words and not words[0].startswith("--"):
        people.append(_person(words.pop(0)))
    if len(people) != 2:
        raise HandoverInputError("Name two people: who keeps the candidates warm now, then who takes them over.")
    options: dict[str, str] = {}
    while words:
        flag = words.pop(0).lower()
        if flag not in FLAGS:
            raise HandoverInputError(f"Unknown option {one_line(flag)}: use --tag or --role.")
        if flag in options:
            raise HandoverInputError(f"Give {flag} once.")
        value: list[str] = []
        while words and words[0].lower() not in FLAGS:
            value.append(words.pop(0))
        cleaned = " ".join(value).strip().strip('"\u201c\u201d').strip()
        if not cleaned:
            raise HandoverInputError(f"{flag} needs a value, e.g. {flag} {'python' if flag == '--tag' else 'backend'}.")
        if len(cleaned) > VALUE_MAX:
            raise HandoverInputError(f"The {flag} value is too long (at most {VALUE_MAX} characters).")
        options[flag] = cleaned
    return HandoverAsked(people[0], people[1], Filter(tag=options.get("--tag"), role=options.get("--role")))


def _person(word: str) -> str:
    mention = _MENTION.fullmatch(word)
    if mention is not None:
        return mention[1]
    if _BARE_ID.fullmatch(word):
        return word
    raise HandoverInputError(
        f"{one_line(word)} is not a person Slack recognised: mention them with @ and pick them from the list."
    )
