"""Validation of one rejection as typed in `/rejected` or the modal: exact cleaned values, one sentence per field."""

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.rejection_input import (
    FIELDS,
    NOTE_MAX,
    STAGES,
    USAGE,
    InputErrors,
    parse_rejection_command,
    validate_rejection,
)
from models.rejection import RejectionInput

VALID: dict[str, str | None] = {"name": "Jane Doe", "role": "Backend Engineer", "stage": "final"}


def valid_with(**changes: str | None) -> RejectionInput:
    return validate_rejection(VALID | changes)


def errors_with(**changes: str | None) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        validate_rejection(VALID | changes)
    return raised.value.errors


def command_errors(text: str) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        parse_rejection_command(text)
    return raised.value.errors


def test_constants() -> None:
    assert STAGES == ("screen", "interview", "final")
    assert FIELDS == ("name", "email", "linkedin", "role", "stage", "rating", "tags", "note", "consent")
    assert NOTE_MAX == 3000


def test_full_example_line() -> None:
    text = 'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5 tags=python,postgres'
    assert parse_rejection_command(text) == RejectionInput(
        name="Jane Doe",
        role="Senior Backend Engineer",
        stage="final",
        email="jane@x.io",
        linkedin=None,
        rating=5,
        tags=("python", "postgres"),
        note=None,
    )


def test_minimal_input_defaults() -> None:
    assert validate_rejection(VALID) == RejectionInput(
        name="Jane Doe",
        role="Backend Engineer",
        stage="final",
        email=None,
        linkedin=None,
        rating=None,
        tags=(),
        note=None,
    )


def test_every_field_from_the_modal() -> None:
    raw = {
        "name": "  Zoë   Ångström-Łukasz ",
        "email": " Zoe@Example.COM ",
        "linkedin": "uk.linkedin.com/in/zoe/",
        "role": " Staff  Engineer ",
        "stage": " Interview ",
        "rating": " 4 ",
        "tags": " Go, , RUST,go ,  machine  learning ",
        "note": "\n  Great systems design.\nWould hire for platform.  \n",
        "unrelated": "ignored",
    }
    assert validate_rejection(raw) == RejectionInput(
        name="Zoë Ångström-Łukasz",
        role="Staff Engineer",
        stage="interview",
        email="zoe@example.com",
        linkedin="https://uk.linkedin.com/in/zoe",
        rating=4,
        tags=("go", "rust", "machine learning"),
        note="Great systems design.\nWould hire for platform.",
    )


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_blank_optional_values_are_not_given(blank: str | None) -> None:
    result = valid_with(email=blank, linkedin=blank, rating=blank, tags=blank, note=blank)
    assert (result.email, result.linkedin, result.rating, result.tags, result.note) == (None, None, None, (), None)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_required_values_are_missing(blank: str | None) -> None:
    assert errors_with(name=blank, role=blank, stage=blank) == {
        "name": "Name is missing; start with the candidate's full name.",
        "role": "Role is missing; give the job title the candidate applied for.",
        "stage": "Stage is missing; use screen, interview or final.",
    }


def test_missing_keys_are_missing() -> None:
    with pytest.raises(InputErrors) as raised:
        validate_rejection({})
    assert set(raised.value.errors) == {"name", "role", "stage"}


# --- name and role


@pytest.mark.parametrize("name", ["Zoë Ångström-Łukasz", "李小龍", "Sean O'Brien", "محمد علي", "X Æ A-12", "J"])
def test_names_in_any_script(name: str) -> None:
    assert valid_with(name=name).name == name


def test_name_is_nfc_normalised() -> None:
    assert valid_with(name="Zoe\u0308").name == "Zo\u00eb"


@pytest.mark.parametrize("name", ["!!!", "-- .", "...", "'", "🙂"])
def test_punctuation_only_name_is_refused(name: str) -> None:
    assert errors_with(name=name) == {
        "name": f"Name “{name}” has no letters or digits; give the candidate's full name."
    }


def test_name_length() -> None:
    assert valid_with(name="a" * 150).name == "a" * 150
    assert errors_with(name="a" * 151) == {"name": f"Name “{'a' * 40}…” is 151 characters; the limit is 150."}


def test_role_rules() -> None:
    assert valid_with(role="C++ / Rust dev").role == "C++ / Rust dev"
    assert errors_with(role="???") == {
        "role": "Role “???” has no letters or digits; give the job title the candidate applied for."
    }
    assert errors_with(role="r" * 151) == {"role": f"Role “{'r' * 40}…” is 151 characters; the limit is 150."}


# --- stage


