"""Property-based tests of the rejection and role forms: whatever a view_submission carries, the form either saves
exactly one clean record and confirms it, or puts one sentence next to each wrong field and saves nothing.

Submissions are generated as Slack fills `view.state.values` (text inputs carry `value`, selects carry
`selected_option`), with valid, hostile and huge values, forged select options, missing and unexpected blocks.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.blocks.common import escape
from bot.blocks.rejection_modal import build_rejection_modal, submitted_values
from bot.blocks.role_modal import build_role_modal
from bot.ids import FIELD_ACTION, REJECTION_MODAL, ROLE_MODAL
from bot.rejection_input import FIELDS, NAME_MAX, NOTE_MAX, ROLE_MAX, InputErrors, validate_rejection
from bot.role_input import FIELDS as ROLE_FIELDS
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX, RoleInput, validate_role
from models import STAGES, Rejection, Role
from models.rejection import RejectionInput
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp
from testkit.slack_http import SLACK_ACK_SECONDS, cpu_seconds, interactive_body, post_signed, view_submission_payload
from tests.hostile.strategies import (
    already_on_record,
    anything,
    check_refusal,
    check_rejection,
    check_role,
    emails,
    free_text,
    hostile_text,
    huge_text,
    linkedins,
    notes,
    rejection_raw,
    rejections,
    role_raw,
    roles,
    tags,
    urls,
)

INPUT_KINDS = {"email": "email_text_input", "linkedin": "url_text_input", "url": "url_text_input"}
SELECTS = frozenset({"stage", "rating"})
_answer_names = itertools.count()
# What saving one record may add to: a rejection brings its candidate, recruiter, check-in, index terms and the audit
# entry that it was recorded along.
MAY_CHANGE = {
    REJECTION_MODAL: {
        "rejections",
        "candidates",
        "recruiters",
        "checkins",
        "match_terms",
        "match_term_counts",
        "audit_entries",
    },
    ROLE_MODAL: {"roles"},
}


def element(field: str, value: str | None) -> dict[str, Any]:
    """One input block's state as Slack sends it: {action id: element}."""
    if field in SELECTS:
        option = None if value is None else {"text": {"type": "plain_text", "text": value[:75] or "-"}, "value": value}
        return {FIELD_ACTION: {"type": "static_select", "selected_option": option}}
    return {FIELD_ACTION: {"type": INPUT_KINDS.get(field, "plain_text_input"), "value": value}}


def state(values: dict[str, str | None]) -> dict[str, dict[str, dict[str, Any]]]:
    return {field: element(field, value) for field, value in values.items()}


def maybe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """Mostly filled in; an input left empty arrives as None."""
    return st.sampled_from([strategy] * 5 + [st.none()]).flatmap(lambda chosen: chosen)


# Forged select options: Slack only offers the modal's own, but the values come back from the client.
stage_options = anything(
    st.sampled_from([*STAGES, *STAGES, *STAGES, "FINAL", "onsite", "", "final\x00", "' OR 1=1 --"])
)
rating_options = st.sampled_from(["1", "2", "3", "4", "5"] * 2 + ["0", "6", "-1", "4.5", "99999999999999999999", "٣"])
rejection_values = st.fixed_dictionaries(
    {
        "name": maybe(anything(free_text(NAME_MAX))),
        "role": maybe(anything(free_text(ROLE_MAX))),
        "stage": maybe(stage_options),
    },
    optional={
        "rating": maybe(rating_options),
        "email": maybe(anything(emails)),
        "linkedin": maybe(anything(linkedins)),
        "tags": maybe(anything(tags.map(", ".join))),
        "note": maybe(anything(notes)),
        "unexpected": maybe(hostile_text(3)),  # a block the form does not have
    },
)
role_values = st.fixed_dictionaries(
    {"title": maybe(anything(free_text(TITLE_MAX)))},
    optional={
        "tags": maybe(anything(tags.map(",".join))),
        "location": maybe(anything(free_text(LOCATION_MAX))),
        "url": maybe(anything(urls)),
        "team": maybe(anything(free_text(TEAM_MAX))),
        "unexpected": maybe(hostile_text(3)),
    },
)


def form_block_ids(view: dict[str, Any]) -> set[str]:
    return {block["block_id"] for block in view["blocks"] if block["type"] == "input"}


