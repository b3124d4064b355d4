"""`POST /ats/greenhouse`, `/ats/lever` and `/ats/ashby` over real HTTP, on SQLite and PostgreSQL: every documented
event is verified and kept once, pings and tests are answered, and nothing forged, stale or malformed is written."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import Ats, AtsDelivery
from testkit.ats import (
    ASHBY_EVENTS,
    GREENHOUSE_EVENTS,
    LEVER_API_KEY,
    LEVER_EVENTS,
    LEVER_TOKENS,
    SECRETS_ENV,
    ashby_headers,
    fixture,
    greenhouse_headers,
    lever_body,
    send_ashby,
    send_greenhouse,
    send_lever,
)
from testkit.database import row_counts
from testkit.fakeslack import TEAM_ID
from testkit.running import RunningApp
from testkit.slack_http import get, post


@pytest.fixture
def app_env() -> dict[str, str]:
    return dict(SECRETS_ENV)


def kept(engine: Engine) -> list[tuple[str, str, str]]:
    with Session(engine) as session:
        rows = session.scalars(select(AtsDelivery).order_by(AtsDelivery.id)).all()
        return [(row.source, row.event, row.delivery_key) for row in rows]


def assert_nothing_written(engine: Engine) -> None:
    assert all(count == 0 for count in row_counts(engine).values()), row_counts(engine)


# --- Greenhouse ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", GREENHOUSE_EVENTS)
def test_a_greenhouse_event_is_kept_as_sent_for_the_bot_workspace(running: RunningApp, event: str) -> None:
    body = fixture("greenhouse", event)
    reply = send_greenhouse(running.url, body, event_id=f"gh-{event}")
    assert (reply.status, reply.json()) == (200, {"ok": True, "kept": True, "duplicate": False})
    with Session(running.engine) as session:
        row = session.scalars(select(AtsDelivery)).one()
        assert (row.team_id, row.source, row.event, row.delivery_key) == (TEAM_ID, Ats.GREENHOUSE, event, f"gh-{event}")
        assert row.body.encode() == body
        assert (row.processed_at, row.attempts, row.last_error) == (None, 0, None)


def test_greenhouse_retries_and_duplicates_are_answered_200_and_kept_once(running: RunningApp) -> None:
    body = fixture("greenhouse", "reject_candidate")
    first = send_greenhouse(running.url, body, event_id="gh-retried")
    again = [send_greenhouse(running.url, body, event_id="gh-retried") for _ in range(3)]
    assert first.json()["duplicate"] is False
    assert [(reply.status, reply.json()["duplicate"]) for reply in again] == [(200, True)] * 3
    assert kept(running.engine) == [("greenhouse", "reject_candidate", "gh-retried")]


def test_the_greenhouse_ping_and_events_keepwarm_does_not_use_get_200_and_are_not_kept(running: RunningApp) -> None:
    ping = send_greenhouse(running.url, fixture("greenhouse", "ping"))
    assert (ping.status, ping.json()) == (200, {"ok": True, "kept": False})
    other = b'{"action": "candidate_stage_change", "payload": {}}'
    assert send_greenhouse(running.url, other).status == 200
    assert_nothing_written(running.engine)


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: greenhouse_headers(body, secret="not-the-secret"),
        lambda body: {**greenhouse_headers(body), "Signature": ""},
        lambda body: {key: value for key, value in greenhouse_headers(body).items() if key != "Signature"},
        lambda body: greenhouse_headers(body + b" "),
    ],
    ids=["wrong secret", "empty signature", "unsigned", "signed other bytes"],
)
def test_a_forged_greenhouse_delivery_is_401_and_writes_nothing(
    running: RunningApp, headers: Callable[[bytes], dict[str, str]]
) -> None:
    body = fixture("greenhouse", "reject_candidate")
    reply = post(running.url + "/ats/greenhouse", body, headers(body))
    assert (reply.status, reply.json()) == (401, {"ok": False, "error": "invalid signature"})
    assert_nothing_written(running.engine)


@pytest.mark.parametrize(
    ("body", "event_id", "error"),
    [
        (b"{not json", "e1", "the body is not JSON"),
        (b"\xff\xfe", "e2", "the body is not UTF-8"),
        (b'["reject_candidate"]', "e3", "the body is not a JSON object"),
        (b'{"payload": {}}', "e4", "action is missing"),
        (b'{"action": "reject_candidate", "payload": {}}', "", "the Greenhouse-Event-ID header is missing"),
        (b'{"action": "reject_candidate", "payload": {}}', "x" * 201, "Greenhouse-Event-ID is not a usable id"),
    ],
)
def test_a_signed_but_malformed_greenhouse_delivery_is_400_and_writes_nothing(
    running: RunningApp, body: bytes, event_id: str, error: str
) -> None:
    headers = {**greenhouse_headers(body), "Greenhouse-Event-ID": event_id}
    reply = post(running.url + "/ats/greenhouse", body, headers)
    assert (reply.status, reply.json()) == (400, {"ok": False, "error": error})
    assert_nothing_written(running.engine)


# --- Lever ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", LEVER_EVENTS)
def test_a_lever_event_is_kept_under_its_opportunity_and_trigger_time(running: RunningApp, event: str) -> None:
    body = lever_body(event, triggered_at=int(time.time() * 1000) - 5000)
    reply = send_lever(running.url, body)
    assert (reply.status, reply.json()) == (200, {"ok": True, "kept": True, "duplicate": False})
    sent = json.loads(body)
    key = f"{event}:{sent['data']['opportunityId']}:{sent['triggeredAt']}"
    assert kept(running.engine) == [("lever", event, key)]


def test_any_configured_lever_token_may_sign_and_a_redelivery_is_kept_once(running: RunningApp) -> None:
    first = lever_body("candidateArchiveChange", key=LEVER_TOKENS[1])
    assert send_lever(running.url, first).json()["duplicate"] is False
    assert send_lever(running.url, first).json()["duplicate"] is True
    assert len(kept(running.engine)) == 1


def test_lever_test_button_sample_gets_200_and_is_not_kept(running: RunningApp) -> None:
    reply = send_lever(running.url, lever_body("test"))
    assert (reply.status, reply.json()) == (200, {"ok": True, "kept": False})
    assert_nothing_written(running.engine)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (lambda: lever_body("candidateHired", key="some-other-webhook"), 401, "invalid signature"),
        (
            lambda: lever_body("candidateHired", triggered_at=int((time.time() - 15 * 24 * 3600) * 1000)),
            401,
            "stale: triggeredAt is too far from now",
        ),
        (
            lambda: json.dumps({**json.loads(fixture("lever", "candidateHired")), "triggeredAt": 1}).encode(),
            401,
            "unsigned: token, triggeredAt and signature are required",
        ),
        (lambda: b'{"event": "candidateHired", ', 400, "the body is not JSON"),
    ],
    ids=["wrong token", "stale", "unsigned", "malformed"],
)
def test_a_forged_stale_or_malformed_lever_delivery_is_refused_and_writes_nothing(
    running: RunningApp, body: Callable[[], bytes], status: int, error: str
) -> None:
    reply = send_lever(running.url, body())
    assert (reply.status, reply.json()) == (status, {"ok": False, "error": error})
    assert_nothing_written(running.engine)


# --- Ashby ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", ASHBY_EVENTS)
def test_an_ashby_event_is_kept_under_its_webhook_action_id(running: RunningApp, event: str) -> None:
    body = fixture("ashby", event)
    reply = send_ashby(running.url, body)
    assert (reply.status, reply.json()) == (200, {"ok": True, "kept": True, "duplicate": False})
    assert kept(running.engine) == [("ashby", event, json.loads(body)["webhookActionId"])]


def test_an_ashby_retry_and_the_same_action_from_a_second_webhook_are_kept_once(running: RunningApp) -> None:
    body = fixture("ashby", "candidateHire")
    replies = [send_ashby(running.url, body) for _ in range(3)]
    assert [reply.json()["duplicate"] for reply in replies] == [False, True, True]
    assert len(kept(running.engine)) == 1


def test_an_ashby_delivery_without_webhook_action_id_is_kept_once_by_its_bytes(running: RunningApp) -> None:
    delivery = json.loads(fixture("ashby", "candidateDelete"))
    del delivery["webhookActionId"]
    body = json.dumps(delivery).encode()
    assert [send_ashby(running.url, body).json()["duplicate"] for _ in range(2)] == [False, True]
    [(source, event, key)] = kept(running.engine)
    assert (source, event) == ("ashby", "candidateDelete")
    assert key.startswith("sha256:")


def test_the_ashby_ping_gets_200_and_is_not_kept(running: RunningApp) -> None:
    reply = send_ashby(running.url, fixture("ashby", "ping"))
    assert (reply.status, reply.json()) == (200, {"ok": True, "kept": False})
    assert_nothing_written(running.engine)


def test_a_forged_ashby_delivery_is_401_and_writes_nothing(running: RunningApp) -> None:
    body = fixture("ashby", "candidateStageChange")
    forged = post(running.url + "/ats/ashby", body, ashby_headers(body, secret="guessed"))
    unsigned = post(running.url + "/ats/ashby", body, {"Content-Type": "application/json"})
    assert [forged.status, unsigned.status] == [401, 401]
    assert_nothing_written(running.engine)


# --- Around the receivers ------------------------------------------------------------------------------------------


def test_only_post_is_accepted(running: RunningApp) -> None:
    reply = get(running.url + "/ats/greenhouse")
    assert (reply.status, reply.headers["Allow"]) == (405, "POST")


def test_a_delivery_the_database_cannot_take_is_503_so_the_ats_retries_and_then_kept(running: RunningApp) -> None:
    body = fixture("greenhouse", "hire_candidate")
    with running.engine.begin() as connection:
        connection.execute(text("ALTER TABLE ats_deliveries RENAME TO ats_deliveries_away"))
    try:
        failed = send_greenhouse(running.url, body, event_id="gh-outage")
    finally:
        with running.engine.begin() as connection:
            connection.execute(text("ALTER TABLE ats_deliveries_away RENAME TO ats_deliveries"))
    assert (failed.status, failed.json()) == (503, {"ok": False, "error": "not stored, retry later"})
    retried = send_greenhouse(running.url, body, event_id="gh-outage")
    assert (retried.status, retried.json()["duplicate"]) == (200, False)
    assert kept(running.engine) == [("greenhouse", "hire_candidate", "gh-outage")]


class TestSwitchedOff:
    """A receiver without its secret does not exist: 404, like any unknown path, even for a correctly signed body."""

    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"LEVER_WEBHOOK_TOKENS": ",".join(LEVER_TOKENS), "LEVER_API_KEY": LEVER_API_KEY}

    def test_receivers_without_a_secret_answer_404(self, running: RunningApp) -> None:
        greenhouse = send_greenhouse(running.url, fixture("greenhouse", "reject_candidate"))
        ashby = send_ashby(running.url, fixture("ashby", "candidateHire"))
        unknown = post(running.url + "/ats/workday", b"{}", {"Content-Type": "application/json"})
        assert [greenhouse.status, ashby.status, unknown.status] == [404, 404, 404]
        assert greenhouse.json() == {"ok": False, "error": "not_found"}
        assert send_lever(running.url, lever_body("candidateHired")).status == 200
        assert [source for source, _, _ in kept(running.engine)] == ["lever"]