@pytest.mark.parametrize(("typed", "stage"), [("screen", "screen"), ("INTERVIEW", "interview"), (" Final ", "final")])
def test_stage_is_case_insensitive(typed: str, stage: str) -> None:
    assert valid_with(stage=typed).stage == stage


def test_unknown_stage() -> None:
    assert errors_with(stage="onsite") == {"stage": "Stage “onsite” is not recognised; use screen, interview or final."}


# --- rating


@pytest.mark.parametrize(("typed", "rating"), [("1", 1), ("5", 5), (" 3 ", 3), ("05", 5)])
def test_rating_accepted(typed: str, rating: int) -> None:
    assert valid_with(rating=typed).rating == rating


@pytest.mark.parametrize("typed", ["0", "6", "4.5", "five", "-1", "+3", "4 5", "٣", "9" * 5000])
def test_rating_refused(typed: str) -> None:
    errors = errors_with(rating=typed)
    assert list(errors) == ["rating"]
    assert errors["rating"].startswith("Rating “")
    assert errors["rating"].endswith("” is not valid; use a whole number from 1 to 5.")


def test_rating_message_shows_value() -> None:
    assert errors_with(rating="4.5") == {"rating": "Rating “4.5” is not valid; use a whole number from 1 to 5."}


# --- email


@pytest.mark.parametrize(
    ("typed", "email"),
    [("jane@x.io", "jane@x.io"), (" Jane.Doe+jobs@Mail.Example.CO.UK ", "jane.doe+jobs@mail.example.co.uk")],
)
def test_email_accepted(typed: str, email: str) -> None:
    assert valid_with(email=typed).email == email


@pytest.mark.parametrize(
    "typed",
    [
        "jane",
        "jane@",
        "@x.io",
        "jane@x",
        "jane@@x.io",
        "ja ne@x.io",
        "jane@x..io",
        "jane@.x.io",
        "jane@x.io.",
        "a@b@c.io",
    ],
)
def test_email_refused(typed: str) -> None:
    assert errors_with(email=typed) == {
        "email": f"Email “{typed}” is not a valid address; use the form name@example.com."
    }


def test_email_length() -> None:
    longest = "a" * 64 + "@" + "b" * 185 + ".com"
    assert len(longest) == 254
    assert valid_with(email=longest).email == longest
    assert errors_with(email="a" + longest) == {"email": f"Email “{'a' * 40}…” is 255 characters; the limit is 254."}


# --- linkedin


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("https://www.linkedin.com/in/jane", "https://www.linkedin.com/in/jane"),
        ("http://www.linkedin.com/in/jane", "https://www.linkedin.com/in/jane"),
        ("linkedin.com/in/jane", "https://linkedin.com/in/jane"),
        ("www.linkedin.com/in/jane", "https://www.linkedin.com/in/jane"),
        ("https://uk.linkedin.com/in/jane/", "https://uk.linkedin.com/in/jane"),
        ("HTTPS://WWW.LinkedIn.com/in/Jane-Doe", "https://www.linkedin.com/in/Jane-Doe"),
        ("https://www.linkedin.com/in/jane?utm_source=share#about", "https://www.linkedin.com/in/jane"),
    ],
)
def test_linkedin_accepted(typed: str, url: str) -> None:
    assert valid_with(linkedin=typed).linkedin == url


@pytest.mark.parametrize(
    "typed",
    [
        "https://example.com/in/jane",
        "x.com/jane",
        "https://notlinkedin.com/in/jane",
        "https://linkedin.com.evil.io/in/jane",
        "https://evil.io@linkedin.com/in/jane",
        "https://linkedin.com@evil.io/in/jane",
        "https://linkedin.com:8080/in/jane",
        "ftp://linkedin.com/in/jane",
        "javascript:alert(1)",
        "https://linkedin.com",
        "https://linkedin.com/",
        "linkedin.com/in/jane doe",
        "https://[linkedin.com/in/jane",
        "jane",
    ],
)
def test_linkedin_refused(typed: str) -> None:
    assert errors_with(linkedin=typed) == {
        "linkedin": f"LinkedIn “{typed}” is not a LinkedIn profile address; use e.g. https://www.linkedin.com/in/jane-doe."
    }


def test_linkedin_length() -> None:
    typed = "https://www.linkedin.com/in/" + "j" * 273
    assert len(typed) == 301
    assert errors_with(linkedin=typed) == {"linkedin": f"LinkedIn “{typed[:40]}…” is 301 characters; the limit is 300."}
    assert valid_with(linkedin=typed[:300]).linkedin == typed[:300]