# ---------------------------------------------------------------------------------------------------------------------
# The forms' validation alone
# ---------------------------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(values=rejection_values)
def test_a_rejection_form_gives_a_clean_record_or_errors_next_to_its_own_fields(values: dict[str, str | None]) -> None:
    try:
        entry = validate_rejection(submitted_values({"state": {"values": state(values)}}))
    except InputErrors as error:
        check_refusal(error, FIELDS, typed_keys=False)
        assert set(error.errors) <= form_block_ids(build_rejection_modal())  # every error has a block to sit under
    else:
        check_rejection(entry)


@settings(max_examples=300, deadline=None)
@given(values=role_values)
def test_a_role_form_gives_a_clean_record_or_errors_next_to_its_own_fields(values: dict[str, str | None]) -> None:
    try:
        entry = validate_role(submitted_values({"state": {"values": state(values)}}))
    except InputErrors as error:
        check_refusal(error, ROLE_FIELDS, typed_keys=False)
        assert set(error.errors) <= form_block_ids(build_role_modal())
    else:
        check_role(entry)


@settings(max_examples=200, deadline=None)
@given(entry=rejections)
def test_the_rejection_form_accepts_what_the_command_accepts(entry: RejectionInput) -> None:
    assert validate_rejection(submitted_values({"state": {"values": state(rejection_raw(entry))}})) == entry


@settings(max_examples=200, deadline=None)
@given(entry=roles)
def test_the_role_form_accepts_what_the_command_accepts(entry: RoleInput) -> None:
    assert validate_role(submitted_values({"state": {"values": state(role_raw(entry))}})) == entry


# ---------------------------------------------------------------------------------------------------------------------
# Submitted over signed HTTP to the production WSGI app, both databases
# ---------------------------------------------------------------------------------------------------------------------

HTTP = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def submit(app: RunningApp, callback_id: str, values: dict[str, str | None], metadata: str) -> tuple[dict, float]:
    """Submit the form as Slack does; the ack's JSON (empty when the modal may close) and the CPU seconds it cost."""
    payload = view_submission_payload(callback_id=callback_id, values=state(values), private_metadata=metadata)
    reply, elapsed = cpu_seconds(lambda: post_signed(app.events_url, interactive_body(payload)))
    assert reply.status == 200, (reply.status, reply.body)
    return (reply.json() if reply.body else {}), elapsed


def check_errors_ack(answer: dict[str, Any], error: InputErrors, view: dict[str, Any]) -> None:
    """The ack keeps the form open with each problem under its own block, as Slack requires."""
    assert answer == {"response_action": "errors", "errors": error.errors}
    assert set(answer["errors"]) <= form_block_ids(view)


def confirmation(fake: FakeSlack, name: str, before: int) -> dict[str, Any]:
    """The confirmation the form sent to the command's response_url after closing."""
    [sent] = fake.wait_for("response_url", count=before + 1)[before:]
    assert (sent.params["_name"], sent.params["response_type"]) == (name, "ephemeral")
    return sent.params


@HTTP
@given(values=rejection_values)
@example(values={"name": "Bobby <!channel> Tables", "role": "R&D", "stage": "final", "rating": "5"})
@example(values={"name": "Robert'); DROP TABLE rejections; --", "role": "QA", "stage": "screen", "rating": "6"})
@example(values={"name": "Jane", "role": "QA", "stage": "final", "note": "x" * (NOTE_MAX + 1), "email": "İ@x"})
def test_the_rejection_form_over_http_saves_one_rejection_or_nothing(
    running: RunningApp, fake_slack: FakeSlack, values: dict[str, str | None]
) -> None:
    name = f"form-{next(_answer_names)}"
    metadata = json.dumps({"response_url": fake_slack.response_url(name)})
    answered = len(fake_slack.calls_to("response_url"))
    before = row_counts(running.engine)
    try:
        entry: RejectionInput | InputErrors = validate_rejection(submitted_values({"state": {"values": state(values)}}))
    except InputErrors as error:
        entry = error
    repeat = isinstance(entry, RejectionInput) and already_on_record(running, entry)
    answer, elapsed = submit(running, REJECTION_MODAL, values, metadata)
    assert elapsed < SLACK_ACK_SECONDS
    if isinstance(entry, InputErrors):
        event("refused")
        check_errors_ack(answer, entry, build_rejection_modal())
        assert row_counts(running.engine) == before
        return
    assert answer == {}  # the form closes
    after = row_counts(running.engine)
    if repeat:
        event("already recorded")
        assert after == before
        said = confirmation(fake_slack, name, answered)
        assert said["text"] == f"Already recorded {escape(entry.name)} for {escape(entry.role)}; nothing new was saved."
        return
    event("saved")
    assert after["rejections"] == before["rejections"] + 1
    assert {name for name in after if after[name] != before[name]} <= MAY_CHANGE[REJECTION_MODAL]
    with running.sessions() as session:
        stored = session.scalars(select(Rejection).order_by(Rejection.id.desc()).limit(1)).one()
        assert (stored.candidate.name, stored.role_title, stored.stage, stored.rating, stored.note) == (
            entry.name,
            entry.role,
            entry.stage,
            entry.rating,
            entry.note,
        )
    said = confirmation(fake_slack, name, answered)
    assert said["text"] == f"Recorded {escape(entry.name)} for {escape(entry.role)}."


