"""Only requests Slack signed, recently, reach a handler; anything else is refused and writes nothing."""

from __future__ import annotations

import time

import pytest

from testkit.database import row_counts
from testkit.running import RunningApp
from testkit.slack_http import post_signed, sign, slash_command_body

TEXT = "Jane Doe role=Backend stage=final"


def nothing_written(app: RunningApp) -> bool:
    return all(count == 0 for count in row_counts(app.engine).values())


def test_a_correctly_signed_request_is_accepted(running: RunningApp) -> None:
    assert post_signed(running.events_url, slash_command_body(text=TEXT)).status == 200
    assert not nothing_written(running)


def test_wrong_secret_is_refused(running: RunningApp) -> None:
    reply = post_signed(running.events_url, slash_command_body(text=TEXT), secret="not-the-secret")
    assert reply.status == 401
    assert nothing_written(running)


def test_unsigned_request_is_refused(running: RunningApp) -> None:
    reply = post_signed(running.events_url, slash_command_body(text=TEXT), signature="")
    assert reply.status == 401
    assert nothing_written(running)


def test_body_altered_after_signing_is_refused(running: RunningApp) -> None:
    body = slash_command_body(text=TEXT)
    ts = int(time.time())
    tampered = body.replace("Jane", "Mallory")
    assert post_signed(running.events_url, tampered, timestamp=ts, signature=sign(body, ts)).status == 401
    assert nothing_written(running)


@pytest.mark.parametrize("age_seconds", [301, 3600])
def test_stale_requests_are_refused_even_when_signed(running: RunningApp, age_seconds: int) -> None:
    reply = post_signed(running.events_url, slash_command_body(text=TEXT), timestamp=int(time.time()) - age_seconds)
    assert reply.status == 401
    assert nothing_written(running)
