"""Property-based tests of the `/rejected` and `/role` parsers, alone and over signed HTTP.

Whatever is typed (any unicode, huge input, quotes, Slack escapes, SQL), a parser returns a record whose every field is
clean and within its limits, or raises InputErrors with one clear sentence per field: never anything else. Over HTTP
the app answers within Slack's 3 seconds, ephemerally, and the database gains exactly the one record or nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.blocks.common import escape
from bot.command_text import unescape
from bot.fields import InputErrors
from bot.rejection_input import (
    EMAIL_MAX,
    FIELDS,
    LINKEDIN_MAX,
    clean_email,
    parse_rejection_command,
    validate_rejection,
)
from bot.role_input import FIELDS as ROLE_FIELDS
from bot.role_input import RoleInput, parse_role_command, validate_role
from models import Candidate, Rejection, Role
from models.rejection import RejectionInput
from testkit.database import row_counts
from testkit.running import RunningApp
from testkit.slack_http import SLACK_ACK_SECONDS, cpu_seconds, post_signed, slash_command_body
from tests.hostile.strategies import (
    MENTIONS,
    QUOTES,
    already_on_record,
    check_refusal,
    check_rejection,
    check_role,
    hostile_text,
    huge_text,
    rejected_text,
    rejection_raw,
    rejections,
    role_raw,
    role_text,
    roles,
    slack_escaped,
)

# ---------------------------------------------------------------------------------------------------------------------
# The parsers alone
# ---------------------------------------------------------------------------------------------------------------------

PURE = settings(max_examples=300, deadline=None)


@PURE
@given(text=rejected_text())
@example(text='Jane "Doe role=Backend stage=final')
@example(text="Jane Doe role=Backend stage=final note=" + "x" * 100_000)
@example(text="Robert'); DROP TABLE candidates; -- role=QA stage=final")
@example(text="\x00 role=\x00 stage=final\x00")
@example(text=" ".join(f"k{n}=v" for n in range(500)))
def test_rejected_text_gives_a_clean_record_or_a_clear_refusal(text: str) -> None:
    try:
        entry = parse_rejection_command(text)
    except InputErrors as error:
        check_refusal(error, FIELDS)
    else:
        check_rejection(entry)
        assert validate_rejection(rejection_raw(entry)) == entry  # cleaning is idempotent


@PURE
@given(text=role_text())
@example(text='"Product Designer')
@example(text="Backend Engineer url=javascript:alert(1)")
@example(text="Backend Engineer url=https://x.io/<!channel>")
def test_role_text_gives_a_clean_record_or_a_clear_refusal(text: str) -> None:
    try:
        entry = parse_role_command(text)
    except InputErrors as error:
        check_refusal(error, ROLE_FIELDS)
    else:
        check_role(entry)
        assert validate_role(role_raw(entry)) == entry


@PURE
@given(text=st.one_of(rejected_text(), role_text()))
def test_an_unclosed_quote_and_only_that_is_refused_as_such(text: str) -> None:
    """Any quote closes any other, so an odd number of quotes after unescaping is exactly an unclosed quote."""
    unclosed = sum(unescape(text).count(quote) for quote in QUOTES) % 2 == 1
    for parse in (parse_rejection_command, parse_role_command):
        try:
            parse(text)
        except InputErrors as error:
            assert ("text" in error.errors) == unclosed, error.errors
        else:
            assert not unclosed


raw_value = st.one_of(st.none(), hostile_text(12), huge_text())


@PURE
@given(raw=st.fixed_dictionaries({}, optional=dict.fromkeys([*FIELDS, "unexpected"], raw_value)))
def test_rejection_values_are_each_judged_on_their_own(raw: dict[str, str | None]) -> None:
    """The form's path: every wrong field is reported at once, and only the wrong ones."""
    base = {"name": "Jane Doe", "role": "Backend", "stage": "final"}
    try:
        entry = validate_rejection(raw)
    except InputErrors as error:
        check_refusal(error, FIELDS, typed_keys=False)
        wrong = set(error.errors)
    else:
        check_rejection(entry)
        wrong = set()
    for field in FIELDS:
        try:
            validate_rejection({**base, field: raw.get(field)})
        except InputErrors:
            assert field in wrong, field
        else:
            assert field not in wrong, field


