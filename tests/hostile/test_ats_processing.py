"""Hostile content in signed ATS deliveries: whatever a field holds, reading a stored delivery either gives events or a
ValueError that names the field, and processing keeps whatever text the ATS sends (any length, any characters) without
failing, on SQLite and PostgreSQL. A delivery that cannot be applied must never be one the ATS sent in good faith."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ats import ashby, greenhouse
from bot.config import load_settings
from jobs.ats_inbox import Inbox
from models import Ats, AtsNotice
from models.ats_inbox import store_delivery
from models.base import utcnow
from testkit.ats import fixture_body
from testkit.env import make_env
from testkit.fakeslack import TEAM_ID, FakeSlack
from tests.hostile.strategies import command_text, hostile_text

PROPERTIES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIXTURES = [
    (greenhouse.events, "greenhouse", name)
    for name in (
        "reject_candidate",
        "unreject_candidate",
        "hire_candidate",
        "new_candidate_application",
        "delete_candidate",
        "merge_candidate",
    )
] + [
    (ashby.events, "ashby", name)
    for name in ("applicationUpdate", "candidateStageChange", "candidateHire", "candidateDelete", "candidateMerge")
]


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in a JSON document a value could be replaced."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def replaced(body: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@PROPERTIES
@pytest.mark.parametrize(("parse", "ats", "name"), FIXTURES, ids=[f"{a}-{n}" for _, a, n in FIXTURES])
@given(data=st.data(), value=json_values)
def test_any_field_replaced_by_anything_gives_events_or_a_value_error(
    parse: Any, ats: str, name: str, data: st.DataObject, value: object
) -> None:
    body = fixture_body(ats, name)
    path = data.draw(st.sampled_from(paths(body)))
    try:
        events = parse(replaced(body, path, value))
    except ValueError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(events, list)


@PROPERTIES
@given(
    name=command_text(),
    role=command_text(),
    stage=hostile_text(),
    reason=command_text(),
    email=hostile_text(8),
    link=hostile_text(8),
)
def test_whatever_text_a_greenhouse_rejection_carries_it_is_kept_for_the_recruiter(
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    database_url: str,
    name: str,
    role: str,
    stage: str,
    reason: str,
    email: str,
    link: str,
) -> None:
    body = fixture_body("greenhouse", "reject_candidate")
    application = body["payload"]["application"]
    candidate = application["candidate"]
    first, _, last = name.partition(" ")
    candidate.update(first_name=first, last_name=last, email_addresses=[{"value": email, "type": "personal"}])
    candidate["social_media_addresses"] = [{"value": f"linkedin.com/in/{link}"}]
    application["jobs"][0]["name"] = role
    application["current_stage"]["name"] = stage
    application["rejection_reason"]["name"] = reason
    with sessions.begin() as session:
        session.query(AtsNotice).delete()
        store_delivery(
            session=session,
            team_id=TEAM_ID,
            source=Ats.GREENHOUSE,
            delivery_key=f"hostile-{utcnow().timestamp()}-{id(body)}",
            event="reject_candidate",
            body=json.dumps(body),
            now=utcnow(),
        )
    app_settings = load_settings(make_env(database_url=database_url, fake_slack=fake_slack))
    client = WebClient(token=app_settings.slack_bot_token, base_url=fake_slack.api_url)
    report = Inbox.for_settings(app_settings, client).run(sessions=sessions, now=utcnow())
    assert (report.processed, report.failed, report.lines) == (1, 0, [])
    with sessions.begin() as session:
        notices = session.scalars(select(AtsNotice)).all()
        assert len(notices) <= 1  # none when the stage's name reads as a screen
        for notice in notices:
            assert notice.name and "\n" not in notice.name and len(notice.name) <= 150
            assert notice.role_title is None or len(notice.role_title) <= 150
            assert notice.reason == (
                reason.replace("\x00", "").strip() or None
            )  # as the ATS wrote it, for the recruiter to read
