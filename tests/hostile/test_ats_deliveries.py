"""Hostile deliveries to the ATS receivers, over real HTTP: whatever bytes and headers arrive, a forged one is 401, a
signed but malformed one 400, never a 500, and only a genuine delivery of an event Keepwarm uses is written."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.ats import ashby, greenhouse, lever
from models import AtsDelivery
from testkit.ats import LEVER_TOKENS, SECRETS_ENV, ashby_headers, greenhouse_headers, hex_hmac
from testkit.running import RunningApp
from testkit.slack_http import get, post

HTTP = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@pytest.fixture
def app_env() -> dict[str, str]:
    return dict(SECRETS_ENV)


def deliveries(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(AtsDelivery)) or 0


@HTTP
@given(body=st.binary(max_size=300), signature=header_values, event_id=header_values)
def test_unsigned_or_forged_bytes_are_401_and_write_nothing(
    running: RunningApp, body: bytes, signature: str, event_id: str
) -> None:
    before = deliveries(running.engine)
    for path, headers in [
        ("/ats/greenhouse", {"Signature": signature, "Greenhouse-Event-ID": event_id}),
        ("/ats/ashby", {"Ashby-Signature": signature}),
    ]:
        reply = post(running.url + path, body, {"Content-Type": "application/json", **headers})
        assert (reply.status, reply.json()["ok"]) == (401, False), (path, reply.body)
    lever_reply = post(running.url + "/ats/lever", body, {"Content-Type": "application/json"})
    assert lever_reply.status in (400, 401), lever_reply.body
    assert deliveries(running.engine) == before


@HTTP
@given(document=json_values, action=st.sampled_from(sorted(greenhouse.EVENTS | ashby.EVENTS)) | st.text(max_size=12))
def test_any_signed_json_is_kept_only_when_it_is_a_usable_delivery(
    running: RunningApp, document: Any, action: str
) -> None:
    before = deliveries(running.engine)
    token, now = "t" * 48, int(time.time() * 1000)
    lever_raw = json.dumps(
        {
            "event": action,
            "data": document,
            "triggeredAt": now,
            "token": token,
            "signature": hex_hmac(LEVER_TOKENS[0], f"{token}{now}".encode()),
        }
    ).encode()
    bodies = [("/ats/lever", lever_raw, {"Content-Type": "application/json"})]
    for raw in (json.dumps(document).encode(), json.dumps({"action": action, "payload": document}).encode()):
        bodies.append(("/ats/greenhouse", raw, greenhouse_headers(raw)))
    for raw in (json.dumps(document).encode(), json.dumps({"action": action, "data": document}).encode()):
        bodies.append(("/ats/ashby", raw, ashby_headers(raw)))
    kept = 0
    for path, raw, headers in bodies:
        reply = post(running.url + path, raw, headers)
        assert reply.status in (200, 400), (path, reply.status, reply.body)
        kept += reply.status == 200 and reply.json()["kept"] and not reply.json()["duplicate"]
        if reply.status == 200 and reply.json()["kept"]:
            assert action in (greenhouse.EVENTS | ashby.EVENTS | lever.EVENTS), (path, raw)
    assert deliveries(running.engine) == before + kept
    assert get(running.url + "/healthz").status == 200