@PURE
@given(raw=st.fixed_dictionaries({}, optional=dict.fromkeys([*ROLE_FIELDS, "unexpected"], raw_value)))
def test_role_values_are_each_judged_on_their_own(raw: dict[str, str | None]) -> None:
    base = {"title": "Backend Engineer"}
    try:
        entry = validate_role(raw)
    except InputErrors as error:
        check_refusal(error, ROLE_FIELDS, typed_keys=False)
        wrong = set(error.errors)
    else:
        check_role(entry)
        wrong = set()
    for field in ROLE_FIELDS:
        try:
            validate_role({**base, field: raw.get(field)})
        except InputErrors:
            assert field in wrong, field
        else:
            assert field not in wrong, field


@PURE
@given(value=st.one_of(hostile_text(), huge_text()))
def test_the_email_of_forget_is_a_clean_address_or_one_clear_sentence(value: str) -> None:
    try:
        email = clean_email(value)
    except InputErrors as error:
        check_refusal(error, ("email",), typed_keys=False)
    else:
        assert 0 < len(email) <= EMAIL_MAX and email == email.lower() and email.count("@") == 1


# ---------------------------------------------------------------------------------------------------------------------
# Round trips: a valid record, typed back as a command with proper quoting, parses to the same record
# ---------------------------------------------------------------------------------------------------------------------


def render(head: str, options: list[tuple[str, str]], quotes: list[tuple[str, str]]) -> str:
    """The head and each option as a person would type them, every value in quotes of the drawn kind."""
    opening, closing = quotes[0]
    parts = [f"{opening}{slack_escaped(head)}{closing}"]
    for n, (key, value) in enumerate(options, start=1):
        opening, closing = quotes[n % len(quotes)]
        parts.append(f"{key}={opening}{slack_escaped(value)}{closing}")
    return " ".join(parts)


quote_pairs = st.lists(st.tuples(st.sampled_from(QUOTES), st.sampled_from(QUOTES)), min_size=1, max_size=4)


def rejection_options(entry: RejectionInput) -> list[tuple[str, str]]:
    optional = {"email": entry.email, "linkedin": entry.linkedin, "note": entry.note}
    options = [("role", entry.role), ("stage", entry.stage)]
    options += [(key, value) for key, value in optional.items() if value is not None]
    if entry.rating is not None:
        options.append(("rating", str(entry.rating)))
    if entry.tags:
        options.append(("tags", ", ".join(entry.tags)))
    return options


def role_options(entry: RoleInput) -> list[tuple[str, str]]:
    optional = {"location": entry.location, "url": entry.url, "team": entry.team}
    options = [(key, value) for key, value in optional.items() if value is not None]
    if entry.tags:
        options.append(("tags", ",".join(entry.tags)))
    return options


@settings(max_examples=200, deadline=None)
@given(entry=rejections, data=st.data())
def test_a_valid_rejection_typed_back_parses_to_itself(entry: RejectionInput, data: st.DataObject) -> None:
    check_rejection(entry)
    options = data.draw(st.permutations(rejection_options(entry)))
    text = render(entry.name, options, data.draw(quote_pairs))
    assert parse_rejection_command(text) == entry


@settings(max_examples=200, deadline=None)
@given(entry=roles, data=st.data())
def test_a_valid_role_typed_back_parses_to_itself(entry: RoleInput, data: st.DataObject) -> None:
    check_role(entry)
    options = data.draw(st.permutations(role_options(entry)))
    text = render(entry.title, options, data.draw(quote_pairs))
    assert parse_role_command(text) == entry


# ---------------------------------------------------------------------------------------------------------------------
# Bugs found by these properties, pinned until fixed
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("linkedin.com/in/" + "a" * 276, "https://linkedin.com/in/" + "a" * 276),
        ("http://LinkedIn.com/in/" + "a" * 276, "https://linkedin.com/in/" + "a" * 276),
    ],
    ids=["without a scheme", "http"],
)
def test_a_linkedin_address_is_accepted_up_to_its_limit_as_stored(typed: str, stored: str) -> None:
    """The limit applies to the full https address that is stored, not to what was typed."""
    assert len(stored) == LINKEDIN_MAX
    assert parse_rejection_command(f"Jane Doe role=Backend stage=final linkedin={typed}").linkedin == stored


