"""bot.fields on its own: the pieces every input (rejections, roles) is read with, and the limits the job-board import
shares with them."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.fields import (
    TAG_MAX,
    TAGS_MAX,
    URL_MAX,
    FieldCheck,
    FieldError,
    InputErrors,
    breaks_link,
    http_url,
    one_line_text,
    parse_command,
    tag_list,
)
from jobs import job_boards


def pet(raw: Mapping[str, str | None]) -> tuple[str, tuple[str, ...]]:
    """A made-up input of two fields, read the way the real ones are."""
    check = FieldCheck(raw)
    result = (
        check("name", lambda value: one_line_text("Name", value or "", 20, "give a name"), ""),
        check("tags", tag_list, ()),
    )
    check.done(("name", "tags"))
    return result


def parse_pet(text: str) -> tuple[str, tuple[str, ...]]:
    return parse_command(text, head="name", head_is_not_a_key="Name comes first.", keys=("tags", "age"), validate=pet)


def test_a_command_reads_its_head_words_and_options_for_any_input() -> None:
    assert parse_pet("  Rex   the  Dog tags=Loyal,,LOYAL, good boy") == ("Rex the Dog", ("loyal", "good boy"))


def test_every_problem_is_reported_at_once_the_fields_in_order_then_the_keys() -> None:
    with pytest.raises(InputErrors) as raised:
        parse_pet("*** tags=" + ",".join(f"t{n}" for n in range(TAGS_MAX + 1)) + " colour=brown name=Rex tags=x")
    assert list(raised.value.errors) == ["name", "tags", "colour"]
    assert raised.value.errors["name"] == "Name comes first."
    assert raised.value.errors["colour"] == "Unknown key “colour”; use tags or age."
    assert str(raised.value) == " ".join(raised.value.errors.values())


def test_a_field_checker_normalises_and_trims_what_was_typed_and_reads_blank_as_missing() -> None:
    seen: list[str | None] = []
    check = FieldCheck({"a": "  Cafe\u0301 ", "b": "   ", "c": None})
    for field in ("a", "b", "c", "d"):
        check(field, seen.append, None)
    assert seen == ["Café", None, None, None]
    check.done(("a",))  # nothing was wrong: no InputErrors


def test_a_tag_too_long_is_refused_with_its_length() -> None:
    assert tag_list("x" * TAG_MAX) == ("x" * TAG_MAX,)
    with pytest.raises(FieldError, match=f"is {TAG_MAX + 1} characters; each tag can be at most {TAG_MAX}"):
        tag_list("ok," + "x" * (TAG_MAX + 1))


@pytest.mark.parametrize("url", ["https://jobs.example.com/42", "http://example.com", "https://x.io/a?b=1&c=2"])
def test_a_web_address_is_kept_as_typed(url: str) -> None:
    assert http_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "jobs.example.com/42",
        "ftp://example.com/x",
        "https://",
        "https://x.io/a b",
        "https://x.io/<a>",
        "https://x.io/|",
    ],
)
def test_an_address_a_slack_link_cannot_carry_is_refused(url: str) -> None:
    with pytest.raises(FieldError, match="is not a web address"):
        http_url(url)


def test_the_url_limit_counts_the_whole_address() -> None:
    url = "https://x.io/" + "a" * (URL_MAX - len("https://x.io/"))
    assert http_url(url) == url
    with pytest.raises(FieldError, match=f"is {URL_MAX + 1:,} characters; the limit is {URL_MAX}"):
        http_url(url + "a")


def test_what_breaks_a_slack_link() -> None:
    assert [breaks_link(text) for text in ("https://x.io/a-b_c~d", "a b", "a\tb", "a<b", "a>b", "a|b", 'a"b')] == [
        False,
        *[True] * 6,
    ]


def test_the_job_board_import_keeps_to_the_same_tag_and_url_limits() -> None:
    """It drops what /rejected and /role would refuse, rather than storing what they could never have typed."""
    assert job_boards.clean_tags(["x" * (TAG_MAX + 1), "ok"] + [f"t{n}" for n in range(TAGS_MAX)]) == (
        "ok",
        *(f"t{n}" for n in range(TAGS_MAX - 1)),
    )
    assert job_boards.web_url("https://x.io/" + "a" * (URL_MAX - len("https://x.io/"))) is not None
    assert job_boards.web_url("https://x.io/" + "a" * (URL_MAX + 1 - len("https://x.io/"))) is None
    assert job_boards.web_url("https://x.io/a|b") is None
