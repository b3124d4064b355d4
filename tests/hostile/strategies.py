"""Hypothesis strategies for what a recruiter may type, and the checks every parse result must pass: shared by the
property tests of the parsers and of the forms."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from sqlalchemy import select

from bot.fields import TAG_MAX, TAGS_MAX, URL_MAX, InputErrors
from bot.rejection_input import EMAIL_MAX, LINKEDIN_MAX, NAME_MAX, NOTE_MAX, ROLE_MAX
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX, RoleInput
from models import STAGES, Rejection
from models.rejection import RejectionInput
from testkit.running import RunningApp

QUOTES = '"\u201c\u201d'
SAFE_CHARACTERS = st.characters(exclude_categories=("Cs",))
FRAGMENTS = (
    # Slack's escaping, and what a person may paste that Slack then turns into a link or a mention
    "&lt;",
    "&gt;",
    "&amp;",
    "&amp;lt;",
    "<@U123>",
    "<@U123|jane>",
    "<!channel>",
    "<!here>",
    "<#C123|general>",
    "<mailto:jane@x.io|jane@x.io>",
    "<http://x.io|x.io>",
    "<https://jobs.example.com/42>",
    "<",
    ">",
    "|",
    # quotes, balanced or not, straight and curly
    '"',
    "\u201c",
    "\u201d",
    "'",
    '""',
    # the grammar's own pieces
    "=",
    "role=",
    "stage=final",
    "stage=",
    "email=",
    "tags=",
    "tags=a,b,,A, b ",
    "note=",
    "rating=",
    "rating=05",
    "linkedin=",
    "name=",
    "title=",
    "url=",
    "location=",
    "team=",
    "salary=",
    ",",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    # invisible and direction-changing characters, combining marks, emoji
    "\x00",
    "\x07",
    "\x1b[31m",
    "\u200b",
    "\u200d",
    "\u200f",
    "\u202e",
    "\u2028",
    "\ufeff",
    "e\u0301",
    "\u0301",
    "\U0001f469\u200d\U0001f4bb",
    "\U0001f1e9\U0001f1ea",
    "ß",
    "ﬁ",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "李小龍",
    # SQL and format strings
    "'; DROP TABLE candidates; --",
    "Robert'); DELETE FROM rejections; --",
    "1 OR 1=1",
    "' OR ''='",
    "%s",
    "%(name)s",
    "{0}",
    "\\",
    "NULL",
    # what Bolt 1.30 took for an interactivity payload, and the one character whose lower case is longer (İ -> i̇)
    "payload",
    "payload=",
    "\u0130",
)
TYPED_KEY = re.compile(r"[a-z_]+")  # how a typed key= comes back: lower-cased, letters and underscores only
MENTIONS = ("<!channel>", "<!here>", "<@U123", "<#C123")


# ---------------------------------------------------------------------------------------------------------------------
# Strategies: hostile text, and valid values as the parsers store them
# ---------------------------------------------------------------------------------------------------------------------


def hostile_text(max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Text built from the fragments above and random unicode, in any order."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(SAFE_CHARACTERS, max_size=12))
    return st.lists(piece, max_size=max_pieces).map("".join)


def huge_text() -> st.SearchStrategy[str]:
    """Far over every limit: one fragment or a short random string repeated up to 40,000 characters."""
    unit = st.one_of(st.sampled_from(FRAGMENTS), st.text(SAFE_CHARACTERS, min_size=1, max_size=4))
    return st.builds(lambda piece, times: piece * times, unit, st.integers(50, 10_000)).map(lambda s: s[:40_000])


def command_text() -> st.SearchStrategy[str]:
    """What someone might type after a slash command: hostile pieces, sometimes around a huge one."""
    return st.one_of(
        hostile_text(),
        st.builds(lambda a, b, c: a + b + c, hostile_text(8), huge_text(), hostile_text(8)),
    )


def clean_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def free_text(limit: int) -> st.SearchStrategy[str]:
    """A one-line value as the parser would store it: any letters, marks, emoji, symbols; no quotes."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=QUOTES)
    return st.text(alphabet, min_size=1, max_size=limit).map(clean_line).filter(lambda v: is_clean_line(v, limit))


def clean_tag(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).lower()