@pytest.mark.parametrize(
    ("typed", "stored_length"),
    [("linkedin.com/in/" + "a" * 284, 308), ("http://linkedin.com/in/" + "a" * 277, 301)],
    ids=["without a scheme", "http"],
)
def test_a_linkedin_address_over_its_limit_once_normalised_is_refused(typed: str, stored_length: int) -> None:
    """300 characters typed, longer once written as https://: over the column (VARCHAR 300), so refused, with why."""
    assert len(typed) == LINKEDIN_MAX
    with pytest.raises(InputErrors) as refused:
        parse_rejection_command(f"Jane Doe role=Backend stage=final linkedin={typed}")
    assert refused.value.errors == {
        "linkedin": f"LinkedIn “{typed[:40]}…” is {stored_length} characters as a full https:// address; "
        "the limit is 300."
    }


def test_an_email_is_accepted_up_to_its_limit_in_lower_case() -> None:
    """'İ' lower-cases to two characters (i and a combining dot): the limit applies to the address as stored."""
    typed = "\u0130" * 121 + "@example.com"
    entry = validate_rejection({"name": "Jane Doe", "role": "Backend", "stage": "final", "email": typed})
    assert entry.email == "i\u0307" * 121 + "@example.com"
    assert len(entry.email) == 254 == EMAIL_MAX


def test_an_email_over_its_limit_once_lower_cased_is_refused() -> None:
    typed = "\u0130" * 200 + "@example.com"
    assert len(typed) <= EMAIL_MAX
    with pytest.raises(InputErrors) as refused:
        validate_rejection({"name": "Jane Doe", "role": "Backend", "stage": "final", "email": typed})
    assert refused.value.errors == {
        "email": f"Email “{typed[:40]}…” is 412 characters in lower case; the limit is 254."
    }


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('Jane "Doe\nrole=QA', '"Doe role=QA'),
        ('Jane "\u202eevil role=QA', '" evil role=QA'),
        ('Jane "\x00 role=QA', '" role=QA'),
        ('Jane "a\r\n\tb\u2028c\u200bd', '"a b c d'),
    ],
)
def test_an_unclosed_quote_is_echoed_on_one_printable_line(typed: str, shown: str) -> None:
    """Line breaks, NUL and direction overrides typed are shown as spaces, as in every other refusal."""
    with pytest.raises(InputErrors) as refused:
        parse_rejection_command(typed)
    assert refused.value.errors == {"text": f"A double quote is not closed: {shown}"}


# ---------------------------------------------------------------------------------------------------------------------
# Over signed HTTP: the production WSGI app, both databases
# ---------------------------------------------------------------------------------------------------------------------

HTTP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UNCHANGED_BY_A_REJECTION = ("roles", "role_outreach", "role_alerts", "touchpoints", "reminders_sent")


