"""Validation of one role as typed in `/role` or its modal: exact cleaned values, one sentence per field."""

from __future__ import annotations

import pytest

from bot.fields import InputErrors
from bot.rejection_input import validate_rejection
from bot.role_input import FIELDS, USAGE, RoleInput, parse_role_command, validate_role


def command_errors(text: str) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        parse_role_command(text)
    return raised.value.errors


def errors_with(**raw: str | None) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        validate_role({"title": "Backend Engineer", **raw})
    return raised.value.errors


def test_fields_are_the_modal_block_ids_and_the_command_keys() -> None:
    assert FIELDS == ("title", "tags", "location", "url", "team")


def test_full_example_line() -> None:
    text = (
        'Senior Backend Engineer tags=Python, PostgreSQL ,python location="Berlin, Germany" '
        "url=<https://jobs.example.com/42?src=slack&amp;x=1|jobs.example.com/42> team=Platform"
    )
    assert parse_role_command(text) == RoleInput(
        title="Senior Backend Engineer",
        tags=("python", "postgresql"),
        location="Berlin, Germany",
        url="https://jobs.example.com/42?src=slack&x=1",
        team="Platform",
    )


def test_a_title_alone_is_enough() -> None:
    assert parse_role_command("  Data   Analyst ") == RoleInput("Data Analyst", (), None, None, None)


def test_every_usage_example_is_accepted() -> None:
    examples = [line.split("`/role ", 1)[1].rsplit("`", 1)[0] for line in USAGE.splitlines() if line.startswith("•")]
    assert len(examples) == 3
    for example in examples:
        parse_role_command(example)


def test_keys_are_case_insensitive_and_quoted_titles_may_start_with_a_subcommand_word() -> None:
    role = parse_role_command('"Close Protection Officer" LOCATION=London')
    assert (role.title, role.location) == ("Close Protection Officer", "London")


def test_tags_are_cleaned_exactly_like_a_rejections() -> None:
    raw = " Node.js ,  Machine   Learning,,NODE.JS, c++ "
    assert (
        validate_role({"title": "Engineer", "tags": raw}).tags
        == validate_rejection({"name": "Jane Doe", "role": "Engineer", "stage": "final", "tags": raw}).tags
        == ("node.js", "machine learning", "c++")
    )


def test_missing_title() -> None:
    assert command_errors("tags=python") == {
        "title": "Title is missing; start with the role's job title, e.g. `/role Backend Engineer`."
    }


def test_title_too_long_or_without_letters() -> None:
    assert errors_with(title="x" * 151) == {
        "title": "Title “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is 151 characters; the limit is 150."
    }
    assert validate_role({"title": "x" * 150}).title == "x" * 150
    assert "no letters or digits" in errors_with(title="!!!")["title"]


def test_title_as_a_key_is_explained() -> None:
    assert command_errors("title=Engineer")["title"] == (
        "Title is not a key; put the role's title first, before any key=value."
    )


def test_unknown_and_repeated_keys_name_the_allowed_ones() -> None:
    errors = command_errors("Engineer stage=final tags=a tags=b")
    assert errors == {
        "stage": "Unknown key “stage”; use tags, location, url or team.",
        "tags": "tags was given twice.",
    }


def test_every_problem_is_reported_at_once() -> None:
    errors = command_errors(f"location={'l' * 151} url=ftp://x.io team=!!! colour=red")
    assert set(errors) == {"title", "location", "url", "team", "colour"}


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        ("a" * 41, "Tag “aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is 41 characters; each tag can be at most 40."),
        (",".join(f"t{n}" for n in range(21)), "Tags has 21 different tags; the limit is 20."),
        ("python,\x00", "Tags contains an invisible control character; retype it without one."),
    ],
)
def test_bad_tags(tags: str, problem: str) -> None:
    assert errors_with(tags=tags) == {"tags": problem}


def test_twenty_tags_of_forty_characters_are_fine() -> None:
    tags = tuple(f"{n:02d}" + "x" * 38 for n in range(20))
    assert validate_role({"title": "Engineer", "tags": ",".join(tags)}).tags == tags


@pytest.mark.parametrize("field", ["location", "team"])
def test_location_and_team_are_one_line_of_at_most_150(field: str) -> None:
    role = validate_role({"title": "Engineer", field: " Remote\n  EU "})
    assert getattr(role, field) == "Remote EU"
    assert errors_with(**{field: "y" * 151})[field].endswith("is 151 characters; the limit is 150.")
    assert validate_role({"title": "Engineer", field: ""}) == validate_role({"title": "Engineer"})


@pytest.mark.parametrize(
    "url",
    [
        "https://jobs.example.com/backend",
        "http://example.com",
        "HTTPS://Example.com/a?b=c&d=e#f",
        "https://boards.greenhouse.io/acme/jobs/4012345",
    ],
)
def test_good_urls_are_kept_as_typed(url: str) -> None:
    assert validate_role({"title": "Engineer", "url": url}).url == url


@pytest.mark.parametrize(
    "url",
    [
        "jobs.example.com/backend",  # no scheme: Slack itself adds one to links it recognises
        "ftp://example.com/job",
        "javascript:alert(1)",
        "https://",
        "https:///path-only",
        'https://example.com/a"b',
        "https://example.com/a|b",
        "https://example.com/<b>",
        "https://example.com/a b",
        "http://[::1",
    ],
)
def test_urls_that_are_not_web_addresses_or_would_break_a_slack_link_are_refused(url: str) -> None:
    assert "is not a web address; use one like https://jobs.example.com/backend-engineer" in errors_with(url=url)["url"]


def test_url_length_limit() -> None:
    url = "https://example.com/" + "a" * 281
    assert errors_with(url=url) == {"url": f"URL “{url[:40]}…” is 301 characters; the limit is 300."}
    assert validate_role({"title": "Engineer", "url": url[:-1]}).url == url[:-1]


def test_an_unclosed_quote_is_one_clear_error() -> None:
    assert command_errors('"Backend Engineer tags=python') == {
        "text": 'A double quote is not closed: "Backend Engineer tags=python'
    }