tag = (
    st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=QUOTES + ","), max_size=TAG_MAX)
    .map(clean_tag)
    .filter(lambda t: 0 < len(t) <= TAG_MAX and clean_tag(t) == t and unicodedata.is_normalized("NFC", t))
)
tags = st.lists(tag, max_size=TAGS_MAX, unique=True).map(tuple)
label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
emails = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.text("abcdefghijklmnopqrstuvwxyz0123456789._%+-'éøß", min_size=1, max_size=40),
    st.lists(label, min_size=2, max_size=4),
)
linkedins = st.builds(
    lambda host, slug: f"https://{host}/in/{slug}",
    st.sampled_from(["linkedin.com", "www.linkedin.com", "de.linkedin.com"]),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_%", min_size=1, max_size=60),
)
urls = st.builds(
    lambda scheme, labels, path: f"{scheme}://{'.'.join(labels)}/{path}",
    st.sampled_from(["http", "https"]),
    st.lists(label, min_size=2, max_size=3),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/?=&%#.~", max_size=80),
)
notes = (
    st.text(
        st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r", exclude_characters=QUOTES),
        min_size=1,
        max_size=NOTE_MAX,
    )
    .map(lambda v: unicodedata.normalize("NFC", v).strip())
    .filter(lambda v: bool(v) and unicodedata.is_normalized("NFC", v))
)
rejections = st.builds(
    RejectionInput,
    name=free_text(NAME_MAX),
    role=free_text(ROLE_MAX),
    stage=st.sampled_from(STAGES),
    email=st.none() | emails,
    linkedin=st.none() | linkedins,
    rating=st.none() | st.integers(1, 5),
    tags=tags,
    note=st.none() | notes,
)
roles = st.builds(
    RoleInput,
    title=free_text(TITLE_MAX),
    tags=tags,
    location=st.none() | free_text(LOCATION_MAX),
    url=st.none() | urls,
    team=st.none() | free_text(TEAM_MAX),
)


def slack_escaped(text: str) -> str:
    """What Slack sends for typed text: &, < and > as HTML entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(value: str, style: str) -> str:
    """A value as typed: bare, or in straight, curly or mismatched quotes (any quote closes any other)."""
    opening, closing = {
        "bare": ("", ""),
        "straight": ('"', '"'),
        "curly": ("\u201c", "\u201d"),
        "mixed": ("\u201d", '"'),
    }[style]
    return f"{opening}{value}{closing}"


@st.composite
def structured_command(
    draw: st.DrawFn, head: st.SearchStrategy[str], values: dict[str, st.SearchStrategy[str]], required: tuple[str, ...]
) -> str:
    """A command of the right shape (a head, then key=value options) whose values are valid, hostile or huge.

    Now and then a key comes twice, or the values come Slack-escaped as Slack sends typed text.
    """
    style = st.sampled_from(["bare", "straight", "curly", "mixed"])
    optional = sorted(set(values) - set(required))
    keys = [*required, *draw(st.lists(st.sampled_from(optional), unique=True, max_size=4))]
    if keys and draw(st.sampled_from([False] * 9 + [True])):
        keys.append(draw(st.sampled_from(keys)))
    escaped = draw(st.booleans())
    parts = [quoted(draw(head), draw(style))]
    for key in draw(st.permutations(keys)):
        value = draw(values[key])
        parts.append(f"{key}={quoted(slack_escaped(value) if escaped else value, draw(style))}")
    return " ".join(parts)


def anything(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly a valid value (so whole commands often pass), else a hostile or a huge one."""
    return st.sampled_from([valid] * 8 + [hostile_text(6), huge_text()]).flatmap(lambda strategy: strategy)


def rejected_text() -> st.SearchStrategy[str]:
    """`/rejected` text: free-form hostile text, or the command's shape with valid, hostile and huge values."""
    values = {
        "role": anything(free_text(ROLE_MAX)),
        "stage": st.sampled_from([*STAGES, *STAGES, "FINAL", " Screen ", "onsite", "final\x00", "fin\u0430l"]),
        "email": anything(emails),
        "linkedin": anything(linkedins),
        "rating": st.sampled_from(
            ["1", "2", "3", "4", "5", "05", " 4 ", "6", "0", "-1", "4.5", "\u0663", "\uff14", "five"]
        ),
        "tags": anything(tags.map(",".join)),
        "note": anything(notes),
    }
    shaped = structured_command(anything(free_text(NAME_MAX)), values, ("role", "stage"))
    return st.sampled_from([shaped, shaped, command_text()]).flatmap(lambda strategy: strategy)


def role_text() -> st.SearchStrategy[str]:
    """`/role` text: free-form hostile text, or the command's shape with valid, hostile and huge values."""
    values = {
        "tags": anything(tags.map(",".join)),
        "location": anything(free_text(LOCATION_MAX)),
        "url": anything(urls),
        "team": anything(free_text(TEAM_MAX)),
    }
    shaped = structured_command(anything(free_text(TITLE_MAX)), values, ())
    return st.sampled_from([shaped, shaped, command_text()]).flatmap(lambda strategy: strategy)


# ---------------------------------------------------------------------------------------------------------------------
# What a parsed record and a refusal must look like
# ---------------------------------------------------------------------------------------------------------------------