def typed_for(verbs: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Texts that reach the record path: not empty, not help, not a subcommand."""

    def records(text: str) -> bool:
        stripped = text.strip()
        words = stripped.split()
        subcommand = bool(words) and words[0].lower() in verbs and "=" not in stripped
        return bool(stripped) and stripped.lower() != "help" and not subcommand

    return (rejected_text() if "forget" in verbs else role_text()).filter(records)


def send(app: RunningApp, command: str, text: str) -> tuple[dict[str, Any], float]:
    """The ephemeral reply to a signed slash command, and the CPU seconds it cost (testkit/slack_http.py says why)."""
    reply, elapsed = cpu_seconds(lambda: post_signed(app.events_url, slash_command_body(command=command, text=text)))
    assert reply.status == 200, (reply.status, reply.body)
    payload = reply.json()
    assert payload["response_type"] == "ephemeral" and payload["text"], payload
    return payload, elapsed


def shown(payload: dict[str, Any]) -> str:
    parts = [payload["text"]]
    for block in payload.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(element.get("text", "") for element in block.get("elements", []) if isinstance(element, dict))
    return "\n".join(parts)


def check_refusal_reply(payload: dict[str, Any], error: InputErrors) -> None:
    assert payload["text"].startswith("Nothing was saved: "), payload["text"]
    first = escape(next(iter(error.errors.values())))
    assert first in payload["blocks"][0]["text"]["text"]


def check_no_mention_injected(payload: dict[str, Any]) -> None:
    """Typed mentions come back escaped: a name can never ping a channel or a person."""
    text = shown(payload)
    assert not any(mention in text for mention in MENTIONS), text


@HTTP
@given(text=typed_for(("list", "forget")))
@example(text='Bobby <!channel> Tables email=<mailto:Bob@X.io|Bob@X.io> role="R&amp;D" stage=final tags=a,A,a')
@example(text='Robert\'); DROP TABLE candidates; -- role=QA stage=final note="1 OR 1=1"')
def test_rejected_over_http_records_exactly_one_rejection_or_nothing(running: RunningApp, text: str) -> None:
    try:
        entry: RejectionInput | InputErrors = parse_rejection_command(text.strip())
    except InputErrors as error:
        entry = error
    repeat = isinstance(entry, RejectionInput) and already_on_record(running, entry)
    before = row_counts(running.engine)
    payload, elapsed = send(running, "/rejected", text)
    after = row_counts(running.engine)
    assert elapsed < SLACK_ACK_SECONDS
    check_no_mention_injected(payload)
    if isinstance(entry, InputErrors):
        event("refused")
        check_refusal_reply(payload, entry)
        assert after == before
        return
    if repeat:
        event("already recorded")
        assert (
            payload["text"] == f"Already recorded {escape(entry.name)} for {escape(entry.role)}; nothing new was saved."
        )
        assert after == before
        return
    event("recorded")
    assert payload["text"] == f"Recorded {escape(entry.name)} for {escape(entry.role)}."
    assert after["rejections"] == before["rejections"] + 1
    for table in ("candidates", "recruiters", "checkins"):
        assert after[table] - before[table] in (0, 1), table
    assert all(after[table] == before[table] for table in UNCHANGED_BY_A_REJECTION)
    with running.sessions() as session:
        stored = session.scalars(select(Rejection).order_by(Rejection.id.desc()).limit(1)).one()
        candidate: Candidate = stored.candidate
        assert (stored.team_id, stored.recruiter.user_id) == ("T0TEST", "U0REC")
        assert (stored.role_title, stored.stage, stored.rating, stored.note) == (
            entry.role,
            entry.stage,
            entry.rating,
            entry.note,
        )
        assert (candidate.name, set(entry.tags) <= set(candidate.tags)) == (entry.name, True)
        assert entry.email is None or candidate.email == entry.email
        assert entry.linkedin is None or candidate.linkedin_url == entry.linkedin


@HTTP
@given(text=typed_for(("list", "close", "reopen")))
@example(text='"Payroll <!here> Lead" tags=sql,SQL,"drop table roles" url=https://x.io/a?b=1&amp;c=2')
def test_role_over_http_opens_exactly_one_role_or_nothing(running: RunningApp, text: str) -> None:
    before = row_counts(running.engine)
    payload, elapsed = send(running, "/role", text)
    after = row_counts(running.engine)
    assert elapsed < SLACK_ACK_SECONDS
    check_no_mention_injected(payload)
    try:
        entry = parse_role_command(text.strip())
    except InputErrors as error:
        event("refused")
        check_refusal_reply(payload, error)
        assert after == before
        return
    event("opened")
    assert after == before | {"roles": before["roles"] + 1}
    with running.sessions() as session:
        role = session.scalars(select(Role).order_by(Role.id.desc()).limit(1)).one()
        assert (role.team_id, role.opened_by, role.status, role.source) == ("T0TEST", "U0REC", "open", "slack")
        stored = RoleInput(
            title=role.title, tags=tuple(role.tags), location=role.location, url=role.url, team=role.team_name
        )
    assert stored == entry
    assert payload["text"].startswith(f"Opened role #{role.id}: {escape(entry.title)}")


subcommand_argument = st.one_of(
    st.text("0123456789#-+ .eE", max_size=25),
    st.sampled_from(
        ["99999999999999999999", "2147483648", "#0", "-1", "1e9", "\u0661\u0662", "\uff11\uff12", "0x10", "1 2"]
    ),
    hostile_text(6),
)


@HTTP
@given(verb=st.sampled_from(["close", "reopen", "list"]), argument=subcommand_argument)
def test_role_subcommands_with_any_argument_answer_and_change_nothing(
    running: RunningApp, verb: str, argument: str
) -> None:
    """No role exists, so whatever follows the verb, the answer is usage or "no such role" and nothing is written."""
    text = f"{verb} {argument}"
    assume("=" not in text)  # with an = it is a role title, covered above
    before = row_counts(running.engine)
    payload, elapsed = send(running, "/role", text)
    assert elapsed < SLACK_ACK_SECONDS
    assert row_counts(running.engine) == before
    assert any(
        phrase in payload["text"]
        for phrase in (
            "There is no role #",
            "Nothing was closed",
            "Nothing was reopened",
            "Cannot list",
            "no open roles",
        )
    ), payload["text"]


@HTTP
@given(verb=st.sampled_from(["forget", "list"]), argument=st.one_of(hostile_text(6), st.emails()))
def test_rejected_subcommands_with_any_argument_answer_and_change_nothing(
    running: RunningApp, verb: str, argument: str
) -> None:
    text = f"{verb} {argument}"
    assume("=" not in text)  # with an = it is a rejection to record, covered above
    before = row_counts(running.engine)
    payload, elapsed = send(running, "/rejected", text)
    assert elapsed < SLACK_ACK_SECONDS
    assert row_counts(running.engine) == before
    check_no_mention_injected(payload)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("linkedin=linkedin.com/in/" + "a" * 276, {"linkedin_url": "https://linkedin.com/in/" + "a" * 276}),
        ("email=" + "\u0130" * 121 + "@example.com", {"email": "i\u0307" * 121 + "@example.com"}),
    ],
    ids=["linkedin", "email"],
)
def test_a_value_lengthened_by_cleaning_is_saved_at_its_column_limit(
    running: RunningApp, typed: str, stored: dict[str, str]
) -> None:
    """Cleaning may lengthen a value (https:// added, 'İ' lower-cased); one that still fits is saved whole."""
    payload, _ = send(running, "/rejected", f"Jane Doe role=Backend stage=final {typed}")
    assert payload["text"] == "Recorded Jane Doe for Backend.", payload["text"]
    with running.sessions() as session:
        candidate = session.scalars(select(Candidate)).one()
        assert {key: getattr(candidate, key) for key in stored} == stored
        assert len(candidate.linkedin_url or "") <= LINKEDIN_MAX and len(candidate.email or "") <= EMAIL_MAX


@pytest.mark.parametrize(
    ("typed", "field"),
    [("linkedin=linkedin.com/in/" + "a" * 284, "LinkedIn"), ("email=" + "\u0130" * 200 + "@example.com", "Email")],
    ids=["linkedin", "email"],
)
def test_a_value_lengthened_past_its_column_is_refused_as_too_long(running: RunningApp, typed: str, field: str) -> None:
    """Not a database error ("the database is not answering", as PostgreSQL refused the insert): the field's limit."""
    before = row_counts(running.engine)
    payload, _ = send(running, "/rejected", f"Jane Doe role=Backend stage=final {typed}")
    assert payload["text"].startswith("Nothing was saved: "), payload["text"]
    assert (
        f"{field} “" in payload["blocks"][0]["text"]["text"] and "the limit is" in payload["blocks"][0]["text"]["text"]
    )
    assert row_counts(running.engine) == before


@pytest.mark.parametrize(
    ("command", "text", "answer"),
    [
        (
            "/rejected",
            'Jane Doe role=Backend stage=final note="wrote the payload parser"',
            "Recorded Jane Doe for Backend.",
        ),
        ("/role", "Payments payload engineer", "Opened role #1: Payments payload engineer"),
        ("/role", "payload=1", "Nothing was saved: "),
    ],
)
def test_a_command_mentioning_payload_is_answered(running: RunningApp, command: str, text: str, answer: str) -> None:
    """Bolt 1.30 took any form body containing "payload" for a click or a form and left the command unanswered."""
    reply = post_signed(running.events_url, slash_command_body(command=command, text=text))
    assert reply.status == 200, (reply.status, reply.body)
    assert reply.json()["text"].startswith(answer), reply.body