# --- tags


def test_tags_cleaned() -> None:
    assert valid_with(tags="Python, postgres,,PYTHON , ,Go").tags == ("python", "postgres", "go")
    assert valid_with(tags=",,,").tags == ()


def test_tag_length() -> None:
    assert valid_with(tags="t" * 40).tags == ("t" * 40,)
    assert errors_with(tags="ok," + "t" * 41) == {
        "tags": f"Tag “{'t' * 40}…” is 41 characters; each tag can be at most 40."
    }


def test_tag_count() -> None:
    twenty = ",".join(f"t{index}" for index in range(20))
    assert len(valid_with(tags=twenty).tags) == 20
    assert len(valid_with(tags=twenty + ",t0,T1").tags) == 20
    assert errors_with(tags=twenty + ",t20") == {"tags": "Tags has 21 different tags; the limit is 20."}


# --- note


def test_note_length() -> None:
    assert valid_with(note="n" * NOTE_MAX).note == "n" * 3000
    assert valid_with(note="  " + "n" * NOTE_MAX + "\n").note == "n" * 3000
    assert errors_with(note="n" * 3001) == {"note": "Note is 3,001 characters long; the limit is 3,000."}


def test_note_keeps_inner_lines_and_quotes() -> None:
    note = "Line one.\n\tIndented \"quoted\" 'single' — done; DROP TABLE x; --"
    assert valid_with(note=note).note == note


# --- control characters


@pytest.mark.parametrize("field", ["name", "role", "email", "linkedin", "tags", "note"])
def test_control_characters_refused(field: str) -> None:
    errors = errors_with(**{field: "jane\x00@x.io"})
    assert list(errors) == [field]
    assert errors[field].endswith(" contains an invisible control character; retype it without one.")


# --- several at once


def test_all_problems_reported_at_once() -> None:
    raw = {
        "name": "!!!",
        "email": "nope",
        "linkedin": "https://x.com/jane",
        "role": "",
        "stage": "onsite",
        "rating": "6",
        "tags": "x" * 41,
        "note": "n" * 3001,
        "consent": "last spring",
    }
    with pytest.raises(InputErrors) as raised:
        validate_rejection(raw)
    assert list(raised.value.errors) == list(FIELDS)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == " ".join(raised.value.errors.values())


def test_long_values_are_shown_shortened_on_one_line() -> None:
    message = errors_with(stage="a\nb" + "c" * 100)["stage"]
    assert message == f"Stage “a b{'c' * 37}…” is not recognised; use screen, interview or final."


# --- the /rejected command


def test_command_with_every_key_and_slack_escaping() -> None:
    text = (
        "Sean O'Brien email=<mailto:Sean@X.io|Sean@X.io> linkedin=<https://linkedin.com/in/sean|linkedin.com/in/sean>"
        " role=Senior Backend Engineer stage=Interview rating=3 tags=\u201cGo, Rust\u201d"
        " note=\"Great &amp; kind; &lt;3 said 'later'\""
    )
    assert parse_rejection_command(text) == RejectionInput(
        name="Sean O'Brien",
        role="Senior Backend Engineer",
        stage="interview",
        email="sean@x.io",
        linkedin="https://linkedin.com/in/sean",
        rating=3,
        tags=("go", "rust"),
        note="Great & kind; <3 said 'later'",
    )


def test_command_unicode_name() -> None:
    assert parse_rejection_command("李小龍 role=工程师 stage=screen").name == "李小龍"
    assert parse_rejection_command("Zoë Ångström-Łukasz role=Dev stage=screen").name == "Zoë Ångström-Łukasz"


def test_command_without_name() -> None:
    assert command_errors("role=Dev stage=final") == {"name": "Name is missing; start with the candidate's full name."}


def test_command_punctuation_name() -> None:
    assert list(command_errors("-- . role=Dev stage=final")) == ["name"]


def test_command_unknown_key() -> None:
    assert command_errors("Jane role=Dev stage=final salary=100k") == {
        "salary": "Unknown key “salary”; use email, linkedin, role, stage, rating, tags, note or consent."
    }


def test_command_repeated_key() -> None:
    assert command_errors("Jane role=Dev stage=final role=Ops") == {"role": "role was given twice."}
    assert command_errors("Jane role=Dev stage=final Role=Ops") == {"role": "role was given twice."}


def test_command_name_key_refused() -> None:
    assert command_errors("role=Dev stage=final name=Jane") == {
        "name": "Name is not a key; put the candidate's full name first, before any key=value."
    }