@HTTP
@given(values=role_values)
@example(values={"title": "Payroll <!here> Lead", "url": "javascript:alert(1)"})
@example(values={"title": "'; DELETE FROM roles; --", "tags": "sql,SQL, sql "})
def test_the_role_form_over_http_opens_one_role_or_nothing(
    running: RunningApp, fake_slack: FakeSlack, values: dict[str, str | None]
) -> None:
    name = f"form-{next(_answer_names)}"
    metadata = json.dumps({"response_url": fake_slack.response_url(name)})
    answered = len(fake_slack.calls_to("response_url"))
    before = row_counts(running.engine)
    answer, elapsed = submit(running, ROLE_MODAL, values, metadata)
    assert elapsed < SLACK_ACK_SECONDS
    try:
        entry = validate_role(submitted_values({"state": {"values": state(values)}}))
    except InputErrors as error:
        event("refused")
        check_errors_ack(answer, error, build_role_modal())
        assert row_counts(running.engine) == before
        return
    event("saved")
    assert answer == {}
    assert row_counts(running.engine) == before | {"roles": before["roles"] + 1}  # MAY_CHANGE[ROLE_MODAL]
    with running.sessions() as session:
        role = session.scalars(select(Role).order_by(Role.id.desc()).limit(1)).one()
        stored = RoleInput(
            title=role.title, tags=tuple(role.tags), location=role.location, url=role.url, team=role.team_name
        )
    assert stored == entry
    said = confirmation(fake_slack, name, answered)
    assert said["text"].startswith(f"Opened role #{role.id}: {escape(entry.title)}")


# What private_metadata could hold if it were ever forged: Slack keeps it server-side, so only the app's own JSON
# ({"response_url": ...}) comes back in practice; the form must save and confirm whatever it holds.
metadata_values = st.one_of(
    hostile_text(8),
    huge_text(),
    st.sampled_from(["", "null", "[]", '"text"', "42", "{}", '{"response_url": null}', '{"response_url": ""}']),
    st.builds(
        lambda extra: json.dumps({"team_id": "T0OTHER", "user_id": "U0OTHER", **extra}),
        st.dictionaries(st.sampled_from(["channel", "ts", "value"]), st.text(max_size=20), max_size=3),
    ),
)


@HTTP
@given(metadata=metadata_values, form=st.sampled_from([REJECTION_MODAL, ROLE_MODAL]))
def test_any_private_metadata_saves_under_the_submitter_and_confirms_by_dm(
    running: RunningApp, fake_slack: FakeSlack, metadata: str, form: str
) -> None:
    """With no usable response_url the confirmation goes to the submitter by DM; ids in the metadata are ignored.

    Each rejection is another candidate, so that none is the double submit of an earlier example.
    """
    candidate = f"Jane Doe {next(_answer_names)}"
    values = {"name": candidate, "role": "QA", "stage": "final"} if form == REJECTION_MODAL else {"title": "QA Lead"}
    table = "rejections" if form == REJECTION_MODAL else "roles"
    dms = len(fake_slack.calls_to("chat.postMessage"))
    before = row_counts(running.engine)
    answer, elapsed = submit(running, form, values, metadata)
    assert (answer, elapsed < SLACK_ACK_SECONDS) == ({}, True)
    after = row_counts(running.engine)
    assert after[table] == before[table] + 1
    assert {name for name in after if after[name] != before[name]} <= MAY_CHANGE[form]
    with running.sessions() as session:
        model = Rejection if form == REJECTION_MODAL else Role
        stored = session.scalars(select(model).order_by(model.id.desc()).limit(1)).one()
        owner = stored.recruiter.user_id if form == REJECTION_MODAL else stored.opened_by
        assert (stored.team_id, owner) == ("T0TEST", "U0REC")
    [dm] = fake_slack.wait_for("chat.postMessage", count=dms + 1)[dms:]
    assert dm.params["channel"] == "U0REC"
    assert dm.params["text"].startswith(f"Recorded {candidate}" if form == REJECTION_MODAL else "Opened role #")