def is_clean_line(value: str, limit: int) -> bool:
    """A one-line free-text field as stored: NFC, single spaces, no control characters, a letter or digit, short."""
    return (
        0 < len(value) <= limit
        and value == " ".join(value.split())
        and unicodedata.is_normalized("NFC", value)
        and not any(unicodedata.category(char) == "Cc" for char in value)
        and any(char.isalnum() for char in value)
    )


def check_tags(tags: tuple[str, ...]) -> None:
    assert len(tags) <= TAGS_MAX
    assert len(set(tags)) == len(tags), tags
    for tag in tags:
        assert 0 < len(tag) <= TAG_MAX
        assert tag == " ".join(tag.split()) == tag.lower(), tag
        assert "," not in tag
        assert not any(unicodedata.category(char) == "Cc" for char in tag)


def check_rejection(entry: RejectionInput) -> None:
    """Every field of a cleaned rejection within its documented limits."""
    assert is_clean_line(entry.name, NAME_MAX), entry.name
    assert is_clean_line(entry.role, ROLE_MAX), entry.role
    assert entry.stage in STAGES
    if entry.email is not None:
        assert 0 < len(entry.email) <= EMAIL_MAX
        assert entry.email == entry.email.lower()
        assert entry.email.count("@") == 1 and not any(char.isspace() for char in entry.email)
    if entry.linkedin is not None:
        assert len(entry.linkedin) <= LINKEDIN_MAX
        host = entry.linkedin.removeprefix("https://").partition("/")[0]
        assert entry.linkedin.startswith("https://") and (host == "linkedin.com" or host.endswith(".linkedin.com"))
        assert not any(char.isspace() or char in '<>|"' for char in entry.linkedin)
    assert entry.rating is None or 1 <= entry.rating <= 5
    check_tags(entry.tags)
    if entry.note is not None:
        assert 0 < len(entry.note) <= NOTE_MAX
        assert entry.note == entry.note.strip()
        assert not any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in entry.note)


def check_role(entry: RoleInput) -> None:
    """Every field of a cleaned role within its documented limits."""
    assert is_clean_line(entry.title, TITLE_MAX), entry.title
    check_tags(entry.tags)
    for value, limit in ((entry.location, LOCATION_MAX), (entry.team, TEAM_MAX)):
        assert value is None or is_clean_line(value, limit), value
    if entry.url is not None:
        assert len(entry.url) <= URL_MAX
        assert entry.url.lower().startswith(("http://", "https://"))
        assert not any(char.isspace() or char in '<>|"' for char in entry.url)


def rejection_raw(entry: RejectionInput) -> dict[str, str | None]:
    """A cleaned rejection as raw values again, as the form would submit them."""
    return {
        "name": entry.name,
        "role": entry.role,
        "stage": entry.stage,
        "rating": None if entry.rating is None else str(entry.rating),
        "email": entry.email,
        "linkedin": entry.linkedin,
        "tags": ", ".join(entry.tags) or None,
        "note": entry.note,
    }


def role_raw(entry: RoleInput) -> dict[str, str | None]:
    tags = ",".join(entry.tags) or None
    return {"title": entry.title, "tags": tags, "location": entry.location, "url": entry.url, "team": entry.team}


def check_refusal(error: InputErrors, fields: tuple[str, ...], *, typed_keys: bool = True) -> None:
    """A refusal names each wrong field once, with a one-line sentence a person can act on.

    A command may also be refused for its whole text (an unclosed quote) or for a key typed that is not a field.
    """
    assert error.errors, "a refusal must say what is wrong"
    assert str(error) == " ".join(error.errors.values())
    for key, problem in error.errors.items():
        assert isinstance(problem, str) and problem.strip(), key
        assert key in fields or (typed_keys and (key == "text" or TYPED_KEY.fullmatch(key))), key
        assert all(char.isprintable() for char in problem), problem
        if key != "text":  # the unclosed-quote message ends with the text it quotes
            assert problem.endswith("."), problem


def already_on_record(app: RunningApp, entry: RejectionInput) -> bool:
    """Whether U0REC recorded this very rejection in the last ten minutes, so that sending it again records nothing:
    same role, stage, rating and note, for a live candidate of that name and email whose LinkedIn and tags already
    include the entry's (a double submit, bot.recording)."""
    since = datetime.now(UTC) - timedelta(minutes=10)
    with app.sessions() as session:
        recent = session.scalars(select(Rejection).where(Rejection.rejected_at >= since)).all()
        return any(
            (rejection.team_id, rejection.recruiter.user_id) == ("T0TEST", "U0REC")
            and (rejection.role_title, rejection.stage, rejection.rating, rejection.note)
            == (entry.role, entry.stage, entry.rating, entry.note)
            and (rejection.candidate.name, rejection.candidate.email, rejection.candidate.erased)
            == (entry.name, entry.email, False)
            and entry.linkedin in (None, rejection.candidate.linkedin_url)
            and set(entry.tags) <= set(rejection.candidate.tags)
            for rejection in recent
        )