def test_command_unclosed_quote() -> None:
    assert command_errors('Jane role="Senior Backend') == {"text": 'A double quote is not closed: role="Senior Backend'}


def test_command_reports_everything_at_once() -> None:
    errors = command_errors("role=Dev stage=later rating=five email=x salary=1 role=Ops")
    assert errors == {
        "name": "Name is missing; start with the candidate's full name.",
        "email": "Email “x” is not a valid address; use the form name@example.com.",
        "stage": "Stage “later” is not recognised; use screen, interview or final.",
        "rating": "Rating “five” is not valid; use a whole number from 1 to 5.",
        "salary": "Unknown key “salary”; use email, linkedin, role, stage, rating, tags, note or consent.",
        "role": "role was given twice.",
    }


def test_a_consent_date_is_the_day_they_agreed_at_noon_utc() -> None:
    entry = parse_rejection_command("Priya Raman role=Engineer stage=final consent=2026-11-02")
    assert entry.consent == datetime(2026, 11, 2, 12, tzinfo=UTC)
    assert parse_rejection_command("Priya Raman role=Engineer stage=final").consent is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("02/11/2026", "Consent “02/11/2026” is not a date; write the day they agreed as YYYY-MM-DD, e.g. 2026-11-02."),
        ("2026-02-30", "Consent “2026-02-30” is not a date; write the day they agreed as YYYY-MM-DD, e.g. 2026-11-02."),
        ("yes", "Consent “yes” is not a date; write the day they agreed as YYYY-MM-DD, e.g. 2026-11-02."),
        ("2999-01-01", "Consent “2999-01-01” is in the future; give the day they agreed."),
    ],
)
def test_a_consent_that_is_not_a_past_date_is_refused(value: str, problem: str) -> None:
    assert command_errors(f"Priya Raman role=Engineer stage=final consent={value}") == {"consent": problem}


def test_command_empty() -> None:
    assert set(command_errors("")) == {"name", "role", "stage"}


def test_usage_examples_parse() -> None:
    examples = re.findall(r"`/rejected ([^`]*)`", USAGE)
    assert len(examples) == 4
    for example in examples[1:]:
        assert parse_rejection_command(example).stage in STAGES
    assert not {"<", ">", "&"} & set(USAGE), "mrkdwn needs these escaped"


# --- nasty input never crashes

NASTY = [
    "'; DROP TABLE candidates; --",
    "Robert'); DROP TABLE candidates;-- role=x stage=final",
    'Jane role=x stage=final note="',
    "'",
    '"',
    "\u201c",
    "\u201d",
    '""',
    "<<>>",
    "<>",
    "&amp;&amp;",
    "&amp;lt;script&amp;gt; role=x stage=final",
    "x" * 10_000,
    "Jane role=x stage=final note=" + "y" * 10_000,
    "Jane role=x stage=final tags=" + "," * 10_000,
    "🙂🙃 role=🚀 stage=final",
    "👩🏽‍💻 role=dev stage=final",
    "محمد علي role=مهندس stage=final",
    "\u202eevil\u202c role=x stage=final",
    "Jane\x00Doe role=x stage=final",
    "Jane role=x\x00 stage=final",
    "=",
    "==",
    "a=",
    "=a=b",
    "role=",
    "\\",
    "Jane role=x stage=final linkedin=https://[::1]/in/x",
    "Jane role=x stage=final linkedin=https://linkedin.com:99999999/in/x",
    "Jane role=x stage=final email=\x00@x.io rating=\u0663",
    "<mailto:|> <https://|> <@U1|x> <#C1> <!channel>",
    "\t\n\r\x0b\x0c",
]


def outcome(parse: Callable[[], RejectionInput]) -> RejectionInput | InputErrors:
    """The result, or the InputErrors raised; any other exception fails the test."""
    try:
        return parse()
    except InputErrors as invalid:
        return invalid


@pytest.mark.parametrize("text", NASTY)
def test_nasty_commands_parse_or_raise_input_errors(text: str) -> None:
    result = outcome(lambda: parse_rejection_command(text))
    assert isinstance(result, RejectionInput) or all(result.errors.values())


@pytest.mark.parametrize("text", NASTY)
def test_nasty_values_parse_or_raise_input_errors(text: str) -> None:
    result = outcome(lambda: validate_rejection(dict.fromkeys(FIELDS, text)))
    assert isinstance(result, RejectionInput) or all(result.errors.values())


def test_sql_looking_text_is_just_text() -> None:
    result = parse_rejection_command("Robert'); DROP TABLE candidates;-- role=x stage=final")
    assert result.name == "Robert'); DROP TABLE candidates;--"
