"""The generic grammar of Keepwarm's slash commands: `Head words key=value key="quoted value"`.

Pure functions only, so every command shares one well-tested tokenizer that needs no Slack or database to test.
"""

import re
from dataclasses import dataclass

# Slack wraps links it recognises as <mailto:addr|label>, <https://url|label> or <https://url>.
_LINK = re.compile(r"<(?:mailto:(?P<address>[^<>|\s]*)|(?P<url>https?://[^<>|\s]*))(?:\|[^<>]*)?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}
_OPTION_KEY = re.compile(r"([A-Za-z_]+)=")
# Straight quotes and the curly ones macOS autocorrect produces; any of them closes a quote opened by any other.
_QUOTE = re.compile('["\u201c\u201d]')
_SNIPPET_MAX = 40


class CommandTextError(ValueError):
    """The text cannot be tokenised; `.message` is safe to show to the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CommandText:
    """The leading free words of a command and its `key=value` options, in the order typed (repeats kept)."""

    head: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Token:
    """One whitespace-separated token; `bare` is its text before any quote, the only place an option key may be."""

    bare: str
    text: str


def unescape(text: str) -> str:
    """Turn Slack's escaped slash-command text back into what the person typed.

    Links become their target (never the label, which Slack may have shortened), then the three HTML entities Slack
    uses are decoded in a single pass so that `&amp;lt;` stays the literal `&lt;` the person typed.
    Mentions such as `<@U123|jane>` are left untouched.
    """
    text = _LINK.sub(lambda match: match["url"] or match["address"], text)
    return _ENTITY.sub(lambda match: _ENTITIES[match[1]], text)


def split_command(text: str) -> CommandText:
    """Split slash-command text into its head words and `key=value` options.

    Quoted text may hold spaces; words after an option that are not options themselves continue its value, so
    `role=Senior Backend Engineer` reads as people mean it. Raises CommandTextError for an unclosed quote.
    """
    head: list[str] = []
    options: list[tuple[str, str]] = []
    for token in _tokens(unescape(text)):
        option = _OPTION_KEY.match(token.bare)
        if option is not None:
            options.append((option[1].lower(), token.text[option.end() :]))
        elif not token.text:
            continue
        elif options:
            key, value = options[-1]
            options[-1] = (key, f"{value} {token.text}" if value else token.text)
        else:
            head.append(token.text)
    return CommandText(head=" ".join(head).strip(), options=tuple(options))


def _tokens(text: str) -> list[_Token]:
    """Split on whitespace outside quotes, removing the quote characters themselves."""
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        start = position
        parts: list[str] = []
        bare: str | None = None
        while position < len(text) and not text[position].isspace():
            if _QUOTE.match(text, position):
                bare = "".join(parts) if bare is None else bare
                close = _QUOTE.search(text, position + 1)
                if close is None:
                    raise CommandTextError(f"A double quote is not closed: {one_line(text[start:])}")
                parts.append(text[position + 1 : close.start()])
                position = close.end()
            else:
                parts.append(text[position])
                position += 1
        joined = "".join(parts)
        tokens.append(_Token(bare=joined if bare is None else bare, text=joined))
    return tokens


def one_line(text: str) -> str:
    """Typed text as an error message may show it back: short, on one line, every character visible.

    Control characters, line breaks and direction overrides (U+202E) become spaces, so an echo can neither break the
    message's layout nor make it read backwards.
    """
    text = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return text if len(text) <= _SNIPPET_MAX else text[:_SNIPPET_MAX] + "…"
